"""The requirements model: the one place that knows what a valid requirements file is.

Each section is a frozen dataclass whose fields carry their constraints and help in
`metadata`. The validator, the facts the rules read, and the documentation are all
derived from these declarations, so a field is described once. The loader, the
questionnaire and `--data` all end in `from_document`, so their errors read the same.
"""

import dataclasses
import math
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ..errors import InputError, Problem, did_you_mean
from .yamlsource import Document, PathKey, format_path

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")  # used with fullmatch
# Text may hold tabs and newlines, but no other control characters (escape sequences
# would reach terminals and documents as they are).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# The largest catalogue one file may describe: kinds of data, services and transactions
# each. The advice grows linearly up to here (bench/bench_scale.py shows the curve);
# past it a file is refused with a message rather than left to run away.
MAX_ENTRIES = 10_000
# The most simultaneous node failures a requirements file may ask to survive.
MAX_NODE_FAILURES = 50

StaleReads = Literal["never", "bounded", "tolerated"]
Ordering = Literal["none", "per-key", "causal", "total"]
Conflicts = Literal["reject", "merge", "last-write-wins"]
Access = Literal[
    "point", "range", "time-series", "geo", "search", "log", "counter", "sorted-set", "object"
]
WritesFrom = Literal["one-region", "all-regions"]
Mutability = Literal["mutable", "immutable", "append-only"]
Freshness = Literal["hard", "objective"]
# The latency fits of rules/data/latency.yaml that `distadvisor simulate` draws from;
# loading that file checks it has each of them.
LatencyProfile = Literal["lnkd-ssd", "lnkd-disk", "ymmr"]
# The contract's vocabularies (vocabulary.py), which a declared design is written in;
# a test keeps these Literals equal to them.
Replication = Literal[
    "consensus",
    "leader-follower-sync",
    "leader-follower-async",
    "multi-leader",
    "leaderless",
    "chain",
]
Partitioning = Literal["none", "hash", "range", "geographic"]
# Consistency levels that name a number of replicas (Cassandra's ONE ... ALL).
AckLevel = Literal["ONE", "TWO", "THREE", "QUORUM", "ALL"]
# A finding's path, e.g. `data[0].conflicts` or `services[2]`.
PATH_PATTERN = r"^[A-Za-z_]+(\[[0-9]+\])*(\.[A-Za-z_]+(\[[0-9]+\])*)*$"
NOT_BLANK = r"\S"
# What each `pattern` of a field means, for messages.
PATTERN_HELP = {
    PATH_PATTERN: "a field path such as data[0].conflicts",
    NOT_BLANK: "some text, not blank",
}


def spec(
    help: str,
    *,
    required: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_maximum: bool = False,
    exclusive_minimum: bool = False,
    min_items: int = 0,
    max_items: int | None = None,
    name: bool = False,
    pattern: str | None = None,
) -> dict[str, Any]:
    """Constraints and help for one field, kept in the dataclass field's metadata."""
    return {
        "help": help,
        "required": required,
        "minimum": minimum,
        "maximum": maximum,
        "exclusive_maximum": exclusive_maximum,
        "exclusive_minimum": exclusive_minimum,
        "min_items": min_items,
        "max_items": max_items,
        "name": name,
        "pattern": pattern,  # a regular expression the text must contain (JSON Schema's)
    }


@dataclass(frozen=True)
class Deployment:
    """Where the system runs and where writes come from."""

    regions: int | tuple[str, ...] = field(
        default=1,
        metadata=spec(
            "Number of regions (1 to 100), or a list of region names.",
            minimum=1,
            maximum=100,
            min_items=1,
            max_items=100,
        ),
    )
    writes_from: WritesFrom = field(
        default="one-region", metadata=spec("Whether writes enter in one region or in all of them.")
    )
    latency_profile: LatencyProfile | None = field(
        default=None,
        metadata=spec(
            "The latency fits `distadvisor simulate` draws delays from (SSD or disk nodes); "
            "`simulate --profile` overrides it."
        ),
    )

    @property
    def region_count(self) -> int:
        return self.regions if isinstance(self.regions, int) else len(self.regions)

    @property
    def region_names(self) -> tuple[str, ...]:
        return () if isinstance(self.regions, int) else self.regions

    def regions_for(self, residency: Sequence[str]) -> tuple[int, ...]:
        """The regions (by index, in the file's order) data with this residency may live
        in: the named regions the residency lists. Regions given as a count cannot be
        matched (a residency may name a jurisdiction, EU), and residency naming none of
        the regions is a contradiction findings.residency-outside-regions reports: both
        leave all of them."""
        everywhere = tuple(range(self.region_count))
        if not residency or not self.region_names:
            return everywhere
        allowed = tuple(i for i, name in enumerate(self.region_names) if name in residency)
        return allowed or everywhere


@dataclass(frozen=True)
class Workload:
    """Expected load; every number is optional."""

    reads_per_sec: float | None = field(
        default=None, metadata=spec("Peak reads per second.", minimum=0)
    )
    writes_per_sec: float | None = field(
        default=None, metadata=spec("Peak writes per second.", minimum=0)
    )


@dataclass(frozen=True)
class LatencyBudget:
    """p99 latency budgets in milliseconds."""

    read: float | None = field(
        default=None, metadata=spec("p99 read budget in ms.", minimum=0, exclusive_minimum=True)
    )
    write: float | None = field(
        default=None, metadata=spec("p99 write budget in ms.", minimum=0, exclusive_minimum=True)
    )


@dataclass(frozen=True)
class Availability:
    """The availability target and the failures the system must ride out."""

    target: float = field(
        default=99.9,
        metadata=spec(
            "Availability target in percent (90 <= x < 100).",
            minimum=90,
            maximum=100,
            exclusive_maximum=True,
        ),
    )
    node_failures_tolerated: int = field(
        default=1,
        metadata=spec(
            f"Simultaneous node failures the system must survive (0 to {MAX_NODE_FAILURES}).",
            minimum=0,
            maximum=MAX_NODE_FAILURES,
        ),
    )
    region_failure_tolerated: bool = field(
        default=False, metadata=spec("Whether losing a whole region must be survived.")
    )
    # --- what a loss may cost (added in the requirements language's growth) ---
    zone_failure_tolerated: bool | None = field(
        default=None,
        metadata=spec(
            "Whether losing a whole availability zone must be survived (default: true when"
            " node_failures_tolerated >= 1)."
        ),
    )
    rpo_s: float | None = field(
        default=None,
        metadata=spec(
            "Seconds of acknowledged writes that may be lost on a region loss (0 = none).",
            minimum=0,
        ),
    )
    rto_s: float | None = field(
        default=None,
        metadata=spec("Seconds to restore service after a region loss.", minimum=0),
    )

    @property
    def zone_failure(self) -> bool:
        """Whether a zone loss must be survived, with its documented default."""
        if self.zone_failure_tolerated is not None:
            return self.zone_failure_tolerated
        return self.node_failures_tolerated >= 1


@dataclass(frozen=True)
class DataDesign:
    """What a team built for one kind of data, checked against what the data needs."""

    datastore: str | None = field(
        default=None, metadata=spec("The datastore, as named in the catalogue.", pattern=NOT_BLANK)
    )
    level: str | None = field(
        default=None,
        metadata=spec("The store's setting, as named in the catalogue.", pattern=NOT_BLANK),
    )
    replication: Replication | None = field(
        default=None, metadata=spec("How the data is replicated.")
    )
    replication_factor: int | None = field(
        default=None, metadata=spec("Copies of each item (n, RF).", minimum=1)
    )
    write_consistency: int | AckLevel | None = field(
        default=None,
        metadata=spec("Replicas that acknowledge a write (w): a number or a level.", minimum=1),
    )
    read_consistency: int | AckLevel | None = field(
        default=None,
        metadata=spec("Replicas a read waits for (r): a number or a level.", minimum=1),
    )
    partitioning: Partitioning | None = field(
        default=None, metadata=spec("How the data is partitioned.")
    )

    @property
    def w(self) -> int | None:
        return self.replicas(self.write_consistency)

    @property
    def r(self) -> int | None:
        return self.replicas(self.read_consistency)

    def replicas(self, level: int | str | None) -> int | None:
        """How many replicas a level names; QUORUM and ALL depend on the factor."""
        if level is None or isinstance(level, int):
            return level
        n = self.replication_factor
        fixed = {"ONE": 1, "TWO": 2, "THREE": 3}
        if level in fixed:
            return fixed[level]
        if n is None:
            return None
        return n // 2 + 1 if level == "QUORUM" else n


@dataclass(frozen=True)
class Entity:
    """One kind of data, described by what the business needs of it."""

    name: str = field(
        default="", metadata=spec("Name of this kind of data.", required=True, name=True)
    )
    money: bool = field(
        default=False, metadata=spec("Financial value: lost or double updates are unacceptable.")
    )
    unique_claims: bool = field(
        default=False,
        metadata=spec("Seats, stock, usernames: two people must never claim the same item."),
    )
    stale_reads: StaleReads = field(
        default="tolerated", metadata=spec("Whether a reader may see data that is out of date.")
    )
    max_staleness_s: float | None = field(
        default=None,
        metadata=spec(
            "How old a read may be, in seconds (required when stale_reads is bounded).",
            minimum=0,
            exclusive_minimum=True,
        ),
    )
    read_your_writes: bool = field(
        default=False, metadata=spec("A user must see their own writes at once.")
    )
    ordering: Ordering = field(
        default="none", metadata=spec("Order every reader must see writes in.")
    )
    conflicts: Conflicts = field(
        default="reject", metadata=spec("What to do with concurrent writes to the same item.")
    )
    access: Access = field(default="point", metadata=spec("The dominant queries."))
    residency: tuple[str, ...] = field(
        default=(), metadata=spec("Regions the data must legally stay in.")
    )
    read_write_ratio: float | None = field(
        default=None, metadata=spec("Reads per write.", minimum=0)
    )
    audit_trail: bool = field(
        default=False, metadata=spec("The full history of changes must be kept.")
    )
    size_gb: float | None = field(default=None, metadata=spec("Data size in GB.", minimum=0))
    # --- added in the requirements language's growth; all optional ---
    writes_per_sec: float | None = field(
        default=None, metadata=spec("Peak writes per second of this kind of data.", minimum=0)
    )
    reads_per_sec: float | None = field(
        default=None, metadata=spec("Peak reads per second of this kind of data.", minimum=0)
    )
    hot_keys: bool = field(
        default=False, metadata=spec("A few keys take a large share of the traffic.")
    )
    home_region: str | None = field(
        default=None,
        metadata=spec("The region of deployment.regions where this data is written.", name=True),
    )
    writes_from: WritesFrom | None = field(
        default=None,
        metadata=spec("Where this data is written from (default: deployment.writes_from)."),
    )
    mutability: Mutability = field(
        default="mutable",
        metadata=spec("Whether items change after they are written, or are only appended."),
    )
    freshness: Freshness | None = field(
        default=None,
        metadata=spec(
            "With bounded staleness: 'hard' refuses reads past the bound (CP); 'objective'"
            " keeps serving the last known value (AP). Default: hard for money or unique"
            " claims, else objective."
        ),
    )
    transactional_with: tuple[str, ...] = field(
        default=(),
        metadata=spec("Other kinds of data updated in the same transaction as this one."),
    )
    design: DataDesign | None = field(
        default=None, metadata=spec("What was built for this data (design drift is checked).")
    )

    @property
    def effective_freshness(self) -> Freshness | None:
        """How a staleness bound is enforced: only bounded staleness has one."""
        if self.stale_reads != "bounded":
            return None
        if self.freshness is not None:
            return self.freshness
        return "hard" if self.money or self.unique_claims else "objective"


@dataclass(frozen=True)
class Service:
    """A service in the call graph."""

    name: str = field(default="", metadata=spec("Service name.", required=True, name=True))
    calls: tuple[str, ...] = field(
        default=(), metadata=spec("Services this one calls synchronously.")
    )
    external: bool = field(
        default=False, metadata=spec("A third-party or otherwise unreliable dependency.")
    )
    publishes_events: bool = field(
        default=False, metadata=spec("The service publishes events when its data changes.")
    )
    protected_by: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            "Patterns already protecting callers of this service (e.g. circuit-breaker)."
        ),
    )


@dataclass(frozen=True)
class Transaction:
    """A business transaction spanning services."""

    name: str = field(default="", metadata=spec("Transaction name.", required=True, name=True))
    steps: tuple[str, ...] = field(
        default=(), metadata=spec("Steps in order.", required=True, min_items=1)
    )
    services: tuple[str, ...] = field(
        default=(), metadata=spec("Services the steps run in.", required=True, min_items=1)
    )
    read_only_services: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            "Services of `services` whose steps only read (change no state) in this"
            " transaction: they need no compensation, outbox or saga step."
        ),
    )


@dataclass(frozen=True)
class Accept:
    """A finding the team accepts, with the reason: reported as suppressed, never dropped."""

    rule: str = field(
        default="",
        metadata=spec("The id of the rule whose finding is accepted.", required=True, name=True),
    )
    reason: str = field(
        default="", metadata=spec("Why the finding is accepted.", required=True, pattern=NOT_BLANK)
    )
    path: str | None = field(
        default=None,
        metadata=spec(
            "Only findings at this path or below it (e.g. data[0]); all when left out.",
            pattern=PATH_PATTERN,
        ),
    )

    def covers(self, rule: str, path: str) -> bool:
        if rule != self.rule:
            return False
        scope = self.path
        return scope is None or path == scope or path.startswith((f"{scope}.", f"{scope}["))


@dataclass(frozen=True)
class Requirements:
    """A whole requirements file (version 1)."""

    version: Literal[1] = field(default=1, metadata=spec("File format version.", required=True))
    system: str = field(default="", metadata=spec("System name.", required=True, name=True))
    description: str = field(default="", metadata=spec("What the system does."))
    deployment: Deployment = field(default_factory=Deployment, metadata=spec("Deployment."))
    workload: Workload = field(default_factory=Workload, metadata=spec("Workload."))
    latency_budget_ms: LatencyBudget = field(
        default_factory=LatencyBudget, metadata=spec("Latency budgets.")
    )
    availability: Availability = field(default_factory=Availability, metadata=spec("Availability."))
    data: tuple[Entity, ...] = field(
        default=(),
        metadata=spec(
            "Kinds of data, one entry each.", required=True, min_items=1, max_items=MAX_ENTRIES
        ),
    )
    services: tuple[Service, ...] = field(
        default=(), metadata=spec("The service graph.", max_items=MAX_ENTRIES)
    )
    transactions: tuple[Transaction, ...] = field(
        default=(),
        metadata=spec("Business transactions spanning services.", max_items=MAX_ENTRIES),
    )
    accept: tuple[Accept, ...] = field(
        default=(), metadata=spec("Findings accepted, each with its reason.")
    )


# --- validation -----------------------------------------------------------------------


_FIELD_TYPES: dict[type, dict[str, Any]] = {}
_TYPE_PARTS: dict[int, tuple[Any, Any, tuple[Any, ...]]] = {}


def _type_parts(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """`typing.get_origin` and `get_args` of a field type, computed once per type: the
    validator asks for every value of every file `check` reads. Keyed by identity, as
    hashing a `Literal[...]` costs more than the lookup saves; the entry keeps the
    type alive, so its id cannot be reused."""
    parts = _TYPE_PARTS.get(id(hint))
    if parts is None:
        parts = _TYPE_PARTS[id(hint)] = (hint, typing.get_origin(hint), typing.get_args(hint))
    return parts[1], parts[2]


def field_types(cls: type) -> dict[str, Any]:
    """A section's resolved field types (resolving annotations is slow: done once)."""
    if cls not in _FIELD_TYPES:
        _FIELD_TYPES[cls] = typing.get_type_hints(cls)
    return _FIELD_TYPES[cls]


Section = TypeVar("Section")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int) and abs(value) >= 10**20:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):  # repr: control characters shown escaped, never emitted
        return repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Validator:
    """Walks a parsed document against the dataclass declarations, collecting problems."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(
        self, path: PathKey, message: str, expected: str = "", found: str = "", hint: str = ""
    ) -> None:
        self.problems.append(Problem(message, self.doc.locate(path), expected, found, hint))

    def section(self, cls: type[Section], raw: Any, path: PathKey) -> Section | None:
        if not isinstance(raw, dict):
            what = "the document" if not path else f"'{format_path(path)}'"
            self.problem(path, f"{what} must be a mapping", "a mapping of fields", _describe(raw))
            return None
        hints = field_types(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for key in raw:
            if key not in fields:
                hint = did_you_mean(key, list(fields))
                self.problem(
                    (*path, key),
                    f"unknown key {key!r}",
                    "one of " + ", ".join(fields),
                    hint=hint,
                )
        values: dict[str, Any] = {}
        ok = True
        for name, fld in fields.items():
            if name not in raw:
                if fld.metadata.get("required"):
                    self.problem((*path, name), f"missing required field '{name}'")
                    ok = False
                continue
            value = self.value(hints[name], fld.metadata, raw[name], (*path, name))
            if value is _INVALID:
                ok = False
            else:
                values[name] = value
        return cls(**values) if ok else None

    def value(self, hint: Any, meta: typing.Mapping[str, Any], raw: Any, path: PathKey) -> Any:
        origin, args = _type_parts(hint)
        if origin in (typing.Union, types.UnionType):
            if raw is None and type(None) in args:
                return None
            options = [a for a in args if a is not type(None)]
            return self.value(_option_for(options, raw), meta, raw, path)
        if origin is Literal:
            return self.literal(args, raw, path)
        if origin is tuple:
            return self.sequence(args[0], meta, raw, path)
        if dataclasses.is_dataclass(hint):
            section = self.section(typing.cast(type, hint), raw, path)
            return _INVALID if section is None else section
        if hint is bool:
            if isinstance(raw, bool):
                return raw
            return self.fail(path, "must be true or false", "a boolean", raw)
        if hint is int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                return self.fail(path, "must be a whole number", "an integer", raw)
            return self.bounded(raw, meta, path)
        if hint is float:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                return self.fail(path, "must be a number", "a finite number", raw)
            try:
                number = float(raw)  # an integer beyond a float's range overflows here
            except OverflowError:
                number = math.inf
            if not math.isfinite(number):
                return self.fail(path, "must be a number", "a finite number", raw)
            return self.bounded(number, meta, path)
        if hint is str:
            if not isinstance(raw, str):
                return self.fail(path, "must be text", "a string", raw)
            if _CONTROL.search(raw):
                return self.fail(path, "contains control characters", "printable text", raw)
            if meta.get("name") and not NAME_PATTERN.fullmatch(raw):
                return self.fail(
                    path,
                    "not a valid name",
                    "a letter then up to 63 letters, digits, '_', '-' or '.'",
                    raw,
                )
            pattern = meta.get("pattern")
            if pattern and not re.search(pattern, raw):
                return self.fail(path, "not in the expected form", PATTERN_HELP[pattern], raw)
            return raw
        raise TypeError(f"unsupported field type {hint!r}")  # a bug in the model, not input

    def fail(self, path: PathKey, message: str, expected: str, raw: Any) -> Any:
        self.problem(path, message, expected, _describe(raw))
        return _INVALID

    def literal(self, choices: tuple[Any, ...], raw: Any, path: PathKey) -> Any:
        if raw in choices and type(raw) is type(choices[choices.index(raw)]):
            return raw
        words = [str(c) for c in choices]
        hint = did_you_mean(str(raw), words)
        self.problem(
            path,
            "unknown value",
            "one of " + " | ".join(words),
            _describe(raw),
            hint=hint,
        )
        return _INVALID

    def bounded(self, number: float, meta: typing.Mapping[str, Any], path: PathKey) -> Any:
        low, high = meta.get("minimum"), meta.get("maximum")
        too_low = low is not None and (
            number <= low if meta.get("exclusive_minimum") else number < low
        )
        too_high = high is not None and (
            number >= high if meta.get("exclusive_maximum") else number > high
        )
        if too_low or too_high:
            parts = []
            if low is not None:
                parts.append(f"{'>' if meta.get('exclusive_minimum') else '>='} {low:g}")
            if high is not None:
                parts.append(f"{'<' if meta.get('exclusive_maximum') else '<='} {high:g}")
            return self.fail(path, "out of range", " and ".join(parts), number)
        return number

    def sequence(self, item: Any, meta: typing.Mapping[str, Any], raw: Any, path: PathKey) -> Any:
        if not isinstance(raw, list):
            return self.fail(path, "must be a list", "a list", raw)
        if len(raw) < meta.get("min_items", 0):
            return self.fail(
                path, "too few entries", f"at least {meta['min_items']}", f"{len(raw)}"
            )
        if meta.get("max_items") is not None and len(raw) > meta["max_items"]:
            self.problem(path, "too many entries", f"at most {meta['max_items']}", f"{len(raw)}")
            return _INVALID
        item_meta = {"help": meta["help"], "name": item is str}
        items = [self.value(item, item_meta, v, (*path, i)) for i, v in enumerate(raw)]
        if any(v is _INVALID for v in items):
            return _INVALID
        return tuple(items)


_INVALID: Any = object()


def _option_for(options: list[Any], raw: Any) -> Any:
    """The member of a union that takes this kind of value (a count or a list of names,
    a number of replicas or a level); the first member when none does, for its message."""
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    for option in options:
        origin = typing.get_origin(option)
        if (
            (origin is tuple and isinstance(raw, list))
            or (origin is Literal and isinstance(raw, str))
            or (option in (int, float) and number)
            or (option is str and isinstance(raw, str))
            or (dataclasses.is_dataclass(option) and isinstance(raw, dict))
        ):
            return option
    return options[0]


def _check_unique(v: _Validator, names: list[str], path: PathKey, what: str) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            v.problem(
                (*path, i, "name") if what in ("data", "service", "transaction") else (*path, i),
                f"duplicate {what} name '{name}'",
                f"names unique within '{format_path(path)}'",
                hint=f"first used at {format_path((*path, seen[name]))}",
            )
        else:
            seen[name] = i


def _cross_checks(v: _Validator, req: Requirements) -> None:
    """Checks that span fields; each names the field a user must change."""
    _check_unique(v, [e.name for e in req.data], ("data",), "data")
    _check_unique(v, [s.name for s in req.services], ("services",), "service")
    _check_unique(v, [t.name for t in req.transactions], ("transactions",), "transaction")
    region_names = list(req.deployment.region_names)
    if region_names:
        _check_unique(v, region_names, ("deployment", "regions"), "region")
    for i, entity in enumerate(req.data):
        if entity.stale_reads == "bounded" and entity.max_staleness_s is None:
            v.problem(
                ("data", i, "max_staleness_s"),
                "bounded staleness needs a bound",
                "'max_staleness_s' (seconds) when stale_reads is bounded",
            )
    # A service named in `calls` or a transaction but not declared is not an error (the
    # contract's own example does it); the rules report it, and treat it as declared
    # with the defaults.
    for i, service in enumerate(req.services):
        _check_unique(v, list(service.calls), ("services", i, "calls"), "call")
        for j, callee in enumerate(service.calls):
            if callee == service.name:
                v.problem(("services", i, "calls", j), f"service '{callee}' calls itself")
    for i, txn in enumerate(req.transactions):
        _check_unique(v, list(txn.steps), ("transactions", i, "steps"), "step")
        _check_unique(
            v,
            list(txn.read_only_services),
            ("transactions", i, "read_only_services"),
            "read-only service",
        )
        for j, name in enumerate(txn.read_only_services):
            if name not in txn.services:
                v.problem(
                    ("transactions", i, "read_only_services", j),
                    f"'{name}' is not a service of this transaction",
                    "a name in its services",
                    hint=did_you_mean(name, list(dict.fromkeys(txn.services))),
                )
    for i, entity in enumerate(req.data):
        if entity.design is not None:
            _check_design(v, entity.design, ("data", i, "design"))
    _check_growth(v, req)


def _check_growth(v: _Validator, req: Requirements) -> None:
    """The per-entity fields that name other parts of the file, and the freshness that
    only a staleness bound has."""
    names = [e.name for e in req.data]
    regions = req.deployment.region_names
    for i, entity in enumerate(req.data):
        if entity.freshness is not None and entity.stale_reads != "bounded":
            v.problem(
                ("data", i, "freshness"),
                "freshness applies only to a staleness bound",
                "stale_reads: bounded beside it",
                f"stale_reads: {entity.stale_reads}",
            )
        if entity.home_region is not None and entity.home_region not in regions:
            expected = (
                "one of " + ", ".join(regions)
                if regions
                else "deployment.regions given as a list of names"
            )
            v.problem(
                ("data", i, "home_region"),
                f"home region '{entity.home_region}' is not a deployment region",
                expected,
                hint=did_you_mean(entity.home_region, list(regions)),
            )
        _check_unique(
            v,
            list(entity.transactional_with),
            ("data", i, "transactional_with"),
            "transactional_with",
        )
        for j, other in enumerate(entity.transactional_with):
            if other == entity.name:
                v.problem(
                    ("data", i, "transactional_with", j),
                    f"'{other}' is this kind of data itself",
                    "another data[].name",
                )
            elif other not in names:
                v.problem(
                    ("data", i, "transactional_with", j),
                    f"no kind of data named '{other}'",
                    "a data[].name",
                    hint=did_you_mean(other, names),
                )


def _check_design(v: _Validator, design: DataDesign, path: PathKey) -> None:
    """Levels mean nothing without the replication factor, and cannot exceed it."""
    if design.level is not None and design.datastore is None:
        v.problem((*path, "level"), "a level belongs to a datastore", "'datastore' beside it")
    n = design.replication_factor
    for name in ("write_consistency", "read_consistency"):
        level = getattr(design, name)
        if level is None:
            continue
        if n is None:
            v.problem(
                (*path, "replication_factor"),
                f"{name} needs the replication factor",
                "'replication_factor' (copies of each item)",
            )
            return
        count = design.replicas(level)
        if count is not None and count > n:
            v.problem(
                (*path, name),
                "more replicas than there are copies",
                f"at most replication_factor ({n})",
                str(level) if isinstance(level, int) else f"{level} ({count})",
            )


def from_document(doc: Document) -> Requirements:
    """Validate a parsed document into Requirements, or raise every problem found."""
    v = _Validator(doc)
    raw = doc.data
    if isinstance(raw, dict) and "version" in raw and raw["version"] != 1:
        v.problem(
            ("version",),
            "unsupported requirements file version",
            "version: 1",
            _describe(raw["version"]),
        )
        raise InputError(v.problems)
    req = v.section(Requirements, raw, ())
    if req is not None:
        _cross_checks(v, req)
    if v.problems or req is None:
        raise InputError(v.problems)
    return req


def has_control_characters(text: str) -> bool:
    """Whether text holds control characters requirement text may not (rule files are
    held to the same rule: their messages reach the same terminals and reports)."""
    return _CONTROL.search(text) is not None


def load(path: str) -> Requirements:
    """Load and validate a requirements file (`-` reads standard input)."""
    from . import yamlsource

    return from_document(yamlsource.load(path))
