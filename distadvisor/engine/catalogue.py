"""Reference data the rules consult: the datastore catalogue.

A YAML file beside the rules (`datastores.yaml`), checked on load against the
contract's vocabularies, each entry with its source. Stores are matched on what a
kind of data needs (guarantees, queries, size, rate, regions), never on how it is
partitioned, and ranked simplest first (rules/data/datastores.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, Problem
from ..model import yamlsource
from ..model.vocabulary import (
    CONFLICT_RESOLUTION,
    CONSISTENCY,
    IMPLIES,
    ISOLATION,
    PACELC,
    PARTITIONING,
    REPLICATION,
)
from . import parsecache
from .network import CLOUDS

TIERS = ("mainstream", "specialised", "niche", "paper")
SCALES = ("single-node", "distributed")
ACCESS_PATTERNS = (
    "point",
    "range",
    "time-series",
    "geo",
    "counters",
    "sorted-sets",
    "logs-queues",
    "search",
    "objects",
)
# The requirements' access words (data[].access) that the catalogue spells in plural.
_CATALOGUE_ACCESS = {
    "counter": "counters",
    "sorted-set": "sorted-sets",
    "log": "logs-queues",
    "object": "objects",
}


def catalogue_access(access: str) -> str:
    """The catalogue's word for a requirements access word (`counter` is `counters`)."""
    return _CATALOGUE_ACCESS.get(access, access)


DEPLOYMENTS = ("single-region", "multi-region-one-writer", "multi-region-sync", "multi-writer")
TRANSACTIONS = ("none", "single-key", "multi-row")
LIMIT_KINDS = (
    "max_size_gb",
    "max_writes_per_sec",
    "max_key_writes_per_sec",
    "min_regions",
    "max_regions",
    "region_sets",
    "not_system_of_record",
    "note",
)
# Limits on the regions apply to data that must lose no acknowledged write with a region.
_REGION_LIMITS = ("min_regions", "max_regions", "region_sets")
# A scheme that also serves data concluded for another one: consensus is synchronous
# replication with a safe failover, and a chain's tail is a synchronous follower.
_STRONGER_REPLICATION = {
    "leader-follower-sync": ("consensus",),
    "chain": ("consensus", "leader-follower-sync"),
}
# Schemes that acknowledge a write only once other replicas have it.
_SYNCHRONOUS = ("consensus", "leader-follower-sync", "chain")
# Isolation that needs transactions over several rows, not only one conditional write.
_MULTI_ROW_ISOLATION = ("serializable", "snapshot")


class Needs(NamedTuple):
    """What one kind of data needs of a store: what was concluded for it and its facts."""

    consistency: str
    pacelc: str
    replication: str
    conflicts: str
    isolation: str
    access: str
    size_gb: float | None
    writes_per_sec: float | None
    region_names: tuple[str, ...]
    region_count: int
    writes_from: str
    # hash or range (past one node) ranks scale-out and specialised stores first;
    # geographic under consensus is one group per home region (see `deployment`).
    partitioning: str
    mutability: str = "mutable"  # items never rewritten cannot conflict
    hot_keys: bool = False  # a few keys take most of the writes
    # A region loss must lose no acknowledged write, so a synchronous follower sits in
    # another region (a cross-region standby, or consensus across regions).
    region_loss_safe: bool = False
    # Its history must be kept (audit_trail): only a durable store may hold it.
    audit_trail: bool = False
    clouds: tuple[str, ...] = ()  # the providers of the named regions, sorted

    @property
    def deployment(self) -> str:
        """The deployment shape the concluded replication asks for. Data partitioned by
        geography under consensus runs one consensus group inside each home region
        (replication.strong-geographic): each group is a one-region deployment."""
        if self.region_count <= 1 or (
            self.partitioning == "geographic" and self.replication == "consensus"
        ):
            return "single-region"
        if self.replication == "consensus" or (
            self.region_loss_safe and self.replication in _STRONGER_REPLICATION
        ):
            return "multi-region-sync"
        if self.writes_from == "all-regions" and self.replication in ("multi-leader", "leaderless"):
            return "multi-writer"
        return "multi-region-one-writer"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Limit(NamedTuple):
    """A documented limit of a store or of one of its settings, with its source."""

    kind: str
    value: Any  # a number, or for region_sets a tuple of region-name tuples
    note: str
    source: str
    unknown_excludes: bool = False
    # The queries it concerns (catalogue words); empty: every query the store serves.
    access: tuple[str, ...] = ()

    def concerns(self, access: str) -> bool:
        """Whether the limit applies to data read by `access` queries (requirements
        word): a note on sorted sets says nothing about counters."""
        return not self.access or catalogue_access(access) in self.access

    def figure(self, needs: Needs) -> float | int | None:
        """The data's figure this limit bounds (null when the data does not say)."""
        if self.kind == "max_size_gb":
            return needs.size_gb
        if self.kind == "max_writes_per_sec":
            return needs.writes_per_sec
        if self.kind == "max_key_writes_per_sec":
            # A hot key may take most of the data's writes; other keys spread them.
            return needs.writes_per_sec if needs.hot_keys else None
        return needs.region_count

    def breach(self, needs: Needs) -> str | None:
        """Why data with these needs is past this limit; None within it, unknown, or
        for queries the limit does not concern."""
        if not self.concerns(needs.access):
            return None
        if self.kind in ("max_size_gb", "max_writes_per_sec", "max_key_writes_per_sec"):
            figure = self.figure(needs)
            unit = "GB" if self.kind == "max_size_gb" else "writes/s"
            if self.kind == "max_key_writes_per_sec":
                unit = "writes/s on a hot key"
            if figure is None:
                if self.unknown_excludes:
                    return f"the size is unknown and {self.note}"
                return None  # unknown is not past the limit
            if figure > self.value:
                return f"{_number(figure)} {unit} is past {_number(self.value)} {unit}: {self.note}"
            return None
        if self.kind == "not_system_of_record":
            return self.note if needs.audit_trail else None
        if self.kind not in _REGION_LIMITS or needs.deployment != "multi-region-sync":
            return None
        count = needs.region_count
        if self.kind == "min_regions" and count < self.value:
            return f"{count} regions: {self.note}"
        if self.kind == "max_regions" and count > self.value:
            return f"{count} regions: {self.note}"
        names = set(needs.region_names)
        if self.kind == "region_sets" and names and not any(names <= set(s) for s in self.value):
            return f"{', '.join(needs.region_names)}: {self.note}"
        return None


class Level(NamedTuple):
    """One tunable setting of a store and what it delivers."""

    name: str
    consistency: str
    pacelc: str
    replication: tuple[str, ...]
    conflicts: tuple[str, ...]  # how concurrent writes are resolved at this level
    deployments: tuple[str, ...]
    transactions: str
    limits: tuple[Limit, ...]
    sources: tuple[str, ...]

    def delivers(self, needs: Needs) -> bool:
        """Its guarantees cover the data's: a model that implies the one wanted, the same
        partition choice, consistency in normal operation where it is wanted, the
        replication scheme (or a stronger one) and the same conflict handling (both
        moot for data written once)."""
        level_p, level_e = self.pacelc.split("/")
        want_p, want_e = needs.pacelc.split("/")
        replication = (needs.replication, *_STRONGER_REPLICATION.get(needs.replication, ()))
        # Items written once never see concurrent writes: any conflict handling keeps
        # them, and any asynchronous scheme (append-only telemetry on a leaderless
        # store); a synchronous scheme is still wanted for what it keeps on failover.
        written_once = needs.mutability != "mutable"
        any_scheme = written_once and needs.replication not in _SYNCHRONOUS
        return (
            needs.consistency in IMPLIES[self.consistency]
            and level_p == want_p
            and (level_e == want_e or want_e == "EL")
            and (any_scheme or any(scheme in self.replication for scheme in replication))
            and (written_once or needs.conflicts in self.conflicts)
        )


class Store(NamedTuple):
    name: str
    tier: str
    scale: str
    pacelc: str  # its class by default (Abadi 2012 where the system is in that paper)
    access: tuple[str, ...]
    partitioning: tuple[str, ...]  # schemes it splits data by itself; never matched on
    isolation: tuple[tuple[str, str], ...]  # (level or "default", the setting that gives it)
    levels: tuple[Level, ...]
    limits: tuple[Limit, ...]
    sources: tuple[str, ...]
    cloud: str | None = None  # the one provider that runs it, for a managed-only service

    @property
    def recommend(self) -> bool:
        return self.tier != "paper"

    def isolation_setting(self, wanted: str) -> str | None:
        """The setting that gives `wanted` isolation, or the weakest stronger one."""
        offered = dict(self.isolation)
        stronger = ISOLATION[: ISOLATION.index(wanted) + 1] if wanted in ISOLATION else ()
        return next((offered[level] for level in reversed(stronger) if level in offered), None)


class Verdict(NamedTuple):
    """A store's answer to one kind of data: its best level, or why it has none."""

    store: Store
    position: int  # in the catalogue: its order ranks the stores
    level: Level | None
    why: str = ""
    by_limit: bool = False  # excluded by a documented limit rather than a guarantee


class Selection(NamedTuple):
    """The stores offered for one kind of data, simplest first, and those left out."""

    stores: tuple[str, ...]
    excluded: tuple[Verdict, ...]  # stores that serve the queries but cannot be offered
    needs: Needs
    elsewhere: tuple[Store, ...] = ()  # offered, but only another provider runs them

    def explain(self) -> str:
        """Why the list is empty, or which stores a documented limit keeps off it, as
        sentences that follow another (with a leading space); stores left out for the
        same reason are named together."""
        if self.stores:
            limited = [f"{v.store.name} ({v.why})" for v in self.excluded if v.by_limit]
            text = (
                " Not offered past a documented limit: " + "; ".join(limited) + "."
                if limited
                else ""
            )
            if self.elsewhere:
                text += (
                    f" Ranked after the stores that run on {', '.join(self.needs.clouds)}, as"
                    " only another provider runs them: "
                    + ", ".join(f"{store.name} ({store.cloud})" for store in self.elsewhere)
                    + "."
                )
            return text
        if not self.excluded:
            return f" No catalogued store serves {self.needs.access} queries."
        grouped: dict[str, list[str]] = {}
        for verdict in self.excluded:
            grouped.setdefault(verdict.why, []).append(verdict.store.name)
        return (
            " No catalogued store fits: "
            + "; ".join(f"{', '.join(names)}: {why}" for why, names in grouped.items())
            + "."
        )


class Catalogue:
    """The loaded catalogue; selections are memoised per distinct needs (`check` asks
    for the same few combinations across thousands of files)."""

    def __init__(self, stores: tuple[Store, ...]) -> None:
        self.stores = stores
        self._selections: dict[Needs, Selection] = {}

    def select(self, needs: Needs) -> Selection:
        found = self._selections.get(needs)
        if found is None:
            found = self._selections[needs] = self._select(needs)
        return found

    def _select(self, needs: Needs) -> Selection:
        verdicts = [
            _judge(store, i, needs)
            for i, store in enumerate(self.stores)
            if store.recommend and catalogue_access(needs.access) in store.access
        ]
        fits = [v for v in verdicts if v.level is not None]
        excluded = [v for v in verdicts if v.level is None]
        if not any(v.store.tier != "niche" for v in fits):
            # A niche or research system is never first: alone, it is a reason, not advice.
            excluded += [
                v._replace(
                    level=None, why="fits, but a niche or research system is never advised alone"
                )
                for v in fits
            ]
            excluded.sort(key=lambda v: v.position)
            fits = []
        scale_out = needs.partitioning in ("hash", "range")
        fits.sort(
            key=lambda v: (
                v.store.tier == "niche",
                # A service only another provider runs follows every store that runs here.
                _elsewhere(v.store, needs),
                # Scale-out stores first when the data outgrows one node.
                scale_out and v.store.scale == "single-node",
                # A store chosen for these queries before a general-purpose one, once the
                # data outgrows one node: below that the simplest store serves them too.
                scale_out and v.store.tier != "specialised",
                v.position,
            )
        )
        stores = tuple(f"{v.store.name} ({v.level.name})" for v in fits if v.level is not None)
        elsewhere = tuple(v.store for v in fits if _elsewhere(v.store, needs))
        return Selection(stores, tuple(excluded), needs, elsewhere)


def _elsewhere(store: Store, needs: Needs) -> bool:
    """Only a provider none of the named regions belongs to runs this store."""
    return bool(store.cloud and needs.clouds and store.cloud not in needs.clouds)


def _judge(store: Store, index: int, needs: Needs) -> Verdict:
    """The best level of `store` for these needs, or the first reason it has none."""
    multi_row = needs.isolation in _MULTI_ROW_ISOLATION
    if multi_row and store.isolation_setting(needs.isolation) is None:
        return Verdict(store, index, None, f"no {needs.isolation} isolation")
    levels = [level for level in store.levels if level.delivers(needs)]
    if not levels:
        return Verdict(
            store,
            index,
            None,
            f"no setting delivers {needs.consistency} ({needs.pacelc}) over"
            f" {needs.replication} replication with conflict resolution {needs.conflicts}",
        )
    levels = [level for level in levels if needs.deployment in level.deployments]
    if not levels:
        return Verdict(store, index, None, f"no such setting for a {needs.deployment} deployment")
    if multi_row:
        levels = [level for level in levels if level.transactions == "multi-row"]
        if not levels:
            return Verdict(
                store,
                index,
                None,
                f"atomic writes of one key only at that setting, and {needs.isolation}"
                " isolation needs transactions over several rows",
            )
    for limit in store.limits:
        if why := limit.breach(needs):
            return Verdict(store, index, None, why, by_limit=limit.figure(needs) is not None)
    within = [level for level in levels if not any(lim.breach(needs) for lim in level.limits)]
    if not within:
        first = next(why for lim in levels[0].limits if (why := lim.breach(needs)))
        return Verdict(store, index, None, first, by_limit=True)
    # The level that delivers exactly what is wanted beats a stronger, slower one: the
    # same consistency and class, then the concluded replication scheme itself (data
    # written once fits any scheme, and the advice names the one concluded).
    best = min(
        within,
        key=lambda level: (
            level.consistency != needs.consistency,
            level.pacelc != needs.pacelc,
            needs.replication not in level.replication,
        ),
    )
    return Verdict(store, index, best)


class _Checker:
    def __init__(self, doc: yamlsource.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def get(
        self, raw: Any, key: str, kind: type | tuple[type, ...], path: tuple[str | int, ...]
    ) -> Any:
        value = raw.get(key) if isinstance(raw, dict) else None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            self.problems.append(
                Problem(f"'{key}' missing or wrong type", self.doc.locate((*path, key)), names)
            )
            return None
        return value

    def words(
        self, raw: Any, key: str, allowed: tuple[str, ...], path: tuple[str | int, ...]
    ) -> tuple[str, ...]:
        values = self.get(raw, key, list, path) or []
        for i, value in enumerate(values):
            if value not in allowed:
                self.problems.append(
                    Problem(
                        "unknown value",
                        self.doc.locate((*path, key, i)),
                        "one of " + " | ".join(allowed),
                        repr(value),
                    )
                )
        return tuple(values)

    def word(
        self, raw: Any, key: str, allowed: tuple[str, ...], path: tuple[str | int, ...]
    ) -> str:
        value = self.get(raw, key, str, path)
        if value is not None and value not in allowed:
            self.problems.append(
                Problem(
                    "unknown value",
                    self.doc.locate((*path, key)),
                    "one of " + " | ".join(allowed),
                    repr(value),
                )
            )
        return str(value)

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _sources(check: _Checker, raw: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
    """A non-empty list of sources: every entry of the catalogue says where it is from."""
    values = check.get(raw, "sources", list, path) or []
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        check.problems.append(
            Problem(
                "sources missing or blank",
                check.doc.locate((*path, "sources")),
                "a non-empty list of sources",
            )
        )
    return tuple(str(v) for v in values)


def _limits(
    check: _Checker, raw: Any, path: tuple[str | int, ...], served: tuple[str, ...]
) -> tuple[Limit, ...]:
    """The limits at `path`; one that names the queries it concerns (`access`) names
    some the store serves (`served`)."""
    limits = []
    items = raw.get("limits", []) if isinstance(raw, dict) else []
    if not isinstance(items, list):
        check.problems.append(
            Problem("'limits' must be a list", check.doc.locate((*path, "limits")), "a list")
        )
        items = []
    for k, item in enumerate(items):
        at = (*path, "limits", k)
        kind = check.word(item, "kind", LIMIT_KINDS, at)
        value: Any = None
        if kind == "region_sets":
            sets = check.get(item, "value", list, at) or []
            if not all(isinstance(s, list) and all(isinstance(n, str) for n in s) for s in sets):
                check.problems.append(
                    Problem(
                        "malformed region sets",
                        check.doc.locate((*at, "value")),
                        "a list of lists of region names",
                    )
                )
                sets = []
            value = tuple(tuple(s) for s in sets)
        elif kind not in ("note", "not_system_of_record"):
            value = check.get(item, "value", (int, float), at)
        unknown = item.get("unknown_excludes", False) if isinstance(item, dict) else False
        access = check.words(item, "access", served, at) if _has(item, "access") else ()
        limits.append(
            Limit(
                kind=kind,
                value=value,
                note=str(check.get(item, "note", str, at)),
                source=str(check.get(item, "source", str, at)),
                unknown_excludes=unknown is True,
                access=access,
            )
        )
    return tuple(limits)


def _isolation(
    check: _Checker, raw: Any, path: tuple[str | int, ...]
) -> tuple[tuple[str, str], ...]:
    """`default` (one of the isolation vocabulary), then the setting for each level offered."""
    table = check.get(raw, "isolation", dict, path) or {}
    at = (*path, "isolation")
    check.word(table, "default", ISOLATION, at)
    pairs = []
    for key, setting in table.items():
        if key == "default":
            continue
        if key not in ISOLATION[:-1] or not isinstance(setting, str):
            check.problems.append(
                Problem(
                    f"unknown isolation setting {key!r}",
                    check.doc.locate((*at, key)),
                    "default, or " + " | ".join(ISOLATION[:-1]) + " with the setting's text",
                )
            )
            continue
        pairs.append((str(key), " ".join(setting.split())))
    return (("default", str(table.get("default"))), *pairs)


def _has(raw: Any, key: str) -> bool:
    return isinstance(raw, dict) and key in raw


def load_catalogue(path: Path) -> Catalogue:
    doc = parsecache.load(path)
    check = _Checker(doc)
    stores = []
    for i, raw in enumerate(check.get(doc.data, "stores", list, ()) or []):
        where: tuple[str | int, ...] = ("stores", i)
        access = check.words(raw, "access", ACCESS_PATTERNS, where)
        served = tuple(word for word in access if word in ACCESS_PATTERNS)
        levels = []
        for j, level in enumerate(check.get(raw, "levels", list, where) or []):
            at = (*where, "levels", j)
            levels.append(
                Level(
                    name=str(check.get(level, "level", str, at)),
                    consistency=check.word(level, "consistency", CONSISTENCY, at),
                    pacelc=check.word(level, "pacelc", PACELC, at),
                    replication=check.words(level, "replication", REPLICATION, at),
                    conflicts=check.words(level, "conflicts", CONFLICT_RESOLUTION, at),
                    deployments=check.words(level, "deployments", DEPLOYMENTS, at),
                    transactions=check.word(level, "transactions", TRANSACTIONS, at),
                    limits=_limits(check, level, at, served),
                    sources=_sources(check, level, at),
                )
            )
        stores.append(
            Store(
                name=str(check.get(raw, "name", str, where)),
                tier=check.word(raw, "tier", TIERS, where),
                scale=check.word(raw, "scale", SCALES, where),
                pacelc=check.word(raw, "pacelc", PACELC, where),
                access=access,
                partitioning=check.words(raw, "partitioning", PARTITIONING, where),
                isolation=_isolation(check, raw, where),
                levels=tuple(levels),
                limits=_limits(check, raw, where, served),
                sources=_sources(check, raw, where),
                cloud=check.word(raw, "cloud", CLOUDS, where) if _has(raw, "cloud") else None,
            )
        )
    check.done()
    return Catalogue(tuple(stores))
