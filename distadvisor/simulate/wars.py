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


class Origin(NamedTuple):
    """A place users write or read from: its one-way delay (ms) to each replica, and
    the replica nearest to it."""

    delay: tuple[float, ...]
    nearest: int


class Design(NamedTuple):
    """What the simulation needs of a replicated design.

    `distance[a][b]` is the one-way delay (ms) added between replica a's place and
    replica b's (0 in one zone; cross-zone or cross-region otherwise). The first n
    replicas are the quorum; `followers` more, after them, get every write from the
    leader but never acknowledge it (asynchronous replicas in other regions). A write
    starts at one of `writers` and a read at one of `readers`, drawn at random when
    there are several (users in every zone and region). With a leader, a write goes
    from its origin to replica 0 and the leader's answer comes back to it; without,
    its origin coordinates. When `remote_ack` names replicas, one of them must also
    acknowledge before the write commits: the standbys in other regions than the
    leader's, when a region loss must lose no acknowledged write (PostgreSQL
    synchronous_standby_names naming only remote standbys).

    Reads go to the `leader`, to the replica `nearest` their origin (a "follower" read
    of data whose decisions alone are made at the leader is one too), to the "fastest"
    r of the quorum, or, for a "session" that reads its own writes, to the leader while
    the staleness measured is that of other sessions' reads at the nearest replica.
    """

    n: int
    w: int
    r: int
    distance: tuple[tuple[float, ...], ...]
    leader: bool  # writes go through replica 0, which copies them on
    reads: str  # "leader", "nearest", "follower", "session" or "fastest"
    readers: tuple[Origin, ...]
    writers: tuple[Origin, ...]
    remote_ack: tuple[int, ...] = ()
    followers: int = 0


def _pick(origins: tuple[Origin, ...], rng: random.Random) -> Origin:
    """One origin at random; no draw for a single one, so one-writer runs keep their
    random stream."""
    return origins[rng.randrange(len(origins))] if len(origins) > 1 else origins[0]


def simulate(design: Design, profile: Profile, trials: int, rng: random.Random) -> Samples:
    """Run `trials` writes and reads on `design` with `profile`'s delays."""
    ws, wa = sampler(profile.write_send, rng), sampler(profile.write_ack, rng)
    rs, ra = sampler(profile.read_send, rng), sampler(profile.read_ack, rng)
    n, w, r, reads = design.n, design.w, design.r, design.reads
    near = design.distance[0]
    visible: list[float] = []
    writes: list[float] = []
    latencies: list[float] = []
    voters = range(n)
    replicas = range(n + design.followers)
    for _ in range(trials):
        source = _pick(design.writers, rng).delay
        arrive = [ws() + source[i] for i in replicas]
        if design.leader:  # followers get the write from the leader once it has it
            first = arrive[0]
            arrive = [first] + [first + ws() + near[i] for i in replicas[1:]]
        back = near if design.leader else source  # acknowledgements go to the coordinator
        acked = [arrive[i] + wa() + back[i] for i in voters]
        commit = sorted(acked)[w - 1]
        if design.leader:  # the leader's own acknowledgement always counts
            commit = max(commit, arrive[0] + wa())
        if design.remote_ack:  # and so does the first of the named remote standbys
            commit = max(commit, min(acked[i] for i in design.remote_ack))
        if design.leader:  # the leader answers the writer
            commit += source[0]
        origin = design.readers[rng.randrange(len(design.readers))]
        away = origin.delay
        if reads == "fastest":
            request = [rs() + away[i] for i in voters]
            respond = sorted((request[i] + ra() + away[i], i) for i in voters)[:r]
            seen = min(arrive[i] - commit - request[i] for _, i in respond)
            took = respond[-1][0]
        else:
            one = 0 if reads in ("leader", "session") else origin.nearest
            request_one = rs() + away[one]
            seen = arrive[one] - commit - request_one
            took = request_one + ra() + away[one]
            if reads == "session":  # another session's read at its nearest replica
                other = origin.nearest
                seen = arrive[other] - commit - (rs() + away[other])
        visible.append(seen if seen > 0.0 else 0.0)
        writes.append(commit)
        latencies.append(took)
    visible.sort()
    writes.sort()
    latencies.sort()
    return Samples(visible, writes, latencies)
