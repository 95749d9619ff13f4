"""`distadvisor check`: many files in one run, exit codes, suppressions, CI formats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from distadvisor import pipeline as check
from distadvisor.engine import rules
from distadvisor.render import escape

ROOT = Path(__file__).resolve().parent.parent
CLI = Callable[..., Result]

CLEAN = "version: 1\nsystem: clean\ndata:\n  - {name: notes}\n"
WARNING = (
    "version: 1\nsystem: warn\ndata:\n  - {name: notes}\n"
    "availability: {node_failures_tolerated: 0, target: 99}\n"
)
ERROR = (
    "version: 1\nsystem: err\ndata:\n"
    "  - name: balance\n    money: true\n    conflicts: last-write-wins\n"
)
BAD = "version: 1\nsystem: bad\ndata:\n  - {name: a, stale_reads: sometimes}\n"
ACCEPTED = ERROR + (
    "accept:\n  - rule: findings.money-last-write-wins\n"
    "    reason: balances are rebuilt nightly from the ledger\n    path: data[0]\n"
)


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("files", "fail_on", "code"),
    [
        ({"a.yaml": CLEAN}, "error", 0),
        ({"a.yaml": CLEAN}, "info", 0),
        ({"a.yaml": WARNING}, "error", 0),
        ({"a.yaml": WARNING}, "warning", 1),
        ({"a.yaml": ERROR, "b.yaml": CLEAN}, "error", 1),
        ({"a.yaml": ERROR, "b.yaml": BAD}, "error", 2),
        ({"a.yaml": BAD}, "info", 2),
        ({"a.yaml": ACCEPTED}, "info", 0),
    ],
    ids=[
        "clean",
        "clean-info",
        "warning",
        "warning-fails",
        "error",
        "bad-and-error",
        "bad",
        "accepted",
    ],
)
def test_exit_codes(
    cli: CLI, tmp_path: Path, files: dict[str, str], fail_on: str, code: int
) -> None:
    write(tmp_path, **files)
    result = cli("check", str(tmp_path), "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_a_bad_file_is_reported_and_the_others_still_checked(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a-bad.yaml": BAD, "b-error.yaml": ERROR, "c-clean.yaml": CLEAN})
    result = cli("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [f["status"] for f in doc["files"]] == ["bad-input", "failed", "passed"]
    [problem] = doc["files"][0]["problems"]
    assert (problem["line"], problem["column"], problem["path"]) == (4, 28, "data[0].stale_reads")
    assert "found 'sometimes'" in problem["text"]
    [finding] = doc["files"][1]["recommendation"]["findings"]
    assert finding["rule"] == "findings.money-last-write-wins"
    assert (finding["line"], finding["column"]) == (6, 16)  # the conflicts value
    assert doc["summary"] | {} == {
        "files": 3,
        "passed": 1,
        "failed": 1,
        "bad_input": 1,
        "error": 1,
        "warning": 0,
        "info": 0,
        "suppressed": 0,
    }
    assert doc["exit_code"] == 2


def test_directories_take_requirements_files_only(tmp_path: Path) -> None:
    write(
        tmp_path,
        **{
            "req.yaml": CLEAN,
            "compose.yaml": "version: '3'\nservices: {}\n",
            "notes.txt": CLEAN,
            "ci.yml": "on: push\n",
        },
    )
    nested = tmp_path / "sub"
    nested.mkdir()
    write(nested, **{"more.yml": CLEAN})
    hidden = tmp_path / ".venv"
    hidden.mkdir()
    write(hidden, **{"skip.yaml": CLEAN})
    files, problems = check.discover([str(tmp_path)])
    assert files == [str(tmp_path / "req.yaml"), str(nested / "more.yml")]
    assert problems == []


def test_globs_and_named_files(tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": CLEAN, "b.yaml": CLEAN, "other.yaml": "x: 1\n"})
    files, _ = check.discover([str(tmp_path / "*.yaml"), str(tmp_path / "a.yaml")])
    assert files == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]  # once each
    # a file named on its own is checked even when it does not look like requirements...
    files, _ = check.discover([str(tmp_path / "other.yaml")])
    assert files == [str(tmp_path / "other.yaml")]
    # ...unless a hook asks to filter named files too
    files, _ = check.discover([str(tmp_path / "other.yaml")], only_requirements=True)
    assert files == []


def test_targets_naming_nothing_are_bad_input(cli: CLI, tmp_path: Path) -> None:
    result = cli("check", str(tmp_path / "*.yaml"), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "no requirements files match this pattern" in result.stdout
    assert "missing.yaml: file not found" in result.stdout


def test_rules_load_once_per_run(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = rules.load
    monkeypatch.setattr(rules, "load", lambda folders: calls.append(1) or real(folders))
    monkeypatch.setenv("DISTADVISOR_NO_CACHE", "1")  # loaded, not read from the cache
    write(tmp_path, **{f"r{i}.yaml": CLEAN for i in range(5)})
    assert cli("check", str(tmp_path)).exit_code == 0
    assert len(calls) == 1


def test_bad_rules_folder_is_exit_2(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": CLEAN})
    result = cli("check", str(tmp_path), "--rules", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "rules folder not found" in result.stderr


# --- suppressions ----------------------------------------------------------------------


def test_an_accepted_finding_is_reported_as_suppressed(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": ACCEPTED})
    result = cli("check", str(tmp_path), "--format", "json", "--fail-on", "info")
    assert result.exit_code == 0
    [finding] = json.loads(result.stdout)["files"][0]["recommendation"]["findings"]
    assert finding["suppressed"] is True
    assert finding["reason"] == "balances are rebuilt nightly from the ledger"
    text = cli("check", str(tmp_path)).stdout
    assert "suppressed error findings.money-last-write-wins" in text
    assert "1 suppressed" in text


def test_an_acceptance_scoped_to_another_path_suppresses_nothing(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": ACCEPTED.replace("path: data[0]", "path: data[1]")})
    result = cli("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["files"][0]["recommendation"]["findings"]
    assert "suppressed" not in finding


def test_accepting_an_unknown_rule_is_bad_input(cli: CLI, tmp_path: Path) -> None:
    write(
        tmp_path,
        **{
            "a.yaml": ACCEPTED.replace(
                "findings.money-last-write-wins", "findings.money-last-write-win"
            )
        },
    )
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert "accept[0].rule: no finding rule 'findings.money-last-write-win'" in result.stdout
    assert "did you mean 'findings.money-last-write-wins'?" in result.stdout


def test_an_acceptance_needs_a_reason(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": ERROR + "accept:\n  - {rule: findings.money-last-write-wins}\n"})
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert "accept[0].reason: missing required field 'reason'" in result.stdout


# --- formats ---------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape.github_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape.github_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_annotations(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, **{"a.yaml": ERROR, "b.yaml": WARNING, "c.yaml": BAD, "d.yaml": ACCEPTED})
    lines = cli("check", ".", "--format", "github").stdout.splitlines()
    assert (
        "::error file=a.yaml,line=6,col=16,title=findings.money-last-write-wins::"
        "balance holds money"
    ) in "\n".join(lines)
    assert any(
        line.startswith("::warning file=b.yaml,line=5,col=41,title=findings.no-failure-tolerated::")
        for line in lines
    )
    assert any(
        line.startswith("::error file=c.yaml,line=4,col=28,title=distadvisor%3A bad input::")
        for line in lines
    )
    assert any(
        line.startswith(
            "::notice file=d.yaml,line=6,col=16,title=findings.money-last-write-wins (suppressed)::"
        )
        for line in lines
    )
    assert all("\n" not in line for line in lines)


def test_markdown_comment(cli: CLI, tmp_path: Path) -> None:
    write(tmp_path, **{"a.yaml": ERROR, "b.yaml": CLEAN, "c.yaml": ACCEPTED})
    out = cli("check", str(tmp_path), "--format", "markdown").stdout
    assert out.startswith("## distadvisor check: failed\n")
    assert "| error |" in out and "`findings.money-last-write-wins`" in out
    assert "<details><summary>1 accepted</summary>" in out
    assert "Accepted because: balances are rebuilt nightly from the ledger" in out
    assert "b.yaml" not in out  # clean files are not listed


def test_shipped_examples_check_as_documented(cli: CLI) -> None:
    result = cli("check", str(ROOT / "examples"), "--format", "json")
    doc = json.loads(result.stdout)
    status = {Path(f["file"]).name: f["status"] for f in doc["files"]}
    assert status == {
        "drift-cassandra.yaml": "failed",
        "multi-region-ledger.yaml": "failed",
        "order-platform.yaml": "passed",
        "social-feed.yaml": "failed",
    }
    assert result.exit_code == 1
