"""The exact strings of the public contract (contract.md §2), in one place.

Rule files are checked against these on load, so a rule can never conclude a value
the JSON contract does not allow.
"""

from __future__ import annotations

CONSISTENCY = (
    "linearizable",
    "sequential",
    "causal",
    "read-your-writes",
    "monotonic-reads",
    "bounded-staleness",
    "eventual",
)
# Which models a model implies: a store delivering the key also delivers each value.
IMPLIES: dict[str, frozenset[str]] = {
    "linearizable": frozenset(CONSISTENCY),
    "sequential": frozenset(
        {"sequential", "causal", "read-your-writes", "monotonic-reads", "eventual"}
    ),
    "causal": frozenset({"causal", "read-your-writes", "monotonic-reads", "eventual"}),
    "read-your-writes": frozenset({"read-your-writes", "eventual"}),
    "monotonic-reads": frozenset({"monotonic-reads", "eventual"}),
    "bounded-staleness": frozenset({"bounded-staleness", "eventual"}),
    "eventual": frozenset({"eventual"}),
}
CAP = ("CP", "AP")
PACELC = ("PC/EC", "PC/EL", "PA/EC", "PA/EL")
REPLICATION = (
    "consensus",
    "leader-follower-sync",
    "leader-follower-async",
    "multi-leader",
    "leaderless",
    "chain",
)
PARTITIONING = ("none", "hash", "range", "geographic")
CONFLICT_RESOLUTION = ("none", "last-write-wins", "version-vectors", "crdt", "application-merge")
# Transaction isolation a kind of data needs, strongest first (an extension of the
# contract); `n/a` where no transaction spans more than one write.
ISOLATION = ("serializable", "snapshot", "read-committed", "n/a")
PATTERNS = (
    "circuit-breaker",
    "retry-backoff",
    "timeout",
    "bulkhead",
    "rate-limiter",
    "saga-orchestration",
    "saga-choreography",
    "outbox",
    "event-sourcing",
    "cqrs",
    "cache-aside",
    "write-through",
    "write-behind",
    "consistent-hash",
    "idempotency-key",
)
SEVERITIES = ("error", "warning", "info")
