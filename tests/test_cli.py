"""The command line end to end: formats, exit codes, bad input never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from distadvisor.model.vocabulary import (
    CAP,
    CONSISTENCY,
    ISOLATION,
    PACELC,
    PATTERNS,
    REPLICATION,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CLI = Callable[..., Result]
CLEAN = "version: 1\nsystem: clean\ndata:\n  - {name: notes}\n"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_json_matches_the_contract(cli: CLI, example: Path) -> None:
    result = cli("advise", str(example), "--format", "json", "--fail-on", "info")
    assert result.exit_code in (0, 1)
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "system", "entities", "patterns", "findings"]
    assert doc["schema"] == "distadvisor/recommendation/v1"
    for advice in doc["entities"].values():
        assert list(advice) == [
            "consistency",
            "cap",
            "pacelc",
            "replication",
            "quorum",
            "partitioning",
            "conflict_resolution",
            "datastores",
            "isolation",
            "because",
        ]
        assert advice["isolation"] in ISOLATION
        assert advice["consistency"] in CONSISTENCY and advice["cap"] in CAP
        assert advice["pacelc"] in PACELC and advice["replication"] in REPLICATION
        assert set(advice["quorum"]) == {"n", "w", "r"}
        assert all({"rule", "text"} <= set(b) for b in advice["because"])
    for pattern in doc["patterns"]:
        assert set(pattern) == {"pattern", "for", "scaffold", "because"}
        assert pattern["pattern"] in PATTERNS
    for finding in doc["findings"]:
        assert set(finding) == {"severity", "rule", "text", "path"}


def test_order_platform_recommendation(cli: CLI) -> None:
    result = cli("advise", str(ROOT / "examples/order-platform.yaml"), "--format", "json")
    doc = json.loads(result.stdout)
    payments = doc["entities"]["payments"]
    assert (payments["consistency"], payments["cap"], payments["pacelc"]) == (
        "linearizable",
        "CP",
        "PC/EC",
    )
    assert payments["quorum"] == {"n": 3, "w": 2, "r": 2}  # a majority confirms the leader
    saga = next(p for p in doc["patterns"] if p["pattern"] == "saga-orchestration")
    assert (saga["for"], saga["scaffold"]) == ("place_order", "saga")
    breaker = next(
        p
        for p in doc["patterns"]
        if p["for"] == "payment-provider" and p["pattern"] == "circuit-breaker"
    )
    assert breaker["scaffold"] == "circuit-breaker"
    # The example declares a breaker for the carrier but not for the payment provider.
    unprotected = [
        f["path"] for f in doc["findings"] if f["rule"] == "findings.external-unprotected"
    ]
    assert unprotected == ["services[5].protected_by"]
    assert result.exit_code == 0  # warnings only, and --fail-on defaults to error


def test_ledger_contradiction_is_an_error(cli: CLI) -> None:
    result = cli("advise", str(ROOT / "examples/multi-region-ledger.yaml"), "--format", "json")
    assert result.exit_code == 1
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "findings.strong-writes-beyond-budget" in rules


@pytest.mark.parametrize(
    ("fail_on", "text", "code"),
    [
        ("error", CLEAN, 0),
        ("info", CLEAN, 0),
        (
            "error",
            CLEAN.replace(
                "{name: notes}", "{name: notes, money: true, conflicts: last-write-wins}"
            ),
            1,
        ),
        ("warning", CLEAN + "availability: {node_failures_tolerated: 0, target: 99}\n", 1),
        ("error", CLEAN + "availability: {node_failures_tolerated: 0, target: 99}\n", 0),
    ],
)
def test_exit_status_follows_fail_on(
    cli: CLI, tmp_path: Path, fail_on: str, text: str, code: int
) -> None:
    path = tmp_path / "req.yaml"
    path.write_text(text)
    result = cli("advise", str(path), "--format", "json", "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_stdin(cli: CLI) -> None:
    result = cli("advise", "-", "--format", "json", input=CLEAN)
    assert json.loads(result.stdout)["system"] == "clean"


def test_text_report_names_every_entity_pattern_and_finding(cli: CLI, tmp_path: Path) -> None:
    result = cli("advise", str(ROOT / "examples/social-feed.yaml"))
    assert "findings.strong-writes-beyond-budget" in result.stdout
    path = tmp_path / "req.yaml"
    path.write_text(CLEAN.replace("notes", "notes[bold]"))
    assert "'notes[bold]' not a valid name" not in cli("advise", str(path)).output
    for word in (
        "usernames",
        "posts",
        "comments",
        "likes",
        "timelines",
        "Patterns",
        "findings.strong-writes-beyond-budget",
    ):
        assert word in result.stdout
    detail = cli("advise", str(ROOT / "examples/social-feed.yaml"), "--detail").stdout
    assert "consistency.unique-claims" in detail
    assert "consistency.unique-claims" not in result.stdout


def test_markdown_is_a_decision_record(cli: CLI) -> None:
    result = cli("advise", str(ROOT / "examples/order-platform.yaml"), "--format", "markdown")
    out = result.stdout
    assert out.startswith("# ADR: Data and resilience architecture of order-platform")
    for heading in (
        "## Context",
        "## Decision",
        "### payments",
        "## Patterns",
        "## Consequences and open findings",
    ):
        assert heading in out
    assert "| Consistency | linearizable | `consistency.money` |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["advise", "missing.yaml"], "missing.yaml: file not found"),
        (["advise", "-", "--format", "json"], "missing required field 'version'"),
        (["advise", str(ROOT / "examples/order-platform.yaml"), "--format", "pdf"], "pdf"),
        (["advise", str(ROOT / "examples/order-platform.yaml"), "--fail-on", "never"], "never"),
        (
            ["advise", str(ROOT / "examples/order-platform.yaml"), "--rules", "/nonexistent"],
            "rules folder not found",
        ),
        (["rules", "show", "consistency.mony"], "did you mean 'consistency.money'?"),
        (["rules", "validate", "/nonexistent"], "rules folder not found"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli: CLI, args: list[str], message: str) -> None:
    result = cli(*args, input="system: x\n")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_team_rules_extend_and_override(cli: CLI, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "team.yaml").write_text(
        "framework: team\nscope: entity\nrules:\n"
        "  - id: team.no-leaderless\n    severity: error\n    field: name\n"
        "    when: entity.replication == 'leaderless'\n"
        "    message: Our platform team runs no leaderless store; ask before choosing one.\n"
        "    references: [platform handbook]\n"
    )
    req = tmp_path / "req.yaml"
    req.write_text(
        CLEAN.replace("{name: notes}", "{name: notes, conflicts: merge}")
        + "deployment: {regions: 3}\navailability: {target: 99.99}\n"
    )
    result = cli("advise", str(req), "--format", "json", "--rules", str(team))
    assert result.exit_code == 1, result.output
    finding = json.loads(result.stdout)["findings"][0]
    assert (finding["rule"], finding["path"]) == ("team.no-leaderless", "data[0].name")
    assert cli("rules", "validate", str(team)).exit_code == 0


def test_rules_list_and_show(cli: CLI) -> None:
    listing = cli("rules", "list", "--framework", "cap")
    assert "cap.strong" in listing.stdout and "consistency.money" not in listing.stdout
    shown = cli("rules", "show", "quorum.intersecting")
    assert "when:       entity.consistency in ['linearizable', 'sequential']" in shown.stdout
    assert "Gifford, Weighted Voting" in shown.stdout


def test_rules_test_runs_the_shipped_fixtures(cli: CLI) -> None:
    result = cli("rules", "test")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith(" 0 failed")


def test_rules_test_reports_a_failing_fixture(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "framework: team\nrules:\n  - id: team.big\n    pattern: cqrs\n"
        "    when: entity.size_gb > 1000\n"
        "    message: Very large data gets its own read models, by our convention.\n"
        "    references: [platform handbook]\n"
    )
    (tmp_path / "team.test.yaml").write_text(
        "cases:\n  - name: wrong on purpose\n    requirements: {data: [{name: a, size_gb: 5}]}\n"
        "    fires: [team.big]\n"
    )
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 1
    assert "expected team.big to fire; it did not" in result.stdout
    assert "team.big has no case where it stays silent" in result.stdout


def run_installed(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "distadvisor", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        **kwargs,
    )


def test_module_entry_point_and_no_heavy_imports_on_advise() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['distadvisor', 'advise', "
        "'examples/order-platform.yaml', '--format', 'json']\n"
        "try:\n    runpy.run_module('distadvisor', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('HEAVY', sorted(m for m in ('jinja2', 'questionary', 'rich') if m in sys.modules),"
        " file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert json.loads(result.stdout)["system"] == "order-platform"
    assert "HEAVY []" in result.stderr


def test_the_contract_example_advises(cli: CLI) -> None:
    result = cli("advise", str(ROOT / "tests/data/contract_example.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    balance = doc["entities"]["account_balance"]
    # Residency [EU] keeps it out of some of the 3 regions: partitioned by geography,
    # each home region's partition a consensus group of its own.
    assert (balance["consistency"], balance["cap"], balance["pacelc"], balance["replication"]) == (
        "linearizable",
        "CP",
        "PC/EC",
        "consensus",
    )
    assert balance["partitioning"] == "geographic"
    assert balance["quorum"] == {"n": 5, "w": 3, "r": 3}  # survives 2 failures
    saga = next(p for p in doc["patterns"] if p["pattern"] == "saga-orchestration")
    assert (saga["for"], saga["scaffold"]) == ("place_order", "saga")
    undeclared = {f["path"] for f in doc["findings"] if f["rule"] == "findings.undeclared-service"}
    assert undeclared == {"services[0].calls[1]", "transactions[0].services[2]"}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "    requirements: {data: [{name: a, money: maybe}]}\n    fires: [team.big]\n",
            "team.test.yaml:3:44: data[0].money: must be true or false",
        ),
        (
            "    requirements: {data: [{name: a}]}\n    expect: {entities: [1, 2]}\n",
            "malformed 'expect'",
        ),
        (
            "    requirements: {data: [{name: a}]}\n    expect: {patterns: 5}\n",
            "malformed 'expect'",
        ),
    ],
)
def test_rules_test_refuses_broken_fixtures(
    cli: CLI, tmp_path: Path, case: str, message: str
) -> None:
    (tmp_path / "team.yaml").write_text(
        "framework: team\nrules:\n  - id: team.big\n    pattern: cqrs\n"
        "    when: entity.size_gb > 1000\n"
        "    message: Very large data gets its own read models, by our convention.\n"
        "    references: [platform handbook]\n"
    )
    (tmp_path / "team.test.yaml").write_text("cases:\n  - name: broken\n" + case)
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.output


def test_advise_reports_accepted_findings_without_failing(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "req.yaml"
    path.write_text(
        "version: 1\nsystem: shop\n"
        "data: [{name: balance, money: true, conflicts: last-write-wins}]\n"
        "accept:\n  - {rule: findings.money-last-write-wins,\n"
        "     reason: Reconciled nightly by finance}\n"
    )
    result = cli("advise", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    [finding] = [
        f
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] == "findings.money-last-write-wins"
    ]
    assert finding["suppressed"] is True and finding["reason"] == "Reconciled nightly by finance"
    text = " ".join(cli("advise", str(path)).stdout.split())  # as read, across wrapped lines
    assert "accepted: Reconciled nightly by finance" in text
    markdown = cli("advise", str(path), "--format", "markdown").stdout
    assert "Accepted: Reconciled nightly by finance" in markdown


def test_control_characters_never_reach_terminals_or_reports(cli: CLI, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    path = tmp_path / "req.yaml"
    path.write_text('version: 1\nsystem: s\ndata: [{name: a}]\n"a\\x01\\e[31mb": 1\n')
    result = cli("advise", str(path))
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "unknown key 'a\\x01\\x1b[31mb'" in result.output
    junit = cli("check", str(path), "--format", "junit").stdout
    ET.fromstring(junit)  # well-formed despite the control characters


def test_diagram_width_is_bounded(cli: CLI) -> None:
    result = cli("diagram", str(ROOT / "examples/order-platform.yaml"), "--width", "1000000")
    assert result.exit_code == 2 and "width too wide" in result.output


def test_advise_refuses_accepting_a_rule_that_does_not_exist(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "req.yaml"
    path.write_text(
        "version: 1\nsystem: shop\ndata: [{name: a}]\n"
        "accept:\n  - {rule: findings.money-last-write-win, reason: typo}\n"
    )
    result = cli("advise", str(path), "--format", "json")
    assert result.exit_code == 2
    assert "no finding rule 'findings.money-last-write-win'" in result.output
    assert "did you mean 'findings.money-last-write-wins'?" in result.output
