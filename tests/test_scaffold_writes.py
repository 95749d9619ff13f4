"""Scaffold writes are all or nothing, and options and names are bounded."""

from __future__ import annotations

import errno
import itertools
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from distadvisor.errors import InputError
from distadvisor.scaffold.options import validate_name
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options


def test_a_failed_move_puts_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b.py").write_text("old b\n")
    real_replace = os.replace

    def failing(src: str, dst: str, **folders: int) -> None:
        if src.endswith(".tmp") and Path(dst).name == "b.py":  # new b cannot land
            raise PermissionError(1, "Operation not permitted", dst)
        real_replace(src, dst, **folders)

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
    [
        ("circuit-breaker", "failure_threshold", "99999999999999999999"),
        ("consistent-hash", "vnodes", "100000000000"),
        ("saga", "max_attempts", "1000"),
    ],
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


# --- writes that cannot race ---------------------------------------------------------------

FLIPS = 150


def test_swapping_out_between_a_folder_and_a_link_never_replaces_a_file(
    tmp_path: Path,
) -> None:
    """`--out` is `cur/o`: `cur` flips atomically between a parent where `o` is a folder
    holding the file already, and one where `o` is a link to an empty folder. Each write
    either lands whole in the folder it opened, named by its real path, or is refused."""
    kept = tmp_path / "p1" / "o"
    kept.mkdir(parents=True)
    (kept / "a.py").write_text("keep\n")
    elsewhere = (tmp_path / "elsewhere").resolve()
    elsewhere.mkdir()
    (tmp_path / "p2").mkdir()
    (tmp_path / "p2" / "o").symlink_to(elsewhere)
    cur = tmp_path / "cur"
    cur.symlink_to(tmp_path / "p1")
    stop = threading.Event()

    def flip() -> None:
        for turn in itertools.count():
            if stop.is_set():
                return
            new = tmp_path / f"cur.{turn}"
            new.symlink_to(tmp_path / ("p2" if turn % 2 == 0 else "p1"))
            os.replace(new, cur)
            time.sleep(0.0002)  # a flip now and then, so a write often spans one

    outcomes: list[str] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # let the flips fall between the steps of a write
    flipper = threading.Thread(target=flip, daemon=True)
    flipper.start()
    try:
        for _ in range(FLIPS):
            try:
                [path] = write_files({"a.py": "new\n"}, cur / "o")
            except InputError as error:
                assert "a.py: file already exists" in str(error)
                outcomes.append("refused")
            else:
                assert path == elsewhere / "a.py"  # the real folder, not the link
                assert path.read_text() == "new\n"
                path.unlink()
                outcomes.append("written")
            assert (kept / "a.py").read_text() == "keep\n"
    finally:
        stop.set()
        flipper.join()
        sys.setswitchinterval(interval)
    assert len(outcomes) == FLIPS
    assert sorted(p.name for p in kept.iterdir()) == ["a.py"]
    assert list(elsewhere.iterdir()) == []


def test_a_file_that_appears_after_the_check_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check and the write are apart in time; a file created between them stays."""
    real_link = os.link

    def racing(src: str, dst: str, **folders: int) -> None:
        (tmp_path / "a.py").write_text("theirs\n")
        real_link(src, dst, **folders)

    monkeypatch.setattr(os, "link", racing)
    with pytest.raises(InputError, match=r"a\.py: file already exists"):
        write_files({"a.py": "ours\n"}, tmp_path)
    assert (tmp_path / "a.py").read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


@pytest.mark.parametrize("existing", [False, True])
def test_without_hard_links_a_name_is_still_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """On a file system without link(), the name is created exclusively instead."""

    def no_links(src: str, dst: str, **folders: int) -> None:
        if existing:  # appears between the check and the write
            (tmp_path / "a.py").write_text("theirs\n")
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    if existing:
        with pytest.raises(InputError, match=r"a\.py: file already exists"):
            write_files({"a.py": "ours\n"}, tmp_path)
    else:
        write_files({"a.py": "ours\n"}, tmp_path)
    assert (tmp_path / "a.py").read_text() == ("theirs\n" if existing else "ours\n")
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


@pytest.mark.parametrize("force", [False, True])
def test_a_file_swapped_for_a_link_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("victim\n")
    out = tmp_path / "out"
    out.mkdir()
    real_stat = os.stat
    swapped = False

    def stat_then_swap(path: str, **kwargs: object) -> os.stat_result:
        nonlocal swapped
        result = real_stat(path, **kwargs)  # type: ignore[arg-type]
        if path == "a.py" and not swapped:  # right after the check, a link takes its place
            swapped = True
            (out / "a.py").symlink_to(victim)
        return result

    monkeypatch.setattr(os, "stat", stat_then_swap)
    try:
        write_files({"a.py": "new\n"}, out, force=force)
    except InputError as error:
        assert not force and "already exists" in str(error)
    monkeypatch.undo()
    assert victim.read_text() == "victim\n"
    assert not any(p.name.endswith((".tmp", ".old")) for p in out.iterdir())


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("fsync", OSError(errno.ENOSPC, "No space left on device")),
        ("link", PermissionError(errno.EACCES, "Permission denied")),
        ("open", PermissionError(errno.EACCES, "Permission denied")),
        ("mkdir", PermissionError(errno.EACCES, "Permission denied")),
    ],
)
def test_a_full_or_forbidden_disk_leaves_nothing_behind(
    cli: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    call: str,
    error: OSError,
) -> None:
    out = tmp_path / "new" / "folder"
    real = getattr(os, call)

    def failing(*args: object, **kwargs: object) -> object:
        if call != "open" or str(args[0]).endswith(".tmp"):
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, failing)
    result = cli("scaffold", "circuit-breaker", "--name", "PayBreaker", "--out", str(out))
    monkeypatch.undo()
    assert result.exit_code == 2
    assert f"cannot write: {error.strerror}" in result.output
    assert list(tmp_path.iterdir()) == []  # not even the folders made for it


@pytest.mark.parametrize("command", ["scaffold", "advise"])
def test_out_through_a_link_names_the_real_folder(
    cli: Callable[..., Result], tmp_path: Path, command: str
) -> None:
    real = (tmp_path / "real").resolve()
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    if command == "scaffold":
        result = cli("scaffold", "circuit-breaker", "--name", "PayBreaker", "--out", str(link))
    else:
        example = Path(__file__).resolve().parent.parent / "examples" / "order-platform.yaml"
        result = cli("advise", str(example), "--format", "json", "--scaffold", str(link))
    assert result.exit_code in (0, 1), result.output
    wrote = [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert wrote and all(line.startswith(f"wrote {real}/") for line in wrote)
    assert sorted(p.name for p in real.iterdir()) == sorted(Path(w).name for w in wrote)


# --- option values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "read"),
    [("1_000", 1000), (" 7 ", 7), ("+3", 3)],
)
def test_integers_read_alike_on_the_command_line_and_in_yaml(
    cli: Callable[..., Result], tmp_path: Path, value: str, read: int
) -> None:
    spec = load_patterns()["circuit-breaker"]
    assert resolve_options(spec, {"failure_threshold": value})["failure_threshold"] == read
    result = cli(
        "scaffold",
        "circuit-breaker",
        "--name",
        "PayBreaker",
        "--out",
        str(tmp_path),
        "--failure-threshold",
        value,
    )
    assert result.exit_code == 0, result.output
    assert f"failure_threshold: int = {read}," in (tmp_path / "_pay_breaker_base.py").read_text()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("1e400", "not a finite number"),
        ("1e308", "out of range"),
        ("0x10", "not a number"),
        (10**400, "not a finite number"),
    ],
)
def test_float_options_refuse_with_a_message(value: object, message: str) -> None:
    spec = load_patterns()["circuit-breaker"]
    with pytest.raises(InputError, match=message):
        resolve_options(spec, {"recovery_timeout": value})


def test_a_float_with_digit_separators_is_read() -> None:
    spec = load_patterns()["circuit-breaker"]
    assert resolve_options(spec, {"recovery_timeout": "1_000.5"})["recovery_timeout"] == 1000.5


def test_a_huge_integer_is_named_not_repeated() -> None:
    spec = load_patterns()["circuit-breaker"]
    for value in ("9" * 5000, 10**5000):
        with pytest.raises(InputError) as caught:
            resolve_options(spec, {"failure_threshold": value})
        assert "out of range" in str(caught.value)
        assert len(str(caught.value)) < 300


def test_numeric_options_read_as_ranges_in_help(cli: Callable[..., Result]) -> None:
    result = cli("scaffold", "circuit-breaker", "--help")
    text = result.output
    assert "INTEGER RANGE" in text and "[1<=x<=10000]" in text
    assert "FLOAT RANGE" in text and "[0<=x<=86400]" in text
    assert "[default: 5]" in text and "[default: consecutive]" in text
    assert "(5)" not in text


def test_an_empty_out_is_refused(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("scaffold", "circuit-breaker", "--name", "PayBreaker", "--out", "")
    assert result.exit_code == 2
    assert "--out: empty path" in result.output
    assert list(tmp_path.iterdir()) == []
