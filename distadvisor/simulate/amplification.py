"""Retry amplification along the service call graph.

When every hop retries a failing call up to `a` attempts, a service `d` hops below an
entry point sees up to a**d attempts for one user request: retries multiply. Retrying at
one layer only caps it at `a`; a retry budget (retries at most a share `b` of calls) at
every hop caps it at (1 + b)**d.

Azure Architecture Center, Retry guidance for specific services (retries at several
layers multiply); Beyer et al., Site Reliability Engineering (2016), ch. 22.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple


class Amplification(NamedTuple):
    service: str
    depth: int | None  # hops below the deepest entry point; None inside a call cycle
    every_hop: float  # worst-case attempts when every hop retries
    one_layer: float  # when only one layer retries
    budgeted: float  # when every hop retries within a retry budget


def depths(calls: Mapping[str, Iterable[str]]) -> dict[str, int | None]:
    """The longest call path from an entry point down to each service (None in a cycle).

    Linear in services and calls: a topological order (Kahn's algorithm), then one pass.
    """
    services = set(calls) | {c for callees in calls.values() for c in callees}
    callees = {s: sorted(set(calls.get(s, ()))) for s in services}
    waiting = dict.fromkeys(services, 0)
    for s in services:
        for c in callees[s]:
            waiting[c] += 1
    ready = sorted(s for s, count in waiting.items() if count == 0)
    depth = dict.fromkeys(ready, 0)
    while ready:
        s = ready.pop()
        for c in callees[s]:
            depth[c] = max(depth.get(c, 0), depth[s] + 1)
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    return {s: (depth[s] if waiting[s] == 0 else None) for s in services}


def amplification(
    calls: Mapping[str, Iterable[str]], attempts: int, budget: float
) -> list[Amplification]:
    """Per service, the attempts one user request can cause (services in name order)."""
    out = []
    for service, depth in sorted(depths(calls).items()):
        if depth is None:
            inf = float("inf")
            out.append(Amplification(service, None, inf, float(attempts), inf))
            continue
        out.append(
            Amplification(
                service,
                depth,
                float(attempts) ** depth,
                float(attempts) if depth else 1.0,
                (1 + budget) ** depth,
            )
        )
    return out
