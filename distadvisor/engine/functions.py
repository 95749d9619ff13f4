"""Pure functions the rules call by name: quorum sizes, availability, round trips.

The arithmetic lives here, tested on its own; which function applies when is decided
by the rule files. Every function is total: missing inputs give null, never an error,
and so do numbers outside the range a function can work with (an infinity, or a
replica count no system has) which a rule file from elsewhere may pass.
"""

from __future__ import annotations

import math
from typing import Any

from .catalogue import Catalogue, NetworkTable, Store
from .conditions import BOOL, LIST, NUMBER, STRING, Function, Type
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


def quorum(replication: str, failures: int, intersect: bool) -> dict[str, int] | None:
    """Replica count n, write quorum w and read quorum r for surviving `failures` nodes.

    n = 2f + 1 keeps a majority (f + 1) alive after f failures, so majority writes stay
    possible and every acknowledged write survives on at least one node. A chain
    replicates to every node, so f + 1 nodes suffice and its tail serves reads.
    When the consistency rests on quorum intersection, r = n - w + 1 makes every read
    quorum meet every write quorum (w + r > n); otherwise one replica answers a read.
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
    r = n - w + 1 if intersect else 1
    return {"n": n, "w": w, "r": r}


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
            math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * log_p + (n - i) * log_q
        )
        for i in range(k, n + 1)
    )
    return 100.0 * min(1.0, up)


def _majority_round_trips(network: NetworkTable, names: list[str], count: int) -> list[float]:
    """For each region, the round trip it needs to hear from a majority of regions.

    Unknown pairs (or unnamed regions) use the table's typical minimum between regions.
    """
    if not names:
        # Regions known only by count are alike: every pair is the default.
        return [network.default_ms if isinstance(count, int | float) and count >= 2 else 0.0]
    regions = list(dict.fromkeys(str(name) for name in names))[:MAX_REGIONS]
    if len(regions) < 2:
        return [0.0]
    others_needed = len(regions) // 2  # a majority, counting the region's own vote
    return [
        sorted(network.between(origin, other) for other in regions if other != origin)[
            others_needed - 1
        ]
        for origin in regions
    ]


def round_trip_ms(network: NetworkTable, names: list[str], count: int) -> float:
    """The least round trip a write from the worst-placed region needs to reach a majority.

    When writes enter everywhere, no protocol acknowledges a strongly consistent write
    from that region sooner.
    """
    return max(_majority_round_trips(network, names, count))


def leader_round_trip_ms(network: NetworkTable, names: list[str], count: int) -> float:
    """The same round trip from the best-placed region: the floor for a single leader."""
    return min(_majority_round_trips(network, names, count))


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


def build(catalogue: Catalogue, network: NetworkTable) -> dict[str, Function]:
    """The functions available to rule conditions, bound to the loaded reference data."""
    nullable_number = Type("number", nullable=True)
    nullable_string = Type("string", nullable=True)
    return {
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
        "availability_pct": Function(
            (nullable_number, nullable_number, NUMBER),
            nullable_number,
            availability_pct,
            "availability_pct(n, needed, node_pct): percent of time `needed` of n nodes are up.",
        ),
        "round_trip_ms": Function(
            (LIST, NUMBER),
            NUMBER,
            lambda names, count: round_trip_ms(network, names, count),
            "round_trip_ms(region_names, region_count): least majority round trip for a write.",
        ),
        "leader_round_trip_ms": Function(
            (LIST, NUMBER),
            NUMBER,
            lambda names, count: leader_round_trip_ms(network, names, count),
            "leader_round_trip_ms(region_names, region_count): majority round trip of the"
            " best-placed leader.",
        ),
        "datastores": Function(
            (STRING, STRING, STRING, STRING, STRING),
            LIST,
            catalogue.matching,
            "datastores(consistency, pacelc, replication, partitioning, conflict_resolution).",
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
