"""Findings from predictions: a file's own targets that its design is predicted to miss.

Each compares a prediction with the requirement it serves, and only fires on the file's
own numbers: a staleness bound, an availability target, a latency budget, or a call graph
whose retries multiply. Thresholds are data (rules/data/predictions.yaml).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

from ..engine import parsecache
from ..engine.datareader import DataReader
from ..model.requirements import Requirements
from ..recommendation import Finding
from ..resources import rules_dir
from .data import Profile
from .prediction import Prediction
from .wars import Design, simulate

# Trials for each candidate n/w/r when searching for the cheapest that meets a bound.
SEARCH_TRIALS = 4_000


class Thresholds(NamedTuple):
    visible_share: float
    max_attempts: float


def load_thresholds(path: Path | None = None) -> Thresholds:
    doc = parsecache.load(path or rules_dir() / "data" / "predictions.yaml")
    read = DataReader(doc)
    thresholds = Thresholds(
        read.number(doc.data, "visible_share", (), low=0.5, high=0.999999),
        read.number(doc.data, "max_attempts", (), low=1, high=1000),
    )
    read.done()
    return thresholds


def cheapest_quorum(
    n: int, design: Design, profile: Profile, bound_ms: float, share: float, seed: int
) -> tuple[int, int, int]:
    """The (n, w, r) with the fewest replicas waited for (w + r, then r) whose reads are
    consistent `bound_ms` after commit for `share` of reads, as a leaderless quorum over
    the same places; w + r > n always is."""
    options = sorted(((w, r) for w in range(1, n + 1) for r in range(1, n + 1)),
                     key=lambda wr: (wr[0] + wr[1], wr[1]))
    for w, r in options:
        if w + r > n:
            return n, w, r
        trial = design._replace(w=w, r=r, leader=False, reads="fastest")
        samples = simulate(trial, profile, SEARCH_TRIALS, random.Random(f"{seed}:{w}:{r}"))
        if samples.consistent_at(bound_ms) >= share:
            return n, w, r
    return n, n, 1  # unreachable: w = n, r = 1 intersects


def findings(
    prediction: Prediction, req: Requirements, thresholds: Thresholds,
    cheapest: dict[str, tuple[int, int, int]],
) -> list[Finding]:
    """The predicted misses. `cheapest` maps a kind of data whose bound is missed to the
    cheapest n/w/r that meets it (see cheapest_quorum)."""
    out = []
    target = req.availability.target
    budget = req.latency_budget_ms
    for e in prediction.entities:
        s = e.staleness
        if s is not None and s.consistent_at_bound is not None and s.bound_s is not None \
                and s.consistent_at_bound < thresholds.visible_share:
            n, w, r = cheapest[e.name]
            out.append(Finding(
                "warning", "predicted.staleness-bound",
                f"{e.name}: only {s.consistent_at_bound:.2%} of reads are predicted to see a "
                f"write {s.bound_s:g} s after it commits (n={e.n}, w={e.w}, r={e.r}, "
                f"{e.replication}); {thresholds.visible_share:.1%} need about "
                f"{s.visible_999_ms / 1000:.3g} s. The cheapest quorum that meets the bound: "
                f"n={n}, w={w}, r={r}.", e.path))
        worst = min(e.read_availability, e.write_availability) * 100
        if worst < target:
            out.append(Finding(
                "warning", "predicted.availability-target",
                f"{e.name}: predicted availability {worst:.4f} % (reads "
                f"{e.read_availability:.4%}, writes {e.write_availability:.4%}) misses the "
                f"{target:g} % target once zone and region failures and failover time count.",
                e.path))
        for kind, percentiles, limit in (("read", e.read_ms, budget.read),
                                         ("write", e.write_ms, budget.write)):
            if limit is not None and percentiles.p99 > limit:
                out.append(Finding(
                    "warning", f"predicted.{kind}-budget",
                    f"{e.name}: predicted p99 {kind} latency {percentiles.p99:.1f} ms exceeds "
                    f"the {limit:g} ms budget ({e.replication}, n={e.n}, w={e.w}, r={e.r}, "
                    f"over {e.regions} region(s)).", e.path))
    index = {s.name: i for i, s in enumerate(req.services)}
    for a in prediction.retries:
        if a.every_hop > thresholds.max_attempts:
            depth = "a call cycle" if a.depth is None else f"{a.depth} hops down"
            out.append(Finding(
                "warning", "predicted.retry-amplification",
                f"{a.service} is {depth}: if every hop retries ({prediction.attempts_per_call} "
                f"attempts), one user request can reach it {a.every_hop:g} times. Retry at one "
                f"layer ({a.one_layer:g}) or within a retry budget ({a.budgeted:.2f}).",
                f"services[{index[a.service]}]" if a.service in index else "services"))
    return out
