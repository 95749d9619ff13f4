"""Availability of a quorum when replicas fail alone, with their zone, or with their region.

Replicas are spread round-robin over the regions the design spans, then over each
region's zones. A region or a zone that is down takes all its replicas with it, so the
number of reachable replicas is computed exactly as a convolution: per zone a binomial
over its nodes, per region the zones' sum (or nothing when the region is down), and over
regions their sum. Leader-based designs also lose the time a failover takes after the
leader's node fails.
"""

from __future__ import annotations

import functools
from math import comb
from pathlib import Path
from typing import NamedTuple

from ..model.vocabulary import REPLICATION
from ..resources import rules_dir
from . import parsecache
from .datareader import DataReader

SECONDS_PER_YEAR = 365.25 * 24 * 3600


class Failures(NamedTuple):
    node_up: float
    zone_up: float
    region_up: float
    zones_per_region: int
    node_failures_per_year: float
    failover_s: dict[str, float]
    attempts_per_call: int
    retry_budget: float


def load_failures(path: Path | None = None) -> Failures:
    doc = parsecache.load(path or rules_dir() / "data" / "failures.yaml")
    read = DataReader(doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    failover = read.mapping(data, "failover_s", ())
    failures = Failures(
        node_up=read.number(data, "node_up", (), low=0.5, high=1),
        zone_up=read.number(data, "zone_up", (), low=0.5, high=1),
        region_up=read.number(data, "region_up", (), low=0.5, high=1),
        zones_per_region=int(read.number(data, "zones_per_region", (), low=1, high=10)),
        node_failures_per_year=read.number(data, "node_failures_per_year", (), low=0, high=1e3),
        failover_s={
            scheme: read.number(failover, scheme, ("failover_s",), low=0, high=86400)
            for scheme in REPLICATION
        },
        attempts_per_call=int(read.number(data, "attempts_per_call", (), low=1, high=100)),
        retry_budget=read.number(data, "retry_budget", (), low=0, high=1),
    )
    read.done()
    return failures


def _add(a: list[float], b: list[float]) -> list[float]:
    """The distribution of the sum of two independent counts."""
    out = [0.0] * (len(a) + len(b) - 1)
    for i, pa in enumerate(a):
        for j, pb in enumerate(b):
            out[i + j] += pa * pb
    return out


def placement(n: int, regions: int, zones_per_region: int) -> list[list[int]]:
    """Replicas per zone, per region: replica i goes to region i % regions, then to the
    next zone of that region in turn."""
    layout = [[0] * zones_per_region for _ in range(regions)]
    for i in range(n):
        region = i % regions
        zone = (i // regions) % zones_per_region
        layout[region][zone] += 1
    return layout


# The figures a distribution depends on: `check` asks for the same few designs across
# thousands of files, so the convolutions are computed once per distinct design.
_Spread = tuple[float, float, float, int]


def _spread(failures: Failures) -> _Spread:
    return failures.node_up, failures.zone_up, failures.region_up, failures.zones_per_region


def reachable(n: int, regions: int, failures: Failures) -> list[float]:
    """P(k replicas reachable) for k = 0..n."""
    return list(_reachable(n, regions, _spread(failures)))


@functools.lru_cache(maxsize=4096)
def _reachable(n: int, regions: int, spread: _Spread) -> tuple[float, ...]:
    total = [1.0]
    for in_region in _per_region(n, regions, spread):
        total = _add(total, list(in_region))
    return tuple(total)


def _reachable_per_region(n: int, regions: int, failures: Failures) -> list[list[float]]:
    """For each region, P(k of its replicas reachable)."""
    return [list(in_region) for in_region in _per_region(n, regions, _spread(failures))]


@functools.lru_cache(maxsize=4096)
def _per_region(n: int, regions: int, spread: _Spread) -> tuple[tuple[float, ...], ...]:
    node_up, zone_up, region_up, zones_per_region = spread
    out = []
    for zones in placement(n, regions, zones_per_region):
        in_region = [1.0]
        for count in zones:
            if count == 0:
                continue
            nodes = [
                comb(count, k) * node_up**k * (1 - node_up) ** (count - k) for k in range(count + 1)
            ]
            down = 1 - zone_up
            zone = [zone_up * x + (down if k == 0 else 0.0) for k, x in enumerate(nodes)]
            in_region = _add(in_region, zone)
        region_down = 1 - region_up
        out.append(
            tuple(region_up * x + (region_down if k == 0 else 0.0) for k, x in enumerate(in_region))
        )
    return tuple(out)


def _at_least_in_two_regions(per_region: list[list[float]], needed: int) -> float:
    """P(at least `needed` replicas reachable, in at least two regions): a leader whose
    write must also reach a standby in another region."""
    # by_spread[m][k]: P(k reachable so far, in min(m, 2) regions with any reachable)
    by_spread = [[1.0], [0.0], [0.0]]
    for in_region in per_region:
        nxt: list[list[float]] = [
            [0.0] * (len(by_spread[0]) + len(in_region) - 1) for _ in range(3)
        ]
        for m, dist in enumerate(by_spread):
            for k, pk in enumerate(dist):
                if pk == 0.0:
                    continue
                for j, pj in enumerate(in_region):
                    nxt[min(2, m + (j > 0))][k + j] += pk * pj
        by_spread = nxt
    return at_least(by_spread[2], needed)


def at_least(distribution: list[float], needed: int) -> float:
    return sum(distribution[needed:]) if needed < len(distribution) else 0.0


def failover_loss(scheme: str, failures: Failures) -> float:
    """The share of time writes wait for a new leader after the leader's node fails."""
    seconds = failures.failover_s.get(scheme, 0.0)
    return min(1.0, failures.node_failures_per_year * seconds / SECONDS_PER_YEAR)


class Availability(NamedTuple):
    read: float  # probability an operation can be served, 0..1
    write: float


def predict(
    scheme: str,
    n: int,
    w: int,
    r: int,
    regions: int,
    failures: Failures,
    *,
    remote_ack: bool = False,
) -> Availability:
    """Read and write availability of a design with `n` replicas over `regions` regions.

    Leaderless: w (or r) replicas must be reachable (a sloppy quorum would accept
    stand-ins and raise this, at the cost of the consistency w + r > n promises).
    Consensus: a majority, with the leader among it after a failover; reads at the
    leader need the same. Leader-follower: writes need the leader (any survivor after a
    failover), reads any replica; with `remote_ack` (a region loss must lose no
    acknowledged write) a write also waits for a standby in a region other than the
    leader's, so replicas must be reachable in two regions. Multi-leader: any replica
    for both.
    """
    dist = reachable(n, regions, failures)
    loss = failover_loss(scheme, failures)
    if scheme == "leaderless":
        return Availability(at_least(dist, r), at_least(dist, w))
    if scheme == "multi-leader":
        return Availability(at_least(dist, 1), at_least(dist, 1))
    if scheme in ("consensus", "chain"):
        majority = n // 2 + 1 if scheme == "consensus" else 1
        write = at_least(dist, max(majority, w)) * (1 - loss)
        return Availability(write, write)
    # leader-follower: synchronous followers must acknowledge too
    if remote_ack and scheme == "leader-follower-sync" and regions > 1:
        spread = _at_least_in_two_regions(_reachable_per_region(n, regions, failures), w)
        write = spread * (1 - loss)
    else:
        write = at_least(dist, max(1, w)) * (1 - loss)
    return Availability(at_least(dist, 1), write)
