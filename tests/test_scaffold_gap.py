"""The generation gap: `scaffold update` and `scaffold check` rewrite or report the
files the tool owns and never touch the file the user filled in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scaffold_import import import_generated
from test_scaffolder import assert_bad_input, run_scaffold

from distadvisor.cli import scaffold as scaffold_cli
from distadvisor.resources import templates_dir
from distadvisor.scaffold import gap
from distadvisor.scaffold.render import render
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options

FILLED_IN = '''

def on_call_rejected() -> None:
    """Mine: page whoever is on call."""
'''


# Options a pattern cannot do without, for the cases run over every pattern.
REQUIRED = {"saga": ("--steps", "reserve,charge")}


def scaffold(out: Path, pattern: str, name: str, *options: str) -> None:
    outcome = run_scaffold(pattern, "--name", name, "--out", str(out), *options)
    assert outcome.exit_code == 0, outcome


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time: what a write would change."""
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.iterdir()
        if path.is_file()
    }


@pytest.mark.parametrize("pattern", sorted(load_patterns()))
def test_update_refreshes_the_base_and_keeps_the_edited_user_file(
    pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    out = tmp_path / "src"
    scaffold(out, pattern, "GapCheck", *REQUIRED.get(pattern, ()))
    assert sorted(path.name for path in out.iterdir()) == [
        "_gap_check_base.py",
        "gap_check.py",
        "test_gap_check.py",
    ]
    base, user = out / "_gap_check_base.py", out / "gap_check.py"
    user.write_text(user.read_text() + FILLED_IN)
    mine = user.read_bytes()

    before = snapshot(out)
    outcome = run_scaffold("update", str(out))
    assert outcome.exit_code == 0, outcome
    assert outcome.stdout == "every generated file is up to date\n"
    assert snapshot(out) == before

    template = templates / pattern / "base.py.j2"
    template.write_text(template.read_text() + "\nTEMPLATE_FIX = 1\n")
    monkeypatch.setattr(scaffold_cli, "_patterns", lambda: load_patterns(templates))
    assert run_scaffold("check", str(out)).exit_code == 1
    outcome = run_scaffold("update", str(out))
    assert outcome.exit_code == 0, outcome
    assert outcome.stdout == f"wrote {base}\n"
    assert base.read_text().endswith("\nTEMPLATE_FIX = 1\n")
    assert user.read_bytes() == mine
    assert run_scaffold("check", str(out)).exit_code == 0
    # The edited module runs on the refreshed base: the class users import is theirs.
    module = import_generated(out, "gap_check")
    assert [cls.__name__ for cls in module.GapCheck.__mro__[:2]] == ["GapCheck", "GapCheckBase"]
    assert callable(module.on_call_rejected)


def test_update_after_a_template_change_keeps_the_user_file_byte_for_byte(
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    out = tmp_path / "src"
    spec = load_patterns(templates)["circuit-breaker"]
    options = resolve_options(spec, {"policy": "rate", "failure_threshold": 7})
    write_files(render(spec, "PaymentsBreaker", options), out)
    user = out / "payments_breaker.py"
    user.write_bytes(user.read_bytes().replace(b"\n", b"\r\n") + FILLED_IN.encode())
    mine = user.read_bytes()

    base_template = templates / "circuit-breaker" / "base.py.j2"
    base_template.write_text(base_template.read_text() + "\nTEMPLATE_FIX = 1\n")
    patterns = load_patterns(templates)
    found = gap.find(tmp_path, patterns)
    assert [(s.class_name, s.options) for s in found] == [("PaymentsBreaker", options)]
    drift = gap.drift(found)
    assert sorted(drift.outdated) == [out / "_payments_breaker_base.py"]
    assert drift.missing_user_files == {}

    for path, content in drift.outdated.items():
        write_files({path.name: content}, path.parent, force=True)
    assert "TEMPLATE_FIX = 1" in (out / "_payments_breaker_base.py").read_text()
    assert user.read_bytes() == mine
    assert gap.drift(gap.find(tmp_path, patterns)).outdated == {}


def test_check_reports_outdated_bases_and_update_fixes_them(tmp_path: Path) -> None:
    scaffold(
        tmp_path / "a",
        "circuit-breaker",
        "PaymentsBreaker",
        "--state",
        "redis",
        "--failure-threshold",
        "3",
    )
    scaffold(tmp_path / "b", "consistent-hash", "CacheRing", "--bounded-loads")
    user = tmp_path / "a" / "payments_breaker.py"
    user.write_text(user.read_text() + FILLED_IN)
    mine = user.read_bytes()
    assert run_scaffold("check", str(tmp_path)).exit_code == 0

    base = tmp_path / "a" / "_payments_breaker_base.py"
    fresh = base.read_text()
    base.write_text(fresh.replace("import math\n", "import math  # an old version\n"))
    (tmp_path / "b" / "test_cache_ring.py").unlink()
    outcome = run_scaffold("check", str(tmp_path))
    assert outcome.exit_code == 1
    assert f"outdated: {base}" in outcome.stdout
    assert f"outdated: {tmp_path / 'b' / 'test_cache_ring.py'}" in outcome.stdout
    assert "scaffold update" in outcome.stderr

    outcome = run_scaffold("update", str(tmp_path))
    assert outcome.exit_code == 0, outcome
    assert base.read_text() == fresh
    assert "--state redis" in fresh and "--failure-threshold 3" in fresh
    assert (tmp_path / "b" / "test_cache_ring.py").is_file()
    assert user.read_bytes() == mine
    assert run_scaffold("check", str(tmp_path)).exit_code == 0


def test_update_creates_a_missing_user_file_and_check_reports_it(tmp_path: Path) -> None:
    scaffold(tmp_path, "consistent-hash", "CacheRing")
    (tmp_path / "cache_ring.py").unlink()
    outcome = run_scaffold("check", str(tmp_path))
    assert outcome.exit_code == 1
    assert f"missing: {tmp_path / 'cache_ring.py'}" in outcome.stdout
    assert run_scaffold("update", str(tmp_path)).exit_code == 0
    assert (tmp_path / "cache_ring.py").is_file()


def test_files_the_user_owns_from_the_start_are_never_updated(tmp_path: Path) -> None:
    """A module without the gap's header (`edit freely`) is the user's: not ours."""
    (tmp_path / "mine.py").write_text("# Generated by distadvisor 0.0.1; edit freely.\n")
    assert_bad_input(run_scaffold("update", str(tmp_path)), "no files", "scaffold update")


def test_bad_input_exits_2(tmp_path: Path) -> None:
    assert_bad_input(run_scaffold("check", str(tmp_path / "missing")), "not a directory")
    assert_bad_input(run_scaffold("check", str(tmp_path)), "no files")
    scaffold(tmp_path, "consistent-hash", "CacheRing")
    base = tmp_path / "_cache_ring_base.py"
    base.write_text(base.read_text().replace("--vnodes 160", "--vnodes many", 1))
    assert_bad_input(run_scaffold("check", str(tmp_path)), "--vnodes", "not an integer")
    base.write_text(base.read_text().replace("--vnodes many", "--vnodez 1", 1))
    assert_bad_input(run_scaffold("update", str(tmp_path)), "unknown flag", "--vnodez")
