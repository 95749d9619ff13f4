"""The `design:` section: its validation, the facts rules read, and drift findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from distadvisor.engine import facts, functions, rules
from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource
from distadvisor.recommendation import Finding, Recommendation

ROOT = Path(__file__).resolve().parent.parent


def load(data: dict[str, Any]) -> requirements.Requirements:
    doc = {"version": 1, "system": "test"} | data
    return requirements.from_document(yamlsource.parse(yaml.safe_dump(doc), "req.yaml"))


def problems(design: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as caught:
        load({"data": [{"name": "a", "design": design}]})
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("rf", "w", "r", "expected"),
    [
        (3, "ONE", "ONE", (3, 1, 1)),
        (3, "QUORUM", "QUORUM", (3, 2, 2)),
        (4, "QUORUM", "ALL", (4, 3, 4)),
        (5, "TWO", 3, (5, 2, 3)),
        (None, None, None, (None, None, None)),
    ],
)
def test_levels_resolve_to_replica_counts(
    rf: Any, w: Any, r: Any, expected: tuple[Any, ...]
) -> None:
    design = {
        k: v
        for k, v in {
            "replication_factor": rf,
            "write_consistency": w,
            "read_consistency": r,
        }.items()
        if v is not None
    }
    [subject] = facts.subjects(load({"data": [{"name": "a", "design": design}]}), "entity")
    got = tuple(subject.facts[f"entity.design_{k}"] for k in ("n", "w", "r"))
    assert got == expected


def test_an_entity_without_design_has_null_design_facts() -> None:
    [subject] = facts.subjects(load({"data": [{"name": "a"}]}), "entity")
    design = {k: v for k, v in subject.facts.items() if k.startswith("entity.design")}
    assert design and set(design.values()) == {None}
    assert "entity.design" not in subject.facts  # the section itself is not a fact


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        (
            {"write_consistency": "QUORUM"},
            "data[0].design.replication_factor: write_consistency needs the replication factor",
        ),
        (
            {"replication_factor": 3, "read_consistency": 4},
            "data[0].design.read_consistency: more replicas than there are copies; expected at"
            " most replication_factor (3), found 4",
        ),
        ({"replication_factor": 2, "write_consistency": "THREE"}, "found THREE (3)"),
        ({"level": "Strong"}, "data[0].design.level: a level belongs to a datastore"),
        ({"partitioning": "hashed"}, "did you mean 'hash'?"),
        ({"replication": "raft"}, "expected one of consensus | leader-follower-sync"),
        ({"write_consistency": 0, "replication_factor": 3}, "out of range; expected >= 1"),
        ({"write_consistency": True, "replication_factor": 3}, "must be a whole number"),
        ({"datastore": "  "}, "data[0].design.datastore: not in the expected form"),
        ({"store": "x"}, "unknown key 'store'"),
    ],
)
def test_bad_designs_are_located_and_explained(design: dict[str, Any], expected: str) -> None:
    found = problems(design)
    assert any(expected in p for p in found), found


def test_declared_pacelc_reads_the_catalogue() -> None:
    ruleset = rules.load([ROOT / "rules"])
    cat = ruleset.catalogue
    assert functions.declared_pacelc(cat, "Cassandra", None) == "PA/EL"
    assert functions.declared_pacelc(cat, "cassandra", "Lightweight transactions (SERIAL)") == (
        "PC/EC"
    )
    assert functions.declared_pacelc(cat, "Cassandra", "EACH_QUORUM") is None
    assert functions.declared_pacelc(cat, "Casandra", None) is None
    assert functions.declared_pacelc(cat, None, None) is None
    assert "ONE writes / ONE reads" in functions.store_levels(cat, "Cassandra")
    assert functions.store_levels(cat, "nope") == []


def test_the_drift_example_reports_the_issue_s_contradictions(
    advise: Callable[[dict[str, Any]], Recommendation],
) -> None:
    data = yaml.safe_load((ROOT / "examples" / "drift-cassandra.yaml").read_text())
    rec = advise(data)
    found = {(f.rule, f.path) for f in rec.findings}
    assert ("design.quorums-do-not-overlap", "data[0].design.read_consistency") in found
    assert ("design.pacelc-weaker-than-needed", "data[0].design.datastore") in found
    assert ("design.range-queries-on-hash", "data[1].design.partitioning") in found
    # QUORUM/QUORUM at RF=3 overlaps: the history is not flagged for it
    assert ("design.quorums-do-not-overlap", "data[1].design.read_consistency") not in found


def test_fixing_the_design_clears_the_drift(
    advise: Callable[[dict[str, Any]], Recommendation],
) -> None:
    design = {
        "datastore": "CockroachDB",
        "replication": "consensus",
        "partitioning": "range",
        "replication_factor": 3,
        "write_consistency": "QUORUM",
        "read_consistency": "QUORUM",
    }
    rec = advise(
        {"data": [{"name": "balance", "money": True, "access": "range", "design": design}]}
    )
    assert not [f for f in rec.findings if f.rule.startswith("design.")]


# --- accepted findings -----------------------------------------------------------------


def _rec(*findings: Finding) -> Recommendation:
    return Recommendation("s", "", (), (), findings)


def test_accepting_marks_findings_and_keeps_them() -> None:
    req = load(
        {
            "data": [{"name": "a"}, {"name": "b"}],
            "accept": [
                {"rule": "x.err", "reason": "known", "path": "data[1]"},
                {"rule": "x.warn", "reason": "everywhere"},
            ],
        }
    )
    rec = _rec(
        Finding("error", "x.err", "t", "data[0].conflicts"),
        Finding("error", "x.err", "t", "data[1].conflicts"),
        Finding("error", "x.err", "t", "data[10]"),  # data[1] does not cover data[10]
        Finding("warning", "x.warn", "t", "services[0]"),
    ).accepting(req.accept)
    assert [f.suppressed for f in rec.findings] == [False, True, False, True]
    assert rec.findings[1].reason == "known"
    assert rec.findings[1].to_dict() == {
        "severity": "error",
        "rule": "x.err",
        "text": "t",
        "path": "data[1].conflicts",
        "suppressed": True,
        "reason": "known",
    }
    assert set(rec.findings[0].to_dict()) == {"severity", "rule", "text", "path"}


def test_suppressed_findings_never_count_toward_fail_on() -> None:
    accepted = Finding("error", "x.err", "t", "data[0]", suppressed=True, reason="r")
    assert _rec(accepted).failing("info") == []
    assert [f.rule for f in _rec(accepted, Finding("info", "x.i", "t", "")).failing("info")] == [
        "x.i"
    ]
