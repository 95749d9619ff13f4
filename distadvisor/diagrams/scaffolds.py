"""The diagram in a scaffolded module's docstring, drawn from the scaffold's options.

Scaffolds are ASCII (the contract asks for an ASCII diagram, and ruff flags look-alike
Unicode in docstrings) and 80 columns wide, so with the docstring's indent of 4 every
generated line stays within 88.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import breaker, canvas, cluster, partitioning, resilience, saga

WIDTH = 80
# The example a ring scaffold draws: it is not tied to any data yet.
RING_NODES = cluster.node_names("node", 4)
RING_KEY = "user:42"
RING_REPLICAS = 3


def ring_hash(options: Mapping[str, object]) -> str:
    """The hash a consistent-hash scaffold uses: `auto` is md5 under uhashring
    compatibility (uhashring's default) and blake2s otherwise, as its template says."""
    chosen = str(options["hash"])
    if chosen != "auto":
        return chosen
    return "md5" if options["compat"] == "uhashring" else "blake2s"


def draw(pattern: str, class_name: str, options: Mapping[str, object]) -> str:
    """The pattern's diagram for these resolved options; "" for a pattern without one."""
    if pattern == "circuit-breaker":
        return breaker.draw(options, width=WIDTH, ascii=True)
    if pattern == "retry-backoff":
        return resilience.retry(options, width=WIDTH)
    if pattern == "bulkhead":
        return resilience.bulkhead(class_name, options, width=WIDTH)
    if pattern == "rate-limiter":
        return resilience.rate_limiter(options, width=WIDTH)
    if pattern == "idempotency-key":
        return resilience.idempotency(options, width=WIDTH)
    if pattern == "outbox":
        return resilience.outbox(options, width=WIDTH)
    if pattern == "cache-aside":
        return resilience.cache_aside(options, width=WIDTH)
    if pattern == "timeout":
        return resilience.timeout(options, width=WIDTH)
    if pattern == "saga":
        steps = options["steps"]
        assert isinstance(steps, tuple)
        return saga.draw(class_name, steps, width=WIDTH, ascii=True)
    if pattern == "consistent-hash":
        vnodes = options["vnodes"]
        assert isinstance(vnodes, int)
        lines = partitioning.ring(
            RING_NODES,
            RING_KEY,
            RING_REPLICAS,
            hash_name=ring_hash(options),
            vnodes=vnodes,
            width=WIDTH,
            ascii=True,
        )
        return canvas.finish(
            [f"For example, get_nodes({RING_KEY!r}, {RING_REPLICAS}):", "", *lines], WIDTH
        )
    return ""
