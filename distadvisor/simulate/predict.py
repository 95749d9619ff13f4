"""Predictions for a recommended (or declared) design: staleness, availability, latency.

For each kind of data the design is the one `advise` recommends, or the one the file
declares under `design:`. Staleness (PBS t-visibility) is predicted where reads can be
stale: leaderless quorums that do not intersect, and reads from asynchronous or
follower replicas. Trials are seeded, so a run is reproducible; by default their number
grows until the 99.9th percentile of visibility is known to within 15 %.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from ..engine import availability as avail
from ..engine import placement, rules
from ..engine.availability import Failures, load_failures
from ..engine.network import NetworkTable, load_network
from ..engine.rules import RuleSet
from ..model.requirements import Entity, Requirements
from ..recommendation import EntityAdvice, Recommendation
from ..resources import rules_dir
from .amplification import amplification
from .data import Latency, Profile, load_latency
from .findings import cheapest_quorum, findings
from .prediction import EntityPrediction, Percentiles, Prediction, Staleness
from .wars import Design, Origin, Samples, quantile, simulate

# Adaptive trials: start here, double until the 99.9th percentile's 95 % interval is
# within TOLERANCE of it, or the cap is reached.
FIRST_TRIALS = 5_000
MAX_TRIALS = 40_000
TOLERANCE = 0.15


def _design_of(advice: EntityAdvice, entity: Entity) -> tuple[str, int, int, int]:
    """(replication, n, w, r): the declared design where the file gives one."""
    quorum = advice.conclusions.get("quorum") or {}
    scheme = str(advice.conclusions.get("replication") or "leader-follower-async")
    n, w, r = int(quorum.get("n", 3)), int(quorum.get("w", 1)), int(quorum.get("r", 1))
    design = entity.design
    if design is not None:
        scheme = design.replication or scheme
        n = design.replication_factor or n
        w = design.w or w
        r = design.r or r
    n = max(1, n)
    return scheme, n, min(max(1, w), n), min(max(1, r), n)


def _reads(scheme: str, consistency: str, entity: Entity) -> str:
    """Where the advice sends reads (rules/quorum.yaml): strong data at the leader,
    but its stale-tolerant reads at followers; a session reading its own writes at
    the leader; other data at the nearest replica."""
    if scheme == "leaderless":
        return "fastest"
    if scheme == "multi-leader":
        return "nearest"
    session = entity.read_your_writes or consistency == "read-your-writes"
    if scheme == "chain":
        return "leader"
    if consistency in ("linearizable", "sequential"):
        if entity.stale_reads != "tolerated":
            return "leader"
        return "session" if session else "follower"
    return "session" if session else "nearest"


Place = tuple[int, int]  # (deployment region index, zone)


def _places(placed: placement.Placement, failures: Failures) -> list[Place]:
    """(region, zone) of each replica, the quorum first: each region's replicas take
    its zones in turn, as engine/availability.py places them."""
    taken: dict[int, int] = {}
    out = []
    for region in placed.voters + placed.followers:
        out.append((region, taken.get(region, 0) % failures.zones_per_region))
        taken[region] = taken.get(region, 0) + 1
    return out


def _between(
    req: Requirements, network: NetworkTable, latency: Latency
) -> Callable[[Place, Place], float]:
    """One-way delay between two places."""
    names = list(req.deployment.region_names)

    def between(a: Place, b: Place) -> float:
        if a[0] != b[0]:
            # Regions known only by count, or not placed by the table, have no known
            # distance: the zones' own (a floor); findings.unverified-regions says so.
            known = None
            if a[0] < len(names) and b[0] < len(names):
                known = network.between(names[a[0]], names[b[0]])
            return known / 2 if known is not None else latency.cross_zone_one_way_ms
        return latency.cross_zone_one_way_ms if a[1] != b[1] else 0.0

    return between


def _origins(
    places: list[Place], regions: int, between: Callable[[Place, Place], float]
) -> tuple[Origin, ...]:
    """Users beside every replica, and in every region holding none (residency, a home
    region), where they reach the nearest replica."""
    out = [Origin(tuple(between(p, q) for q in places), i) for i, p in enumerate(places)]
    held = {region for region, _ in places}
    for region in range(regions):
        if region not in held:
            delay = tuple(between((region, 0), q) for q in places)
            out.append(Origin(delay, min(range(len(places)), key=delay.__getitem__)))
    return tuple(out)


def _design(
    placed: placement.Placement,
    scheme: str,
    quorum: tuple[int, int, int],
    reads: str,
    writes_from: str,
    between: Callable[[Place, Place], float],
    failures: Failures,
) -> Design:
    """The simulated design: replicas where the advice places them, writes from where
    they enter, reads from everywhere."""
    n, w, r = quorum
    places = _places(placed, failures)
    origins = _origins(places, placed.regions, between)
    remote = tuple(i for i, (region, _) in enumerate(places[:n]) if region != placed.home)
    return Design(
        n,
        w,
        r,
        tuple(tuple(between(a, b) for b in places) for a in places),
        leader=scheme not in ("leaderless", "multi-leader"),
        reads=reads,
        readers=origins,
        writers=origins if writes_from == "all-regions" else origins[:1],
        remote_ack=remote if placed.remote_ack else (),
        followers=len(placed.followers),
    )


def _run(design: Design, profile: Profile, trials: int | None, rng: random.Random) -> Samples:
    """A fixed number of trials, or as many as the 99.9th percentile needs (doubling)."""
    if trials is not None:
        return simulate(design, profile, trials, rng)
    count = FIRST_TRIALS
    while True:
        samples = simulate(design, profile, count, rng)
        if count >= MAX_TRIALS or _settled(samples.visible_after):
            return samples
        count *= 2


def _settled(ordered: list[float], p: float = 0.999) -> bool:
    """Whether the p-quantile's 95 % interval (order statistics) is within TOLERANCE."""
    size = len(ordered)
    spread = 1.96 * math.sqrt(size * p * (1 - p))
    low = quantile(ordered, max(0.0, (size * p - spread) / size))
    high = quantile(ordered, min(1.0, (size * p + spread) / size))
    middle = quantile(ordered, p)
    return high - low <= TOLERANCE * max(middle, 1e-3)


def _staleness(samples: Samples, bound_s: float | None) -> Staleness:
    top = quantile(samples.visible_after, 0.999)
    steps = [top * k / 10 for k in range(11)] if top > 0 else [0.0]
    return Staleness(
        consistent_at_commit=samples.consistent_at(0.0),
        bound_s=bound_s,
        consistent_at_bound=None if bound_s is None else samples.consistent_at(bound_s * 1000),
        visible_99_ms=quantile(samples.visible_after, 0.99),
        visible_999_ms=top,
        curve=tuple((t, samples.consistent_at(t)) for t in steps),
    )


def predict(
    rec: Recommendation,
    req: Requirements,
    *,
    seed: int = 0,
    trials: int | None = None,
    profile: str | None = None,
    ruleset: RuleSet | None = None,
) -> Prediction:
    """Predict every kind of data's behaviour under its design, and retry amplification,
    with the findings of `ruleset`'s prediction rules (the shipped rules by default).
    The latency profile is `profile`, else the file's, else latency.yaml's default."""
    ruleset = ruleset or rules.load([rules_dir()])
    latency, failures = load_latency(), load_failures()
    visible_share = ruleset.figures.value("visible_share")
    network = load_network(rules_dir() / "data" / "network.yaml")
    chosen = latency.profiles[profile or req.deployment.latency_profile or latency.default_profile]
    entities = {e.name: e for e in req.data}
    out = []
    between = _between(req, network, latency)
    for index, advice in enumerate(rec.entities):
        entity = entities[advice.name]
        scheme, n, w, r = _design_of(advice, entity)
        consistency = str(advice.conclusions.get("consistency", "eventual"))
        reads = _reads(scheme, consistency, entity)
        placed = placement.of_advice(
            advice,
            entity,
            req.deployment,
            scheme=scheme,
            n=n,
        )
        writes_from = entity.writes_from or req.deployment.writes_from
        design = _design(placed, scheme, (n, w, r), reads, writes_from, between, failures)
        # One stream per kind of data: adding one never changes another's figures.
        samples = _run(design, chosen, trials, random.Random(f"{seed}:{index}:{advice.name}"))
        can_be_stale = reads in ("nearest", "follower", "session") or (
            reads == "fastest" and w + r <= n
        )
        staleness = _staleness(samples, entity.max_staleness_s) if can_be_stale else None
        if (
            staleness is not None
            and staleness.consistent_at_bound is not None
            and staleness.consistent_at_bound < visible_share
        ):
            bound_ms = (entity.max_staleness_s or 0) * 1000
            staleness = staleness._replace(
                cheapest=cheapest_quorum(n, design, chosen, bound_ms, visible_share, seed)
            )
        availability = avail.predict(
            scheme, n, w, r, placed.span, failures, remote_ack=placed.remote_ack
        )
        out.append(
            EntityPrediction(
                name=advice.name,
                path=advice.path,
                replication=scheme,
                n=n,
                w=w,
                r=r,
                regions=placed.span,
                reads=reads,
                staleness=staleness,
                read_availability=availability.read,
                write_availability=availability.write,
                read_ms=Percentiles(quantile(samples.read, 0.5), quantile(samples.read, 0.99)),
                write_ms=Percentiles(quantile(samples.write, 0.5), quantile(samples.write, 0.99)),
                trials=len(samples.visible_after),
            )
        )
    calls = {s.name: s.calls for s in req.services}
    prediction = Prediction(
        system=rec.system,
        profile=chosen.name,
        seed=seed,
        entities=tuple(out),
        retries=tuple(amplification(calls, failures.attempts_per_call, failures.retry_budget)),
        attempts_per_call=failures.attempts_per_call,
        retry_budget=failures.retry_budget,
        findings=(),
    )
    return prediction._replace(findings=findings(prediction, rec, req, ruleset))
