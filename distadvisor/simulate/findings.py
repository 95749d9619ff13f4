"""Findings from predictions: a file's own targets that its design is predicted to miss.

The findings are rules (rules/predicted.yaml) that read what is predicted as
`prediction.*` facts; this module turns a Prediction into those facts and runs them.
Their thresholds are figures with sources (rules/data/predictions.yaml). It also finds
the cheapest quorum that meets a missed staleness bound, which those rules quote.
"""

from __future__ import annotations

import random
from typing import Any

from ..engine import chaining
from ..engine.facts import Predicted
from ..engine.rules import RuleSet
from ..model.requirements import Requirements
from ..recommendation import Finding, Recommendation
from .data import Profile
from .prediction import EntityPrediction, Prediction
from .wars import Design, simulate

# Trials for each candidate n/w/r when searching for the cheapest that meets a bound.
SEARCH_TRIALS = 4_000


def cheapest_quorum(
    n: int, design: Design, profile: Profile, bound_ms: float, share: float, seed: int
) -> tuple[int, int, int]:
    """The (n, w, r) with the fewest replicas waited for (w + r, then r) whose reads are
    consistent `bound_ms` after commit for `share` of reads, as a leaderless quorum over
    the same places; w + r > n always is."""
    options = sorted(
        ((w, r) for w in range(1, n + 1) for r in range(1, n + 1)),
        key=lambda wr: (wr[0] + wr[1], wr[1]),
    )
    for w, r in options:
        if w + r > n:
            return n, w, r
        trial = design._replace(w=w, r=r, leader=False, reads="fastest")
        samples = simulate(trial, profile, SEARCH_TRIALS, random.Random(f"{seed}:{w}:{r}"))
        if samples.consistent_at(bound_ms) >= share:
            return n, w, r
    return n, n, 1  # unreachable: w = n, r = 1 intersects


def _entity_facts(p: Prediction, e: EntityPrediction) -> dict[str, Any]:
    s = e.staleness
    found = None if s is None else s.cheapest
    cheapest = None if found is None else dict(zip("nwr", found, strict=True))
    return {
        "prediction.profile": p.profile,
        "prediction.replication": e.replication,
        "prediction.n": e.n,
        "prediction.w": e.w,
        "prediction.r": e.r,
        "prediction.regions": e.regions,
        "prediction.reads": e.reads,
        "prediction.trials": e.trials,
        "prediction.consistent_at_commit": None if s is None else s.consistent_at_commit,
        "prediction.consistent_at_bound": None if s is None else s.consistent_at_bound,
        "prediction.visible_99_ms": None if s is None else s.visible_99_ms,
        "prediction.visible_999_ms": None if s is None else s.visible_999_ms,
        "prediction.cheapest_quorum": cheapest,
        "prediction.read_availability_pct": e.read_availability * 100,
        "prediction.write_availability_pct": e.write_availability * 100,
        "prediction.read_p50_ms": e.read_ms.p50,
        "prediction.read_p99_ms": e.read_ms.p99,
        "prediction.write_p50_ms": e.write_ms.p50,
        "prediction.write_p99_ms": e.write_ms.p99,
    }


def _bounded(value: float) -> float | None:
    """Attempts in or below a call cycle have no bound: null, as in the JSON."""
    return value if value != float("inf") else None


def facts(prediction: Prediction) -> Predicted:
    """What was predicted, as the `prediction.*` facts the rules read (engine/facts.py)."""
    services = {
        a.service: {
            "prediction.depth": a.depth,
            "prediction.every_hop": _bounded(a.every_hop),
            "prediction.one_layer": a.one_layer,
            "prediction.budgeted": _bounded(a.budgeted),
            "prediction.attempts_per_call": prediction.attempts_per_call,
            "prediction.retry_budget": prediction.retry_budget,
        }
        for a in prediction.retries
    }
    entities = {e.name: _entity_facts(prediction, e) for e in prediction.entities}
    return Predicted(entities, services)


def findings(
    prediction: Prediction, rec: Recommendation, req: Requirements, ruleset: RuleSet
) -> tuple[Finding, ...]:
    """The findings of the rules that read predictions; accepted ones are marked."""
    return chaining.predicted_findings(ruleset, req, rec, facts(prediction))
