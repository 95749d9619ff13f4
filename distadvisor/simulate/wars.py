"""Monte Carlo of one write followed by reads, after the WARS model of PBS.

Each replica i draws four one-way delays: W (the write reaching it), A (its
acknowledgement), R (a read request reaching it) and S (its response). A write commits
when the w-th acknowledgement arrives; a read started t ms later returns the first r
responses, and sees the write if any of those replicas had it when the read arrived:
`commit + t + R_i >= W_i`. Per trial that gives the smallest t at which the read is
consistent, so one run yields the whole t-visibility curve, and the same draws give the
write and read latencies.

Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
PVLDB 5(8), 2012, section 4.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Sequence
from typing import NamedTuple

from .data import Part, Profile

Draw = Callable[[], float]


def sampler(parts: Sequence[Part], rng: random.Random) -> Draw:
    """A function drawing one delay (ms) from the mixture `parts`."""
    cumulative = []
    total = 0.0
    for part in parts:
        total += part.weight
        cumulative.append(total)

    def draw() -> float:
        part = parts[min(bisect.bisect_left(cumulative, rng.random()), len(parts) - 1)]
        if part.kind == "pareto":
            return part.scale / float((1.0 - rng.random()) ** (1.0 / part.rate))
        return rng.expovariate(part.rate)

    return draw


class Samples(NamedTuple):
    """Sorted outcomes of the trials (ms)."""

    visible_after: list[float]  # t at which a read started after commit is consistent
    write: list[float]
    read: list[float]

    def consistent_at(self, t_ms: float) -> float:
        """Probability that a read started `t_ms` after the write committed sees it."""
        return bisect.bisect_right(self.visible_after, t_ms) / len(self.visible_after)


def quantile(ordered: Sequence[float], p: float) -> float:
    """The p-quantile of sorted `ordered` (the smallest value with at least p below or at)."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


class Design(NamedTuple):
    """What the simulation needs of a replicated design.

    `distance[a][b]` is the one-way delay (ms) added between replica a's place and
    replica b's (0 in one zone; cross-zone or cross-region otherwise). Writes start
    beside replica 0; a read starts beside replica 0, or beside a replica drawn at random
    when `readers_everywhere` (users in every zone and region). When `remote_ack` names
    replicas, one of them must also acknowledge before the write commits: the standbys
    in other regions than the leader's, when a region loss must lose no acknowledged
    write (PostgreSQL synchronous_standby_names naming only remote standbys).
    """

    n: int
    w: int
    r: int
    distance: tuple[tuple[float, ...], ...]
    leader: bool  # writes go through replica 0, which copies them on
    reads: str  # "fastest" r replicas answer, the "nearest" replica, or the "leader"
    readers_everywhere: bool
    remote_ack: tuple[int, ...] = ()


def simulate(design: Design, profile: Profile, trials: int, rng: random.Random) -> Samples:
    """Run `trials` writes and reads on `design` with `profile`'s delays."""
    ws, wa = sampler(profile.write_send, rng), sampler(profile.write_ack, rng)
    rs, ra = sampler(profile.read_send, rng), sampler(profile.read_ack, rng)
    n, w, r, reads = design.n, design.w, design.r, design.reads
    near = design.distance[0]
    visible: list[float] = []
    writes: list[float] = []
    latencies: list[float] = []
    replicas = range(n)
    for _ in range(trials):
        arrive = [ws() + near[i] for i in replicas]
        if design.leader:  # followers get the write from the leader once it has it
            first = arrive[0]
            arrive = [first] + [first + ws() + near[i] for i in replicas[1:]]
        acked = [arrive[i] + wa() + near[i] for i in replicas]
        commit = sorted(acked)[w - 1]
        if design.leader:  # the leader's own acknowledgement always counts
            commit = max(commit, arrive[0] + wa())
        if design.remote_ack:  # and so does the first of the named remote standbys
            commit = max(commit, min(acked[i] for i in design.remote_ack))
        reader = rng.randrange(n) if design.readers_everywhere else 0
        away = design.distance[reader]
        if reads == "fastest":
            request = [rs() + away[i] for i in replicas]
            respond = sorted((request[i] + ra() + away[i], i) for i in replicas)[:r]
            seen = min(arrive[i] - commit - request[i] for _, i in respond)
            took = respond[-1][0]
        else:
            one = 0 if reads == "leader" else reader
            request_one = rs() + away[one]
            seen = arrive[one] - commit - request_one
            took = request_one + ra() + away[one]
        visible.append(seen if seen > 0.0 else 0.0)
        writes.append(commit)
        latencies.append(took)
    visible.sort()
    writes.sort()
    latencies.sort()
    return Samples(visible, writes, latencies)
