"""Every row of the decision tables the rules encode (consistency, replication and
partitioning selection) reproduced end to end through the shipped rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from distadvisor.recommendation import Recommendation

Advise = Callable[[dict[str, Any]], Recommendation]


def conclude(advise: Advise, entity: dict[str, Any], **system: Any) -> dict[str, Any]:
    rec = advise({"data": [{"name": "item", **entity}], **system})
    return rec.entities[0].conclusions


# Framework 3: consistency model selection (use case -> model).
CONSISTENCY_ROWS = [
    ("bank account balance", {"money": True}, {"linearizable"}),
    ("seat booking (airline)", {"unique_claims": True}, {"linearizable"}),
    (
        "inventory stock count, no overselling",
        {"unique_claims": True},
        {"linearizable", "bounded-staleness"},
    ),
    (
        "inventory stock count, display lag allowed",
        {"stale_reads": "bounded", "max_staleness_s": 5, "freshness": "hard"},
        {"linearizable", "bounded-staleness"},
    ),
    ("shopping cart", {"conflicts": "merge"}, {"eventual"}),
    ("product catalog", {"read_write_ratio": 1000}, {"eventual"}),
    ("user profile updates", {}, {"eventual"}),
    ("collaborative editing", {"ordering": "causal", "conflicts": "merge"}, {"causal"}),
    ("chat messages", {"ordering": "causal"}, {"causal"}),
    ("social media likes", {"conflicts": "merge"}, {"eventual"}),
    ("view counts", {"conflicts": "merge", "read_write_ratio": 50}, {"eventual"}),
    ("DNS records", {"read_write_ratio": 100000}, {"eventual"}),
    ("global config (read-heavy)", {"read_write_ratio": 1000}, {"eventual"}),
]


@pytest.mark.parametrize(("case", "entity", "models"), CONSISTENCY_ROWS)
def test_consistency_table(
    advise: Advise, case: str, entity: dict[str, Any], models: set[str]
) -> None:
    assert conclude(advise, entity)["consistency"] in models, case


def test_global_config_is_eventual_with_a_cache(advise: Advise) -> None:
    rec = advise({"data": [{"name": "config", "reads_per_sec": 50000, "writes_per_sec": 50}]})
    assert rec.entities[0].conclusions["consistency"] == "eventual"
    assert ("cache-aside", "config") in {(p.pattern, p.subject) for p in rec.patterns}


ONE_REGION: dict[str, Any] = {"deployment": {"regions": 1}}
THREE_REGIONS_ONE_WRITER = {"deployment": {"regions": 3, "writes_from": "one-region"}}
THREE_REGIONS_ALL_WRITE = {"deployment": {"regions": 3, "writes_from": "all-regions"}}

# Framework 4: replication strategy selection (scenario -> pattern).
REPLICATION_ROWS = [
    ("single datacenter", {}, ONE_REGION, {"leader-follower-async"}),
    ("multi-datacenter, low write", {}, THREE_REGIONS_ONE_WRITER, {"leader-follower-async"}),
    (
        "multi-datacenter, high write",
        {"conflicts": "merge"},
        THREE_REGIONS_ALL_WRITE,
        {"multi-leader"},
    ),
    # Leaderless where no leader is needed to order writes; 99.99% alone does not force
    # it (Spanner and DynamoDB reach it with leaders).
    (
        "maximum availability needed",
        {"conflicts": "merge"},
        {"availability": {"target": 99.995}},
        {"leaderless"},
    ),
    (
        "maximum availability, writes must not conflict",
        {},
        {"availability": {"target": 99.99}},
        {"leader-follower-async"},
    ),
    ("strong consistency required", {"money": True}, ONE_REGION, {"leader-follower-sync"}),
    ("read scaling needed", {"read_write_ratio": 50}, ONE_REGION, {"leader-follower-async"}),
    (
        "geo-distributed users",
        {"conflicts": "last-write-wins"},
        {**THREE_REGIONS_ALL_WRITE, "availability": {"target": 99.99}},
        {"multi-leader", "leaderless"},
    ),
    # The write-pattern tree beneath the table:
    (
        "multi-region writes, conflicts OK",
        {"conflicts": "merge"},
        THREE_REGIONS_ALL_WRITE,
        {"multi-leader"},
    ),
    (
        "multi-region writes, no conflicts",
        {"conflicts": "reject"},
        THREE_REGIONS_ALL_WRITE,
        {"leader-follower-async"},
    ),
]


@pytest.mark.parametrize(("case", "entity", "system", "schemes"), REPLICATION_ROWS)
def test_replication_table(
    advise: Advise, case: str, entity: dict[str, Any], system: dict[str, Any], schemes: set[str]
) -> None:
    assert conclude(advise, entity, **system)["replication"] in schemes, case


def test_strong_consistency_surviving_a_region_loss_needs_consensus(advise: Advise) -> None:
    survive = {**THREE_REGIONS_ONE_WRITER, "availability": {"region_failure_tolerated": True}}
    got = conclude(advise, {"money": True, "stale_reads": "never"}, **survive)
    assert got["replication"] == "consensus"
    assert got["quorum"] == {"n": 3, "w": 2, "r": 2}  # a majority confirms the leader


def test_strong_consistency_across_regions_keeps_a_home_region(advise: Advise) -> None:
    got = conclude(advise, {"money": True}, **THREE_REGIONS_ONE_WRITER)
    assert got["replication"] == "leader-follower-sync"


# Framework 5: partitioning strategy selection (access pattern -> strategy), for data
# that has outgrown one node; residency and places partition by geography across the
# regions they tell apart.
BIG = {"size_gb": 5000}
TWO_REGIONS = {"deployment": {"regions": ["eu-west-1", "us-east-1"]}}
PARTITIONING_ROWS = [
    ("point queries (by id)", {"access": "point", **BIG}, {}, "hash"),
    ("range queries (by date)", {"access": "range", **BIG}, {}, "range"),
    ("geographic queries", {"access": "geo"}, TWO_REGIONS, "geographic"),
    ("even distribution critical", BIG, {}, "hash"),
    ("GDPR data residency", {"residency": ["eu-west-1"]}, TWO_REGIONS, "geographic"),
    ("leaderboard queries", {"access": "range", "read_write_ratio": 100, **BIG}, {}, "range"),
    ("time-series data", {"access": "time-series", **BIG}, {}, "range"),
    ("fits one node", {"access": "point", "size_gb": 100}, {}, "none"),
    ("size not known", {"access": "range"}, {}, "none"),
]


@pytest.mark.parametrize(("case", "entity", "system", "strategy"), PARTITIONING_ROWS)
def test_partitioning_table(
    advise: Advise, case: str, entity: dict[str, Any], system: dict[str, Any], strategy: str
) -> None:
    assert conclude(advise, entity, **system)["partitioning"] == strategy, case
