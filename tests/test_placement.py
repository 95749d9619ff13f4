"""Replicas sit where the advice puts them, in the diagram, `simulate` and the
availability findings alike: the home region's zones for a quorum kept there, only the
residency regions, writes from where they enter, reads routed as the advice says."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import requirements_from

from distadvisor.diagrams import system
from distadvisor.engine import placement, rules
from distadvisor.engine.availability import load_failures
from distadvisor.engine.network import load_network
from distadvisor.errors import InputError
from distadvisor.recommendation import Recommendation
from distadvisor.resources import rules_dir
from distadvisor.simulate.predict import predict
from distadvisor.simulate.prediction import EntityPrediction

Advise = Callable[[dict[str, Any]], Recommendation]
NETWORK = load_network(rules_dir() / "data" / "network.yaml")
FAILURES = load_failures()

# Money with a 5 s loss window over three regions: replication.strong-home-region.
HOME_REGION: dict[str, Any] = {
    "version": 1,
    "system": "home",
    "deployment": {"regions": ["us-east-1", "eu-west-1", "ap-southeast-1"]},
    "latency_budget_ms": {"write": 30},
    "availability": {"target": 99.99, "region_failure_tolerated": True, "rpo_s": 5},
    "data": [{"name": "invoice", "money": True, "home_region": "eu-west-1", "size_gb": 200}],
}
# Data confined to eastus2, written from every region.
RESIDENT: dict[str, Any] = {
    "version": 1,
    "system": "resident",
    "deployment": {
        "regions": ["westeurope", "northeurope", "eastus2"],
        "writes_from": "all-regions",
    },
    "availability": {"target": 99.95, "region_failure_tolerated": True, "rpo_s": 15},
    "data": [
        {
            "name": "task_us",
            "read_your_writes": True,
            "conflicts": "last-write-wins",
            "residency": ["eastus2"],
        }
    ],
}
# Claims written in every region, kept by consensus across three US regions.
CLAIMS: dict[str, Any] = {
    "version": 1,
    "system": "claims",
    "deployment": {
        "regions": ["us-east-1", "us-east-2", "us-west-2"],
        "writes_from": "all-regions",
    },
    "availability": {"region_failure_tolerated": True},
    "data": [{"name": "stock_level", "unique_claims": True, "stale_reads": "never"}],
}


def simulated(advise: Advise, data: dict[str, Any]) -> EntityPrediction:
    return predict(advise(data), requirements_from(data), seed=1, trials=4_000).entities[0]


def findings_of(advise: Advise, data: dict[str, Any]) -> set[str]:
    return {f.rule for f in advise(data).findings}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`base` with the first kind of data's fields changed (a copy)."""
    return base | {"data": [base["data"][0] | changes]}


def test_a_quorum_kept_in_its_home_region_sits_there(advise: Advise) -> None:
    rec = advise(HOME_REGION)
    req = requirements_from(HOME_REGION)
    placed = placement.of_advice(rec.entities[0], req.data[0], req.deployment)
    assert placed.voters == (1,) * rec.entities[0].conclusions["quorum"]["n"]
    assert placed.followers == (0, 2) and placed.span == 1 and not placed.remote_ack


def test_the_diagram_draws_the_home_region_quorum_and_its_async_followers(
    advise: Advise,
) -> None:
    rec = advise(HOME_REGION)
    req = requirements_from(HOME_REGION)
    # Narrow enough that the region boxes stack, one under the other.
    style = system.Style(width=40)
    drawn = system.entity_diagrams(rec.entities[0], req, style, ("replication",))
    boxes = drawn[0].text.split("┌─ ")[1:]
    by_region = {box.split(" ", 1)[0]: box.split("└")[0] for box in boxes}
    assert by_region["eu-west-1"].count("W") == 2  # the whole write quorum
    assert "leader" in by_region["eu-west-1"]
    for other in ("us-east-1", "ap-southeast-1"):
        assert "async" in by_region[other] and "W" not in by_region[other]


def test_a_home_region_quorum_commits_in_region_and_is_capped_by_its_region(
    advise: Advise,
) -> None:
    e = simulated(advise, HOME_REGION)
    nearest_other = min(
        NETWORK.between("eu-west-1", other) or 0.0 for other in ("us-east-1", "ap-southeast-1")
    )
    assert e.regions == 1
    assert e.write_ms.p99 < nearest_other / 2  # never waits for another region
    assert e.write_availability < FAILURES.region_up
    # The availability findings see the same placement: 99.99 % is out of reach.
    assert "findings.availability-ceiling" in findings_of(advise, HOME_REGION)
    spread = HOME_REGION | {"availability": HOME_REGION["availability"] | {"rpo_s": 0}}
    assert "findings.availability-ceiling" not in findings_of(advise, spread)
    assert simulated(advise, spread).write_availability > FAILURES.region_up


def test_residency_keeps_every_replica_in_its_region(advise: Advise) -> None:
    e = simulated(advise, RESIDENT)
    assert e.regions == 1 and e.write_availability <= FAILURES.region_up
    # Writes entering in Europe travel to eastus2 and back.
    to_us = NETWORK.between("northeurope", "eastus2") or 0.0
    assert e.write_ms.p99 >= to_us
    unconfined = simulated(advise, with_(RESIDENT, residency=[]))
    assert unconfined.regions == 3 and unconfined.write_availability > FAILURES.region_up


def test_writes_entering_everywhere_pay_the_trip_to_the_leader(advise: Advise) -> None:
    everywhere = simulated(advise, CLAIMS)
    one = simulated(
        advise, CLAIMS | {"deployment": CLAIMS["deployment"] | {"writes_from": "one-region"}}
    )
    far = NETWORK.between("us-east-1", "us-west-2") or 0.0  # the leader sits in us-east-1
    majority = NETWORK.between("us-east-1", "us-east-2") or 0.0
    assert everywhere.replication == "consensus"
    assert one.write_ms.p99 < far <= everywhere.write_ms.p99
    assert everywhere.write_ms.p99 >= far + majority


def test_reads_follow_the_advice(advise: Advise) -> None:
    never = simulated(advise, CLAIMS)
    assert never.reads == "leader" and never.staleness is None
    tolerated = simulated(advise, with_(CLAIMS, stale_reads="tolerated"))
    # Lookups any follower serves stay in the reader's region; the claim is decided at
    # the leader, and the staleness shown is the followers'.
    assert tolerated.reads == "follower" and tolerated.staleness is not None
    assert tolerated.read_ms.p99 < never.read_ms.p99
    session = simulated(
        advise, RESIDENT | {"data": [RESIDENT["data"][0] | {"conflicts": "reject"}]}
    )
    assert session.reads == "session" and session.staleness is not None


def test_conclusion_rules_cannot_read_where_replicas_sit(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        textwrap.dedent("""\
        framework: team
        rules:
          - id: team.reads-the-placement
            priority: 500
            when: entity.quorum_regions > 1
            set: {cap: AP}
            message: A message long enough to explain what the rule concludes here.
            references: [a source]
        """)
    )
    with pytest.raises(InputError, match="only patterns and findings may read"):
        rules.load([rules_dir(), tmp_path])
