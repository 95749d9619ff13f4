"""Scaffold writes are all or nothing, and options and names are bounded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from distadvisor.errors import InputError
from distadvisor.scaffold.options import validate_name
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options


def test_a_failed_move_puts_everything_back(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "b.py").write_text("old b\n")
    real_replace = os.replace

    def failing(src: object, dst: object) -> None:
        if str(src).endswith(".tmp") and str(dst).endswith("/b.py"):  # new b cannot land
            raise PermissionError(1, "Operation not permitted", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(InputError, match=r"b\.py: cannot write"):
        write_files({"a.py": "new a\n", "b.py": "new b\n"}, tmp_path, force=True)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.py"]
    assert (tmp_path / "b.py").read_text() == "old b\n"


def test_overwriting_with_force_leaves_no_backups(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("old\n")
    write_files({"a.py": "new\n"}, tmp_path, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]
    assert (tmp_path / "a.py").read_text() == "new\n"


def test_names_pytest_would_collect_are_refused() -> None:
    with pytest.raises(InputError, match="collected by pytest"):
        validate_name("TestBreaker")


@pytest.mark.parametrize(
    ("pattern", "option", "value"),
    [("circuit-breaker", "failure_threshold", "99999999999999999999"),
     ("consistent-hash", "vnodes", "100000000000"), ("saga", "max_attempts", "1000")],
)
def test_options_that_would_make_generated_tests_endless_are_refused(
    pattern: str, option: str, value: str
) -> None:
    spec = load_patterns()[pattern]
    raw = {option: value} | ({"steps": "a,b"} if pattern == "saga" else {})
    with pytest.raises(InputError, match="out of range"):
        resolve_options(spec, raw)


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_special_files_are_never_replaced(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "a.py"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        (tmp_path / "real.py").write_text("real\n")
        target.symlink_to(tmp_path / "real.py")
    with pytest.raises(InputError, match="not a regular file"):
        write_files({"a.py": "new\n"}, tmp_path, force=True)
    assert target.is_symlink() if kind == "symlink" else not target.is_file()
