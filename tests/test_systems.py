"""Realistic systems, each judged conclusion by conclusion as an architect would.

Every `tests/systems/NAME.yaml` is a requirements file modelled on a well-documented
kind of system; `NAME.expect.yaml` beside it holds the conclusions an expert accepts
(sets of alternatives where several are right), the patterns that must and must not
appear, the findings that must not appear, the exit status of `advise`, and the
sources the judgement rests on. The suite fails when the advice drifts from them.

Checked for every system, whatever its expectations say: no kind of data gets an
empty datastore list (unless its expectation accepts none, `first_datastore: [null]`,
where no catalogued store can hold it as concluded), no entity is partitioned when the
expectations do not say so, and linearizable or sequential data has intersecting
quorums (w + r > n).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from distadvisor.cli.main import app

SYSTEMS = Path(__file__).parent / "systems"
NAMES = sorted(p.name.removesuffix(".expect.yaml") for p in SYSTEMS.glob("*.expect.yaml"))
# What an expectation file may say about one kind of data: a field and the values an
# expert accepts for it, or the datastores that may come first / must be offered.
ENTITY_KEYS = {
    "consistency",
    "cap",
    "pacelc",
    "replication",
    "partitioning",
    "conflict_resolution",
    "first_datastore",
    "datastores_include",
    "quorum",
}
EXPECT_KEYS = {
    "sources",
    "exit",
    "entities",
    "patterns",
    "not_patterns",
    "findings",
    "not_findings",
}


def _advise(name: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["advise", str(SYSTEMS / f"{name}.yaml"), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _store(entry: str) -> str:
    """`PostgreSQL (synchronous standbys ...)` -> `PostgreSQL`."""
    return entry.split(" (", 1)[0]


def _matches(item: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(item.get(k) == v for k, v in wanted.items())


def test_there_are_at_least_twenty_systems_each_with_sources() -> None:
    assert len(NAMES) >= 20
    for name in NAMES:
        expect = yaml.safe_load((SYSTEMS / f"{name}.expect.yaml").read_text(encoding="utf-8"))
        assert set(expect) <= EXPECT_KEYS, f"{name}: unknown keys {set(expect) - EXPECT_KEYS}"
        assert expect.get("sources"), f"{name}: an expectation must cite its sources"
        assert (SYSTEMS / f"{name}.yaml").is_file(), f"{name}: no requirements file"


@pytest.mark.parametrize("name", NAMES)
def test_system_advice_is_what_an_expert_accepts(name: str) -> None:
    expect = yaml.safe_load((SYSTEMS / f"{name}.expect.yaml").read_text(encoding="utf-8"))
    code, doc = _advise(name)
    problems: list[str] = []
    if code != expect.get("exit", 0):
        errors = [f["rule"] for f in doc["findings"] if f["severity"] == "error"]
        problems.append(f"exit {code}, expected {expect.get('exit', 0)} (errors: {errors})")
    wanted_entities: dict[str, dict[str, Any]] = expect.get("entities", {})
    for entity, advice in doc["entities"].items():
        wanted = wanted_entities.get(entity, {})
        if not advice["datastores"] and None not in wanted.get("first_datastore", ()):
            problems.append(f"{entity}: no datastore offered")
        assert set(wanted) <= ENTITY_KEYS, f"{name}/{entity}: unknown keys"
        quorum = advice["quorum"]
        strong = advice["consistency"] in ("linearizable", "sequential")
        if strong and quorum["w"] + quorum["r"] <= quorum["n"]:
            problems.append(f"{entity}: {advice['consistency']} with quorum {quorum}")
        if "partitioning" not in wanted and advice["partitioning"] != "none":
            problems.append(f"{entity}: partitioned ({advice['partitioning']}) unexpectedly")
        for field, accepted in wanted.items():
            if field == "first_datastore":
                first = _store(advice["datastores"][0]) if advice["datastores"] else None
                if first not in accepted:
                    problems.append(
                        f"{entity}: first datastore {first}, expected one of {accepted}"
                    )
            elif field == "datastores_include":
                offered = {_store(d) for d in advice["datastores"]}
                if not set(accepted) <= offered:
                    problems.append(f"{entity}: datastores lack {set(accepted) - offered}")
            elif field == "quorum":
                if not _matches(advice["quorum"], accepted):
                    problems.append(f"{entity}: quorum {advice['quorum']}, expected {accepted}")
            elif advice[field] not in accepted:
                problems.append(f"{entity}: {field} {advice[field]}, expected one of {accepted}")
    patterns = [{"pattern": p["pattern"], "for": p["for"]} for p in doc["patterns"]]
    for want in expect.get("patterns", []):
        if not any(_matches(p, want) for p in patterns):
            problems.append(f"missing pattern {want}")
    for unwanted in expect.get("not_patterns", []):
        hits = [p for p in patterns if _matches(p, unwanted)]
        if hits:
            problems.append(f"pattern that should not be there: {hits}")
    rules = {f["rule"] for f in doc["findings"]}
    for rule in expect.get("findings", []):
        if rule not in rules:
            problems.append(f"missing finding {rule}")
    for rule in expect.get("not_findings", []):
        if rule in rules:
            problems.append(f"finding that should not be there: {rule}")
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
