"""The first screen tells the answer, and the command line behaves like the tools its
users live in: --version, completion, settings in pyproject.toml, --select/--ignore,
.gitignore-aware discovery, several reports from one run, SARIF that reads well."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT
from test_check_reports import SARIF_SCHEMA
from typer.testing import CliRunner, Result

from distadvisor import __version__
from distadvisor.cli.main import app
from distadvisor.engine.selection import Selection
from distadvisor.model import requirements
from distadvisor.render.rule_page import pages
from distadvisor.resources import rules_dir

RUNNER = CliRunner()


def run(*args: str, columns: int = 80) -> Result:
    return RUNNER.invoke(app, list(args), env={"COLUMNS": str(columns)}, catch_exceptions=False)


# --------------------------------------------------------------------------- advise


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_advise_opens_with_the_verdict_and_fits_a_screen(example: Path) -> None:
    req = requirements.load(str(example))
    result = run("advise", str(example))
    lines = result.stdout.splitlines()
    state = "failed" if result.exit_code == 1 else "passed"
    assert lines[0].startswith(f"{state} {req.system}: "), lines[0]
    assert " errors, " in lines[0] and " warnings, " in lines[0]
    # Every kind of data heads a row of the table within the first 25 lines.
    for entity in req.data:
        assert any(line.split()[:1] == [entity.name] for line in lines[:25]), entity.name
    assert len(lines) <= 60
    assert max(len(line) for line in lines) <= 80


def test_advise_findings_are_located_and_detail_gives_the_reasoning() -> None:
    path = ROOT / "examples/multi-region-ledger.yaml"
    short = run("advise", str(path))
    flat = " ".join(short.stdout.split())
    spot = r"examples/multi-region-ledger\.yaml:\d+:\d+:"
    assert re.search(f"{spot} error findings.strong-writes-beyond-budget", flat)
    assert "consistency.money" not in short.stdout  # reasons wait for --detail
    detail = run("advise", str(path), "--detail")
    assert detail.exit_code == 1
    for word in ("consistency.money", "holds money", "Replication", "transfer"):
        assert word in detail.stdout
    assert len(detail.stdout.splitlines()) > 3 * len(short.stdout.splitlines())
    assert run("advise", str(path), "-v").stdout == detail.stdout


def test_advise_failing_says_why_on_stderr() -> None:
    result = run("advise", str(ROOT / "examples/multi-region-ledger.yaml"), "--format", "json")
    assert result.exit_code == 1
    json.loads(result.stdout)  # stdout stays the contract's JSON
    [line] = result.stderr.splitlines()
    assert line.startswith("distadvisor: failed ledger: 3 errors")


def test_quiet_prints_only_the_verdict_and_findings() -> None:
    result = run("advise", str(ROOT / "examples/order-platform.yaml"), "-q")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("passed order-platform: ")
    assert "findings.external-unprotected" in lines[1]
    assert not any(line.startswith(("Data", "Patterns")) for line in lines)


LONG_NAMES = """
version: 1
system: long-names
deployment: {regions: [westeurope, northeurope, eastus2], writes_from: all-regions}
data:
  - {name: per_tenant_comment_thread, ordering: causal, conflicts: merge, size_gb: 100}
  - {name: search, access: search, stale_reads: bounded, max_staleness_s: 10, size_gb: 800}
  - {name: c, access: counter, conflicts: merge, size_gb: 5, writes_per_sec: 800000}
"""


def test_the_first_store_wraps_only_between_words(tmp_path: Path) -> None:
    """Store names wrap at their spaces, never inside a word, beside long data names."""
    path = tmp_path / "long-names.yaml"
    path.write_text(LONG_NAMES, encoding="utf-8")
    columns = 80
    result = run("advise", str(path), columns=columns)
    rec = requirements.load(str(path))
    words = result.stdout.split()
    assert max(len(line) for line in result.stdout.splitlines()) <= columns
    firsts = [
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.split()[:1] in ([e.name] for e in rec.data)
    ]
    assert firsts == [e.name for e in rec.data]  # each name whole, heading its row
    for name in ("Redis Enterprise Active-Active", "Elasticsearch / OpenSearch"):
        assert all(word in words for word in name.split()), (name, result.stdout)


# --------------------------------------------------------------------------- conventions


def test_check_quiet_and_verbose() -> None:
    path = str(ROOT / "examples/order-platform.yaml")
    normal = run("check", path).stdout.splitlines()
    assert run("check", path, "-q").stdout.splitlines() == normal[:-1]  # no summary
    assert run("check", path, "-v").stdout.splitlines() == [f"{path}: passed", *normal]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"distadvisor {__version__}\n"


def test_shell_completion_through_typer() -> None:
    exe = shutil.which("distadvisor", path=str(Path(sys.executable).parent))
    assert exe is not None
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "_DISTADVISOR_COMPLETE": "complete_bash",
        "COMP_WORDS": "distadvisor check --fo",
        "COMP_CWORD": "2",
    }
    done = subprocess.run([exe], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["--format"]
    assert "--install-completion" in run("--help").stdout


def test_select_and_ignore_by_prefix() -> None:
    assert Selection(("findings",), ("findings.local",)).keeps("findings.money-last-write-wins")
    assert not Selection(("findings",), ("findings.local",)).keeps("findings.local-transaction")
    assert not Selection(("findings",)).keeps("design.unknown-level")
    assert Selection((), ("design",)).keeps("findings.local-transaction")
    assert Selection(("design.unknown-level",), ("design",)).keeps("design.unknown-level")
    path = str(ROOT / "examples/multi-region-ledger.yaml")
    result = run("check", path, "--select", "findings.local", "--format", "json")
    found = json.loads(result.stdout)["files"][0]["recommendation"]["findings"]
    assert [f["rule"] for f in found] == ["findings.local-transaction"] and result.exit_code == 0
    ignored = run("advise", path, "--ignore", "findings.strong", "--ignore", "findings.forwarded")
    assert ignored.exit_code == 0 and "beyond-budget" not in ignored.stdout
    typo = run("check", path, "--ignore", "findings.strong-write-beyond")
    assert typo.exit_code == 2 and "matches no finding rule" in typo.stderr


def test_pyproject_settings_and_flags_winning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples/order-platform.yaml", tmp_path / "shop.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.distadvisor]\nfail-on = "warning"\n'
        'ignore = ["findings.local"]\n'
    )
    assert run("check", "shop.yaml").exit_code == 1  # the warning fails, per the settings
    assert run("check", "shop.yaml", "--fail-on", "error").exit_code == 0  # the flag wins
    (tmp_path / "pyproject.toml").write_text(
        '[tool.distadvisor]\nfail-on = "warning"\nignore = ["findings.external"]\n'
    )
    assert run("check", "shop.yaml").exit_code == 0
    # distadvisor.toml beside it comes first; a bad setting is bad input.
    (tmp_path / "distadvisor.toml").write_text('fail_on = "warning"\n')
    bad = run("check", "shop.yaml")
    assert bad.exit_code == 2 and "unknown setting 'fail_on'" in bad.stderr
    assert "did you mean 'fail-on'" in bad.stderr


def test_check_skips_gitignored_and_excluded_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    (tmp_path / "reqs" / "build").mkdir(parents=True)
    (tmp_path / "reqs" / "vendor").mkdir()
    for name in ("shop.yaml", "build/copy.yaml", "vendor/theirs.yaml"):
        shutil.copy(ROOT / "examples/order-platform.yaml", tmp_path / "reqs" / name)
    (tmp_path / ".gitignore").write_text("build/\n")

    def checked(*args: str) -> list[str]:
        doc = json.loads(run("check", *args, "--format", "json").stdout)
        return [f["file"] for f in doc["files"]]

    assert checked("reqs") == ["reqs/shop.yaml", "reqs/vendor/theirs.yaml"]
    assert checked("reqs", "--exclude", "vendor") == ["reqs/shop.yaml"]
    # A file named on the command line is always checked.
    assert checked("reqs/build/copy.yaml") == ["reqs/build/copy.yaml"]


def test_one_run_writes_several_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples/drift-cassandra.yaml", tmp_path / "drift.yaml")
    result = run(
        "check",
        "drift.yaml",
        "--output",
        "sarif=out.sarif",
        "-o",
        "junit=out.xml",
        "-o",
        "gitlab=quality.json",
    )
    assert result.exit_code == 1 and "drift.yaml:27:18: error" in result.stdout
    jsonschema.validate(json.loads((tmp_path / "out.sarif").read_text()), SARIF_SCHEMA)
    assert (tmp_path / "out.xml").read_text().startswith("<?xml")
    quality = json.loads((tmp_path / "quality.json").read_text())
    assert {q["check_name"] for q in quality} >= {"design.quorums-do-not-overlap"}
    assert all(
        q["location"]["path"] == "drift.yaml" and len(q["fingerprint"]) == 32 for q in quality
    )
    bad = run("check", "drift.yaml", "--output", "pdf=x.pdf", "-o", "sarif=nowhere/x.sarif")
    assert bad.exit_code == 2 and "pdf=x.pdf" in bad.stderr and "nowhere/x.sarif" in bad.stderr


# --------------------------------------------------------------------------- SARIF


def test_sarif_reads_well_from_a_subfolder_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "svc" / "design").mkdir(parents=True)
    shutil.copy(ROOT / "examples/drift-cassandra.yaml", tmp_path / "svc/design/drift.yaml")
    monkeypatch.chdir(tmp_path / "svc")
    first = json.loads(run("check", "design", "--format", "sarif").stdout)
    jsonschema.validate(first, SARIF_SCHEMA)
    [sarif_run] = first["runs"]
    for rule in sarif_run["tool"]["driver"]["rules"]:
        texts = [
            rule["shortDescription"]["text"],
            rule["fullDescription"]["text"],
            rule["help"]["text"],
        ]
        assert not any("{" in text for text in texts), rule["id"]
        assert rule["helpUri"].startswith("https://")
    assert sarif_run["tool"]["driver"]["informationUri"].startswith("https://github.com/")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif_run["results"]
    }
    assert uris == {"svc/design/drift.yaml"}
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    # The same findings fingerprint alike from anywhere, and after lines move.
    monkeypatch.chdir(tmp_path)
    text = (tmp_path / "svc/design/drift.yaml").read_text()
    (tmp_path / "svc/design/drift.yaml").write_text("# moved down\n" + text)
    second = json.loads(run("check", "svc", "--format", "sarif").stdout)

    def prints(doc: dict[str, object]) -> list[str]:
        return [
            r["partialFingerprints"]["distadvisor/v1"]  # type: ignore[index]
            for r in doc["runs"][0]["results"]
        ]  # type: ignore[index]

    assert prints(first) == prints(second) and len(set(prints(first))) == len(prints(first))
    assert (
        run("check", "svc", "--format", "sarif", "--root", "svc").stdout.count(
            '"uri": "design/drift.yaml"'
        )
        >= 1
    )


def test_sarif_on_bad_input_is_not_a_successful_execution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("version: 1\nsystem: s\ndata: [{name: a, x: 1}]\n")
    doc = json.loads(run("check", "bad.yaml", "--format", "sarif").stdout)
    [invocation] = doc["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": False, "exitCode": 2}


# --------------------------------------------------------------------------- rules


def test_rule_pages_are_generated_from_the_rules(ruleset: object) -> None:
    from distadvisor.cli.common import load_ruleset

    expected = pages(load_ruleset(None))
    folder = ROOT / "docs" / "rules"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(n for n in expected.keys() | on_disk.keys() if expected.get(n) != on_disk.get(n))
    assert not stale, f"run `distadvisor rules docs` to refresh docs/rules/: {stale[:5]}"
    assert rules_dir().is_dir()


def test_rules_list_never_cuts_an_id() -> None:
    table = run("rules", "list", columns=60).stdout
    rows = json.loads(run("rules", "list", "--format", "json").stdout)
    assert len(rows) > 50
    for row in rows:
        assert row["id"] in table and "{" not in row["summary"]


def test_rules_show_prints_an_example_that_fires_it(tmp_path: Path) -> None:
    shown = run("rules", "show", "findings.money-last-write-wins").stdout
    example = shown.split("from its fixtures):\n", 1)[1]
    path = tmp_path / "example.yaml"
    path.write_text("\n".join(line[4:] for line in example.splitlines()) + "\n")
    fired = json.loads(run("advise", str(path), "--format", "json").stdout)
    assert "findings.money-last-write-wins" in {f["rule"] for f in fired["findings"]}


# --------------------------------------------------------------------------- ADR


def test_decision_record_has_mermaid_and_the_options_that_lost() -> None:
    adr = run("advise", str(ROOT / "examples/order-platform.yaml"), "--format", "markdown").stdout
    assert adr.count("```mermaid\nflowchart LR") >= 5  # replication per kind, service calls
    assert "```mermaid\nstateDiagram-v2" in adr and '"compensate reserve_inventory"' in adr
    assert adr.count("```text") >= adr.count("```mermaid\nflowchart LR") - 1  # ASCII beside
    section = adr.split("### inventory", 1)[1].split("### ", 1)[0]
    assert "Options considered:" in section
    assert "- Consistency bounded-staleness (`consistency.bounded`): priority 85, below" in section
    # The JSON contract is unchanged: the options are data for the record only.
    contract = run("advise", str(ROOT / "examples/order-platform.yaml"), "--format", "json")
    assert "considered" not in contract.stdout


def test_mermaid_labels_cannot_break_out() -> None:
    from distadvisor.render.mermaid import label

    assert label('a"]; click x call alert()<b>#') == (
        '"a#quot;]#59; click x call alert()#lt;b#gt;#35;"'
    )
