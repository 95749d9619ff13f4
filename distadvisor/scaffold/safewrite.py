"""Safe writes: a set of files written all or nothing, each atomically.

Everything is checked before the first byte is written, and a failure part-way
puts every file back as it was, so a folder is never left half-written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import InputError, Location, Problem


def write_files(files: Mapping[str, str], out: Path, *, force: bool = False,
                dry_run: bool = False) -> list[Path]:
    """Write `files` (name -> content) into `out`, each atomically; return the paths.

    Everything is checked before the first byte is written: `out` must be a
    directory or creatable, names must be plain file names (nothing lands outside
    `out`), and no file may already exist unless `force`.
    """
    problems: list[Problem] = []
    if out.exists() and not out.is_dir():
        raise InputError.single("not a directory", Location(str(out), path="--out"),
                                expected="an existing directory or a path that can be created",
                                found="a file")
    if not out.exists():
        ancestor = next(p for p in out.absolute().parents if p.exists())
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError.single(
                "cannot create the output directory", Location(str(out), path="--out"),
                expected="a path that can be created",
                found=f"{ancestor} is not a writable directory",
            )
    paths: list[Path] = []
    for name in files:
        path = out / name
        paths.append(path)
        if not is_plain_file_name(name):
            problems.append(Problem("refusing to write outside the output directory",
                                    Location(name), expected="a plain file name"))
        elif path.is_dir():
            problems.append(Problem("a directory is in the way", Location(str(path)),
                                    expected="a file path"))
        elif path.is_symlink() or (path.exists() and not path.is_file()):
            # Replacing would swap a device, FIFO or link for a plain file.
            problems.append(Problem("not a regular file", Location(str(path)),
                                    expected="a plain file or a new path"))
        elif path.exists() and not force:
            problems.append(Problem("file already exists", Location(str(path)),
                                    hint="pass --force to overwrite it"))
    if problems:
        raise InputError(problems)
    if dry_run:
        return paths
    # All or nothing: every file is first written to a temporary beside its target;
    # then the files being overwritten are moved aside, the new ones moved in, and only
    # then are the old ones deleted. A failure at any step puts everything back.
    temps: list[Path] = []
    moved_aside: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    target = out
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, content in zip(paths, files.values(), strict=True):
            target = path
            temps.append(_write_temporary(path, content))
        for path in paths:
            if path.exists() or path.is_symlink():
                target = path
                backup = path.with_name(f".{path.name}.{os.getpid()}.old")
                os.replace(path, backup)
                moved_aside.append((path, backup))
        for temp, path in zip(temps, paths, strict=True):
            target = path
            os.replace(temp, path)
            placed.append(path)
    except OSError as exc:
        for path in placed:
            path.unlink(missing_ok=True)
        for path, backup in moved_aside:
            os.replace(backup, path)
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise InputError.single(f"cannot write: {exc.strerror or exc}", Location(str(target)),
                                expected="a writable path") from exc
    for _, backup in moved_aside:
        backup.unlink(missing_ok=True)
    return paths


def _write_temporary(path: Path, content: str) -> Path:
    """Write `content` to a synced temporary file in `path`'s folder; return its path."""
    import tempfile

    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name)


def is_plain_file_name(name: str) -> bool:
    """Whether `name` names a visible file directly inside a folder (no path parts)."""
    return bool(name) and name not in (".", "..") and Path(name).name == name and "\\" not in name \
        and not name.startswith(".")
