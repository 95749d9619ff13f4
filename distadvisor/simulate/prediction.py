"""What `distadvisor simulate` predicts: plain data, which every format renders."""

from __future__ import annotations

from typing import NamedTuple

from ..recommendation import Finding
from .amplification import Amplification


class Percentiles(NamedTuple):
    p50: float
    p99: float


class Staleness(NamedTuple):
    consistent_at_commit: float  # probability a read right after the write sees it
    bound_s: float | None  # the file's max_staleness_s
    consistent_at_bound: float | None
    visible_99_ms: float  # t after which 99 % of reads are consistent
    visible_999_ms: float
    curve: tuple[tuple[float, float], ...]  # (t ms, probability consistent)
    # Where the bound is missed for figure('visible_share') of reads: the (n, w, r) with
    # the fewest replicas waited for that meets it.
    cheapest: tuple[int, int, int] | None = None


class EntityPrediction(NamedTuple):
    name: str
    path: str
    replication: str
    n: int
    w: int
    r: int
    regions: int  # regions the replicas span
    # Where reads go: the "leader", the "nearest" replica, the nearest for reads that
    # may be stale while decisions go to the leader ("follower"), the leader for a
    # "session" reading its own writes, or the "fastest" r.
    reads: str
    staleness: Staleness | None  # None: every read sees every acknowledged write
    read_availability: float
    write_availability: float
    read_ms: Percentiles
    write_ms: Percentiles
    trials: int


class Prediction(NamedTuple):
    system: str
    profile: str
    seed: int
    entities: tuple[EntityPrediction, ...]
    retries: tuple[Amplification, ...]
    attempts_per_call: int
    retry_budget: float
    findings: tuple[Finding, ...]
