"""Pure functions the rules call by name: quorum sizes, availability, round trips.

The arithmetic lives here, tested on its own; which function applies when is decided
by the rule files. Every function is total: missing inputs give null, never an error,
and so do numbers outside the range a function can work with (an infinity, or a
replica count no system has) which a rule file from elsewhere may pass.
"""

from __future__ import annotations

import math
from typing import Any

from ..model.requirements import MAX_NODE_FAILURES
from ..model.vocabulary import REPLICATION
from .availability import Failures
from .availability import predict as predict_availability
from .catalogue import Catalogue, Needs, Store
from .conditions import BOOL, LIST, NUMBER, STRING, Function, Type
from .figures import Figures
from .network import NetworkTable
from .slots import QUORUM

# Replication schemes whose writes wait for a majority (or for every replica of a
# chain) before they are acknowledged.
_MAJORITY_WRITES = ("consensus", "leader-follower-sync", "leaderless")
_SINGLE_ACK_WRITES = ("leader-follower-async", "multi-leader")

# The largest node, replica or region count a function accepts: far beyond any cluster
# (the requirements allow 50 node failures and 100 regions), small enough that the
# sums below stay cheap and every result prints.
MAX_COUNT = 1_000


def _count(value: Any) -> int | None:
    """A count between 0 and MAX_COUNT as an int, or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= MAX_COUNT:
        return None
    return int(value)


# Regions a round trip is computed over: the requirements model's own maximum (a rule
# file could pass a longer literal list; the cost grows with its square).
MAX_REGIONS = 100


# Decimals `round` keeps at most: a float's precision.
MAX_DECIMALS = 15


def round_to(value: Any, digits: Any) -> float | None:
    """`value` rounded to `digits` decimals (0 to 15): a sampled or modelled figure is
    known to a few digits, and a message should not print more. Null stays null, and
    so does a value that is not a finite number."""
    places = _count(digits)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or places is None:
        return None
    return float(round(value, min(places, MAX_DECIMALS)))


def quorum(replication: str, failures: int, intersect: bool) -> dict[str, int] | None:
    """Replica count n, write quorum w and read quorum r for surviving `failures` nodes.

    n = 2f + 1 keeps a majority (f + 1) alive after f failures, so majority writes stay
    possible and every acknowledged write survives on at least one node. A chain
    replicates to every node, so f + 1 nodes suffice and its tail serves reads.
    A read that must meet the latest write (`intersect`) is confirmed by
    r = n - w + 1 replicas, so w + r > n: with a leader, the majority that confirms
    it still leads (ReadIndex); without one, the replicas asked. Other reads ask one.
    """
    if isinstance(failures, int | float) and failures < 0:
        failures = 0
    f = _count(failures)
    if f is None:
        return None
    if replication == "chain":
        n = f + 1
        return {"n": n, "w": n, "r": 1}
    n = 2 * f + 1
    w = 1 if replication in _SINGLE_ACK_WRITES else f + 1
    return {"n": n, "w": w, "r": n - w + 1 if intersect else 1}


def quorum_across_regions(failures: int, intersect: bool) -> dict[str, int] | None:
    """A leader whose writes must also reach a standby in another region: f + 1
    replicas in the leader's region and f + 1 standbys in the other, a write waiting
    for a majority (f + 2). With only f standbys beside the leader, any f + 1 standbys
    include a remote one, so f failures on either side never stop the writes and a
    failover always finds the write on a majority."""
    if isinstance(failures, int | float) and failures < 0:
        failures = 0
    f = _count(failures)
    if f is None:
        return None
    n, w = 2 * (f + 1), f + 2
    return {"n": n, "w": w, "r": n - w + 1 if intersect else 1}


def availability_pct(replicas: Any, needed: Any, node_pct: Any) -> float | None:
    """Percent of time at least `needed` of `replicas` independent nodes are up.

    Terms are summed in log space, so a large replica count cannot overflow a float.
    """
    n, k = _count(replicas), _count(needed)
    if n is None or k is None or not isinstance(node_pct, int | float):
        return None
    p = float(node_pct) / 100.0
    if k <= 0:
        return 100.0
    if k > n or not 0.0 <= p <= 1.0:
        return 0.0
    if p in (0.0, 1.0):
        return 100.0 * p
    log_p, log_q = math.log(p), math.log1p(-p)
    up = sum(
        math.exp(
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * log_p
            + (n - i) * log_q
        )
        for i in range(k, n + 1)
    )
    return 100.0 * min(1.0, up)


def _majority_round_trips(
    network: NetworkTable, names: list[str], count: int
) -> list[float] | None:
    """For each region, the round trip it needs to hear from a majority of regions.

    A pair the table cannot tell (a region it does not place) counts as 0 ms, so the
    result is a floor: a budget below it is really missed. Regions known only by count
    have no round trip: None.
    """
    if not names:
        return None if isinstance(count, int | float) and count >= 2 else [0.0]
    regions = list(dict.fromkeys(str(name) for name in names))[:MAX_REGIONS]
    if len(regions) < 2:
        return [0.0]
    others_needed = len(regions) // 2  # a majority, counting the region's own vote
    return [
        sorted(network.between(origin, other) or 0.0 for other in regions if other != origin)[
            others_needed - 1
        ]
        for origin in regions
    ]


def round_trip_ms(network: NetworkTable, names: list[str], count: int) -> float | None:
    """The least round trip a write from the worst-placed region needs to reach a majority.

    When writes enter everywhere, no protocol acknowledges a strongly consistent write
    from that region sooner.
    """
    trips = _majority_round_trips(network, names, count)
    return None if trips is None else max(trips)


def leader_round_trip_ms(network: NetworkTable, names: list[str], count: int) -> float | None:
    """The same round trip from the best-placed region: the floor for a single leader."""
    trips = _majority_round_trips(network, names, count)
    return None if trips is None else min(trips)


def forwarded_round_trip_ms(
    network: NetworkTable, names: list[str], count: int, quorum_regions: Any
) -> float | None:
    """The least round trip a write entering in the worst-placed region needs when one
    leader orders it: to the leader and back, then the leader's own round to a majority
    of regions when its quorum spans more than one; the leader in the region that
    makes this least. A pair the table cannot tell counts as 0 ms (a floor)."""
    trips = _majority_round_trips(network, names, count)
    if trips is None:
        return None
    regions = list(dict.fromkeys(str(name) for name in names))[:MAX_REGIONS]
    if len(regions) < 2:
        return 0.0
    spans = isinstance(quorum_regions, int | float) and quorum_regions > 1
    return min(
        max(network.between(origin, leader) or 0.0 for origin in regions if origin != leader)
        + (trips[i] if spans else 0.0)
        for i, leader in enumerate(regions)
    )


def write_availability_pct(
    failures: Failures,
    replication: str,
    replicas: Any,
    needed: Any,
    zone_survives: bool,
    spans_regions: bool,
    regions: Any,
    remote_ack: bool,
) -> float | None:
    """Percent of the time writes are accepted, replicas failing alone, with their zone
    or with their region (engine/availability.py, figures of failures.yaml).

    Replicas spread over the `regions` regions (at most one per replica) when they span
    regions, else they share one region; over each region's zones unless they may share
    a zone. A scheme with a leader also loses each failover's pause; with `remote_ack`
    its writes also wait for a standby in another region.
    """
    counts = _count(replicas), _count(needed), _count(regions)
    if None in counts:
        return None
    n = max(1, int(replicas))
    spread = failures if zone_survives else failures._replace(zones_per_region=1)
    span = max(1, min(int(regions), n)) if spans_regions else 1
    write = predict_availability(
        replication, n, int(needed), 1, span, spread, remote_ack=remote_ack
    ).write
    return 100.0 * write


def best_write_availability_pct(
    failures: Failures,
    replication: str,
    zone_survives: bool,
    spans_regions: bool,
    regions: Any,
    remote_ack: bool,
) -> float | None:
    """The most write availability any replica count reaches with this scheme and
    spread: the quorum the requirements' largest node_failures_tolerated sizes, on
    servers that never fail, so only zones, regions and failover pauses are left. A
    target above it needs another scheme, another spread or a lower target, not more
    replicas."""
    sized = quorum(replication, MAX_NODE_FAILURES, False)
    if sized is None:
        return None
    return write_availability_pct(
        failures._replace(node_up=1.0),
        replication,
        sized["n"],
        sized["w"],
        zone_survives,
        spans_regions,
        regions,
        remote_ack,
    )


def _store(catalogue: Catalogue, name: str | None) -> Store | None:
    """A catalogue store by name, ignoring case (teams write `cassandra`)."""
    wanted = (name or "").casefold()
    return next((s for s in catalogue.stores if s.name.casefold() == wanted), None)


def declared_pacelc(catalogue: Catalogue, store: str | None, level: str | None) -> str | None:
    """The PACELC class a declared store delivers: its level's when a level is named,
    else the store's default class; null for a store or level the catalogue lacks."""
    found = _store(catalogue, store)
    if found is None:
        return None
    if level is None:
        return found.pacelc
    wanted = level.casefold()
    return next((lv.pacelc for lv in found.levels if lv.name.casefold() == wanted), None)


def store_levels(catalogue: Catalogue, store: str | None) -> list[str]:
    """The level names of a catalogue store; empty for a store it lacks."""
    found = _store(catalogue, store)
    return [level.name for level in found.levels] if found else []


# --- datastores: what a kind of data needs of a store -------------------------------

_NULLABLE_NUMBER = Type("number", nullable=True)
_NEEDS_PARAMS = (
    STRING,  # consistency
    STRING,  # pacelc
    STRING,  # replication
    STRING,  # conflict_resolution
    STRING,  # isolation
    STRING,  # access
    _NULLABLE_NUMBER,  # size_gb
    _NULLABLE_NUMBER,  # writes per second
    LIST,  # region names
    NUMBER,  # region count
    STRING,  # writes_from
    STRING,  # partitioning (ranking only)
    STRING,  # mutability
    BOOL,  # hot_keys
    BOOL,  # region_loss_safe
    BOOL,  # audit_trail
)
_NEEDS_DOC = (
    "consistency, pacelc, replication, conflict_resolution, isolation, access, size_gb,"
    " writes_per_sec, region_names, region_count, writes_from, partitioning, mutability,"
    " hot_keys, region_loss_safe, audit_trail"
)


def _needs(network: NetworkTable, *args: Any) -> Needs:
    """The arguments of the datastores functions, in their order, as one value; the
    regions' providers come from the network table."""
    consistency, pacelc, replication, conflicts, isolation, access = (str(a) for a in args[:6])
    size, writes, names, count, writes_from, partitioning, mutability, hot_keys = args[6:14]
    safe, audit_trail = args[14:]
    return Needs(
        consistency=consistency,
        pacelc=pacelc,
        replication=replication,
        conflicts=conflicts,
        isolation=isolation,
        access=access,
        size_gb=None if size is None else float(size),
        writes_per_sec=None if writes is None else float(writes),
        region_names=tuple(names or ()),
        clouds=tuple(sorted(network.clouds_of(names or ()))),
        region_count=_count(count) or 0,  # a count no deployment has: as good as none
        writes_from=str(writes_from),
        partitioning=str(partitioning),
        mutability=str(mutability),
        hot_keys=bool(hot_keys),
        region_loss_safe=bool(safe),
        audit_trail=bool(audit_trail),
    )


def isolation_settings(catalogue: Catalogue, offered: list[str], wanted: str) -> str:
    """A sentence (with a leading space) naming `Store: setting` for each offered store
    (`Store (level)`) that has a setting for `wanted` isolation; empty when no store
    has one or no transaction spans more than one write."""
    if wanted == "n/a":
        return ""
    settings = []
    for entry in offered or ():
        store = next((s for s in catalogue.stores if entry.startswith(f"{s.name} (")), None)
        setting = store.isolation_setting(wanted) if store else None
        if store is not None and setting is not None:
            settings.append(f"{store.name}: {setting}")
    if not settings:
        return ""
    return f" The setting for {wanted} at each: {'; '.join(settings)}."


def partitions_itself(catalogue: Catalogue, datastores: list[str], scheme: str) -> bool:
    """Whether the first recommended store splits and routes data itself (a
    distributed store, whatever its scheme, or one that splits by `scheme`), so the
    application need not route keys; false with no store to rely on."""
    if not datastores:
        return False
    first = datastores[0]
    store = next(
        (s for s in catalogue.stores if first == s.name or first.startswith(f"{s.name} (")),
        None,
    )
    return store is not None and (store.scale == "distributed" or scheme in store.partitioning)


def first_store_notes(catalogue: Catalogue, offered: list[str], access: str | None = None) -> str:
    """The documented notes of the first offered store and its setting, as a sentence
    that follows another (leading space); empty when it has none. Given the data's
    `access`, only the notes that concern those queries (a note on sorted sets is
    noise for counters)."""
    first = (offered or [""])[0]
    store = next((s for s in catalogue.stores if first.startswith(f"{s.name} (")), None)
    if store is None:
        return ""
    level = next((lv for lv in store.levels if first == f"{store.name} ({lv.name})"), None)
    limits = (*store.limits, *(level.limits if level else ()))
    notes = list(
        dict.fromkeys(
            lim.note
            for lim in limits
            if lim.kind == "note" and (access is None or lim.concerns(access))
        )
    )
    return f" Design for {store.name}'s documented limits: {'; '.join(notes)}." if notes else ""


def build(
    catalogue: Catalogue, network: NetworkTable, figures: Figures, failures: Failures
) -> dict[str, Function]:
    """The functions available to rule conditions, bound to the loaded reference data."""
    nullable_number = Type("number", nullable=True)
    nullable_string = Type("string", nullable=True)
    figure_name = Type("string", tuple(figures.by_name))
    return {
        "figure": Function(
            (figure_name,),
            NUMBER,
            figures.value,
            "figure(name): a figure of rules/data/capacity.yaml or predictions.yaml.",
        ),
        "unplaced_regions": Function(
            (LIST,),
            LIST,
            lambda names: [n for n in names or () if not network.known(n)],
            "unplaced_regions(region_names): regions the network table cannot place.",
        ),
        "write_availability_pct": Function(
            (STRING, nullable_number, nullable_number, BOOL, BOOL, NUMBER, BOOL),
            nullable_number,
            lambda *args: write_availability_pct(failures, *args),
            "write_availability_pct(replication, n, w, zone_survives, spans_regions,"
            " regions, remote_ack): percent of the time writes are accepted.",
        ),
        "best_write_availability_pct": Function(
            (STRING, BOOL, BOOL, NUMBER, BOOL),
            nullable_number,
            lambda *args: best_write_availability_pct(failures, *args),
            "best_write_availability_pct(replication, zone_survives, spans_regions, regions,"
            " remote_ack): the most write availability any replica count reaches.",
        ),
        "failover_s": Function(
            (Type("string", REPLICATION),),
            NUMBER,
            lambda replication: failures.failover_s[replication],
            "failover_s(replication): seconds of write unavailability while the scheme"
            " replaces a lost leader (rules/data/failures.yaml).",
        ),
        "round": Function(
            (nullable_number, NUMBER),
            nullable_number,
            round_to,
            "round(value, digits): the value rounded to that many decimals (0 to 15).",
        ),
        "len": Function((LIST,), NUMBER, lambda items: len(items or ()), "Number of items."),
        "missing": Function(
            (LIST, LIST),
            LIST,
            lambda items, known: [x for x in items or () if x not in (known or ())],
            "missing(items, known): the items not among the known ones, in order.",
        ),
        "quorum": Function(
            (STRING, NUMBER, BOOL),
            QUORUM,
            quorum,
            "quorum(replication, failures, intersect): n, w, r surviving that many failures.",
        ),
        "quorum_across_regions": Function(
            (NUMBER, BOOL),
            QUORUM,
            quorum_across_regions,
            "quorum_across_regions(failures, intersect): n, w, r for a leader whose writes"
            " also wait for a standby in another region.",
        ),
        "availability_pct": Function(
            (nullable_number, nullable_number, NUMBER),
            nullable_number,
            availability_pct,
            "availability_pct(n, needed, node_pct): percent of time `needed` of n nodes are up.",
        ),
        "round_trip_ms": Function(
            (LIST, NUMBER),
            nullable_number,
            lambda names, count: round_trip_ms(network, names, count),
            "round_trip_ms(region_names, region_count): least majority round trip for a write.",
        ),
        "leader_round_trip_ms": Function(
            (LIST, NUMBER),
            nullable_number,
            lambda names, count: leader_round_trip_ms(network, names, count),
            "leader_round_trip_ms(region_names, region_count): majority round trip of the"
            " best-placed leader.",
        ),
        "forwarded_round_trip_ms": Function(
            (LIST, NUMBER, NUMBER),
            nullable_number,
            lambda names, count, quorum: forwarded_round_trip_ms(network, names, count, quorum),
            "forwarded_round_trip_ms(region_names, region_count, quorum_regions): a write"
            " from the worst-placed region to one best-placed leader and back, plus the"
            " leader's majority round when its quorum spans regions.",
        ),
        "datastores": Function(
            _NEEDS_PARAMS,
            LIST,
            lambda *args: list(catalogue.select(_needs(network, *args)).stores),
            "datastores(" + _NEEDS_DOC + "): stores with a setting that delivers what the"
            " data needs, within their documented limits, simplest first, as `Store (setting)`.",
        ),
        "datastores_why": Function(
            _NEEDS_PARAMS,
            STRING,
            lambda *args: catalogue.select(_needs(network, *args)).explain(),
            "datastores_why(same arguments): why no store fits, or which stores a documented"
            " limit keeps off the list; empty when there is nothing to say.",
        ),
        "first_store_notes": Function(
            (LIST,),
            STRING,
            lambda offered: first_store_notes(catalogue, offered),
            "first_store_notes(datastores): the documented notes of the first offered store.",
        ),
        "first_store_notes_for": Function(
            (LIST, STRING),
            STRING,
            lambda offered, access: first_store_notes(catalogue, offered, access),
            "first_store_notes_for(datastores, access): the documented notes of the first"
            " offered store that concern queries of that access pattern.",
        ),
        "isolation_settings": Function(
            (LIST, STRING),
            STRING,
            lambda offered, wanted: isolation_settings(catalogue, offered, wanted),
            "isolation_settings(datastores, isolation): each offered store's setting for that"
            " isolation level.",
        ),
        "partitions_itself": Function(
            (LIST, STRING),
            BOOL,
            lambda stores, scheme: partitions_itself(catalogue, stores, scheme),
            "partitions_itself(datastores, scheme): the first store partitions that way itself.",
        ),
        "declared_pacelc": Function(
            (nullable_string, nullable_string),
            nullable_string,
            lambda store, level: declared_pacelc(catalogue, store, level),
            "declared_pacelc(datastore, level): the PACELC class of a declared store (of its"
            " level when given); null when the catalogue does not know them.",
        ),
        "store_levels": Function(
            (nullable_string,),
            LIST,
            lambda store: store_levels(catalogue, store),
            "store_levels(datastore): the names of the store's levels in the catalogue.",
        ),
    }
