"""Findings from predictions are rules: the facts simulate exposes, where those rules run
and where they do not, and the latency profile a requirements file names."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import requirements_from
from typer.testing import Result

from distadvisor.engine import rules
from distadvisor.engine.facts import PREDICTED_TYPES
from distadvisor.engine.functions import round_to
from distadvisor.errors import InputError
from distadvisor.resources import rules_dir
from distadvisor.simulate.data import load_latency
from distadvisor.simulate.findings import facts
from distadvisor.simulate.predict import predict

CLI = Callable[..., Result]
CHAIN = textwrap.dedent("""\
    version: 1
    system: chain
    data: [{name: notes}]
    services:
      - {name: edge, calls: [api]}
      - {name: api, calls: [orders]}
      - {name: orders, calls: [payments]}
      - {name: payments}
    """)
STALE = {
    "data": [
        {
            "name": "views",
            "stale_reads": "bounded",
            "max_staleness_s": 0.0002,
            "design": {
                "datastore": "Cassandra",
                "replication": "leaderless",
                "replication_factor": 3,
                "write_consistency": 1,
                "read_consistency": 1,
            },
        }
    ],
    "services": [{"name": "a", "calls": ["b"]}, {"name": "b", "calls": ["a"]}],
}


def test_simulate_fills_in_exactly_the_facts_the_engine_declares(advise: Any) -> None:
    prediction = predict(advise(STALE), requirements_from(STALE), seed=1, trials=2_000)
    predicted = facts(prediction)
    assert set(predicted.entities) == {"views"} and set(predicted.services) == {"a", "b"}
    assert set(predicted.entities["views"]) == set(PREDICTED_TYPES["entity"])
    assert set(predicted.services["a"]) == set(PREDICTED_TYPES["service"])
    views = predicted.entities["views"]
    assert views["prediction.cheapest_quorum"] == {"n": 3, "w": 1, "r": 2}
    assert 0 < views["prediction.consistent_at_bound"] < 0.999
    # A call cycle has no bound: null, as in the JSON, never an infinity.
    assert predicted.services["a"]["prediction.every_hop"] is None
    assert {f.rule for f in prediction.findings} == {
        "predicted.staleness-bound",
        "predicted.retry-cycle",
    }


def test_check_neither_runs_nor_reports_the_rules_that_read_predictions(
    cli: CLI, tmp_path: Path
) -> None:
    file = tmp_path / "chain.yaml"
    file.write_text(CHAIN)
    checked = json.loads(cli("check", str(file), "--format", "json").stdout)
    [result] = checked["files"]
    assert result["recommendation"]["findings"] == []
    simulated = json.loads(cli("simulate", str(file), "--format", "json").stdout)
    assert [(f["rule"], f["path"]) for f in simulated["findings"]] == [
        ("predicted.retry-amplification", "services[3]")
    ]


def test_a_file_accepts_a_predicted_finding_like_any_other(cli: CLI, tmp_path: Path) -> None:
    file = tmp_path / "chain.yaml"
    file.write_text(CHAIN)
    assert cli("simulate", str(file), "--fail-on", "warning").exit_code == 1
    file.write_text(
        CHAIN + "accept:\n  - {rule: predicted.retry-amplification, "
        "reason: only the edge retries}\n"
    )
    result = cli("simulate", str(file), "--fail-on", "warning", "--format", "json")
    assert result.exit_code == 0, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["suppressed"] and finding["reason"] == "only the edge retries"
    assert cli("check", str(file)).exit_code == 0  # check knows the rule too


def test_the_settings_file_can_ignore_a_predicted_rule(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chain.yaml").write_text(CHAIN)
    (tmp_path / "distadvisor.toml").write_text('ignore = ["predicted.retry"]\n')
    result = cli("simulate", "chain.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize("outcome", ["set: {cap: AP}", "pattern: retry-backoff"])
def test_only_findings_may_read_predictions(tmp_path: Path, outcome: str) -> None:
    (tmp_path / "team.yaml").write_text(
        textwrap.dedent(f"""\
        framework: team
        rules:
          - id: team.reads-a-prediction
            priority: 500
            when: prediction.read_p99_ms > 10
            {outcome}
            message: A message long enough to explain what the rule concludes here.
            references: [a source]
        """)
    )
    with pytest.raises(InputError, match="only findings may read predictions"):
        rules.load([rules_dir(), tmp_path])


def test_the_files_latency_profile_is_used_and_the_flag_overrides_it(
    cli: CLI, tmp_path: Path
) -> None:
    file = tmp_path / "disk.yaml"
    file.write_text(CHAIN.replace("data:", "deployment: {latency_profile: ymmr}\ndata:"))
    by_file = json.loads(cli("simulate", str(file), "--format", "json").stdout)
    flagged = json.loads(
        cli("simulate", str(file), "--format", "json", "--profile", "lnkd-disk").stdout
    )
    unset = tmp_path / "unset.yaml"
    unset.write_text(CHAIN)
    default = json.loads(cli("simulate", str(unset), "--format", "json").stdout)
    assert (by_file["profile"], flagged["profile"], default["profile"]) == (
        "ymmr",
        "lnkd-disk",
        "lnkd-ssd",
    )
    # Yammer's disks are slower than LinkedIn's SSDs: the profile really is drawn from.
    slow = by_file["entities"]["notes"]["latency_ms"]["write"]["p99"]
    assert slow > default["entities"]["notes"]["latency_ms"]["write"]["p99"]


def test_a_bad_latency_profile_in_the_file_is_located_bad_input(cli: CLI, tmp_path: Path) -> None:
    file = tmp_path / "typo.yaml"
    file.write_text(CHAIN.replace("data:", "deployment: {latency_profile: lnkd-sdd}\ndata:"))
    for command in ("simulate", "check"):
        result = cli(command, str(file))
        assert result.exit_code == 2
        assert "typo.yaml:3" in result.output and "deployment.latency_profile" in result.output
        assert "lnkd-ssd" in result.output and "Traceback" not in result.output


def test_latency_data_must_offer_the_profiles_a_file_may_name(tmp_path: Path) -> None:
    shipped = (rules_dir() / "data" / "latency.yaml").read_text()
    cut = tmp_path / "latency.yaml"
    cut.write_text(shipped[: shipped.index("  ymmr:")] + "cross_zone_one_way_ms: 0.5\n")
    with pytest.raises(InputError, match="profiles differ"):
        load_latency(cut)


def test_round_keeps_the_digits_asked_for_and_stays_total() -> None:
    assert round_to(99.987654, 2) == 99.99
    assert round_to(0.123456, 0) == 0.0
    assert round_to(None, 2) is None
    assert round_to(float("inf"), 2) is None
    assert round_to(1.5, -1) is None
