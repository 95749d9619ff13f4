"""Safe writes: a set of files written all or nothing, each atomically, none by a race.

The output folder is opened once and every later step is relative to that open
folder (`dir_fd`), so swapping the `--out` path for a symbolic link (or back) while
the files are written changes nothing: they land in the folder first opened, whose
real path is the one reported. Without `force` a file is placed with `link()` (or an
exclusive create where there are no hard links), which fails rather than replace a
name that appeared meanwhile; with `force` it replaces
the old one by `rename()`, atomically. Neither follows a symbolic link at the file's
name, and a failure part-way puts every file back as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import InputError, Location, Problem

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def write_files(
    files: Mapping[str, str], out: Path, *, force: bool = False, dry_run: bool = False
) -> list[Path]:
    """Write `files` (name -> content) into `out`, each atomically; return the paths.

    Everything is checked before the first byte is written: `out` must be a
    directory or creatable, names must be plain file names (nothing lands outside
    `out`), and no file may already exist unless `force`. The paths returned are in
    the real folder written to when `out` goes through a symbolic link.
    """
    bad = [
        Problem(
            "refusing to write outside the output directory",
            Location(name),
            expected="a plain file name",
        )
        for name in files
        if not is_plain_file_name(name)
    ]
    if bad:
        raise InputError(bad)
    _check_folder(out)
    if dry_run:
        if not out.is_dir():
            return [out / name for name in files]
        with _opened(out, create=False) as folder:
            shown = _shown(out, folder.real)
            _check_targets(folder, shown, files, force)
        return [shown / name for name in files]
    created = _missing_ancestors(out)
    try:
        with _opened(out, create=True) as folder:
            shown = _shown(out, folder.real)
            _check_targets(folder, shown, files, force)
            _place(folder, shown, files, force)
    except BaseException:
        for path in created:  # the folders made for this write, if they are still empty
            try:
                path.rmdir()
            except OSError:
                break
        raise
    return [shown / name for name in files]


def _check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError.single(
            "not a directory",
            Location(str(out), path="--out"),
            expected="an existing directory or a path that can be created",
            found="a file",
        )
    if not out.exists():
        ancestor = next(p for p in out.absolute().parents if p.exists())
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError.single(
                "cannot create the output directory",
                Location(str(out), path="--out"),
                expected="a path that can be created",
                found=f"{ancestor} is not a writable directory",
            )


def _shown(out: Path, real: Path) -> Path:
    """`out` as given, or the real folder when a symbolic link leads there."""
    return out if real == Path(os.path.abspath(out)) else real


def _real_path(out: Path, descriptor: int | None) -> Path:
    """The real path of the folder opened, even if `out` has changed since."""
    if descriptor is None:
        return Path(os.path.realpath(out))
    with suppress(OSError):  # Linux names the folder behind a descriptor
        named = os.readlink(f"/proc/self/fd/{descriptor}")
        if named.startswith("/") and os.path.samestat(os.stat(named), os.fstat(descriptor)):
            return Path(named)
    real = os.path.realpath(out)
    try:
        same = os.path.samestat(os.stat(real), os.fstat(descriptor))
    except OSError:
        same = False
    if not same:
        raise InputError.single(
            "the output folder changed while being written to",
            Location(str(out), path="--out"),
            hint="nothing was written",
        )
    return Path(real)


def _missing_ancestors(out: Path) -> list[Path]:
    """The folders `mkdir -p out` would create, deepest first."""
    return [p for p in (out.absolute(), *out.absolute().parents) if not p.exists()]


# POSIX opens the folder and works relative to its descriptor; where a platform has no
# `dir_fd` (Windows), names are joined to the folder's real path, resolved once.
_RELATIVE = {os.open, os.stat, os.rename, os.replace, os.link, os.unlink} <= os.supports_dir_fd


class _Folder:
    """The output folder, opened: file operations on names inside it."""

    def __init__(self, real: Path, descriptor: int | None) -> None:
        self.real = real
        self.descriptor = descriptor

    def _at(self, name: str) -> str:
        return name if self.descriptor is not None else str(self.real / name)

    def stat(self, name: str) -> os.stat_result:
        return os.stat(self._at(name), dir_fd=self.descriptor, follow_symlinks=False)

    def create(self, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        return os.open(self._at(name), flags, 0o644, dir_fd=self.descriptor)

    def rename(self, source: str, target: str) -> None:
        fd = self.descriptor
        os.rename(self._at(source), self._at(target), src_dir_fd=fd, dst_dir_fd=fd)

    def replace(self, source: str, target: str) -> None:
        fd = self.descriptor
        os.replace(self._at(source), self._at(target), src_dir_fd=fd, dst_dir_fd=fd)

    def link(self, source: str, target: str) -> None:
        """Fails with EEXIST, never replacing, when `target` exists (even as a link)."""
        fd = self.descriptor
        os.link(self._at(source), self._at(target), src_dir_fd=fd, dst_dir_fd=fd)

    def unlink(self, name: str) -> None:
        with suppress(FileNotFoundError):
            os.unlink(self._at(name), dir_fd=self.descriptor)


@contextmanager
def _opened(out: Path, *, create: bool) -> Iterator[_Folder]:
    """The output folder, opened (and created first if asked)."""
    try:
        if create:
            out.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out, os.O_RDONLY | _DIRECTORY) if _RELATIVE else None
    except OSError as exc:
        raise _cannot_write(exc, out) from exc
    try:
        yield _Folder(_real_path(out, descriptor), descriptor)
    finally:
        if descriptor is not None:
            os.close(descriptor)


def _check_targets(folder: _Folder, shown: Path, files: Mapping[str, str], force: bool) -> None:
    problems: list[Problem] = []
    for name in files:
        try:
            mode = folder.stat(name).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _cannot_write(exc, shown / name) from exc
        if stat.S_ISDIR(mode):
            problems.append(
                Problem(
                    "a directory is in the way", Location(str(shown / name)), expected="a file path"
                )
            )
        elif not stat.S_ISREG(mode):
            # Replacing would swap a device, FIFO or link for a plain file.
            problems.append(
                Problem(
                    "not a regular file",
                    Location(str(shown / name)),
                    expected="a plain file or a new path",
                )
            )
        elif not force:
            problems.append(_exists(shown / name))
    if problems:
        raise InputError(problems)


def _place(folder: _Folder, shown: Path, files: Mapping[str, str], force: bool) -> None:
    """Write every file to a temporary beside its target, then move them all in; a
    failure at any step puts every name back as it was."""
    temps: dict[str, str] = {}
    moved_aside: list[tuple[str, str]] = []
    placed: list[tuple[str, os.stat_result]] = []
    target = ""
    try:
        for name, content in files.items():
            target = name
            temps[name] = _write_temporary(folder, name, content)
        for name, temp in temps.items():
            target = name
            ours = folder.stat(temp)
            if force:
                backup = _aside(folder, name)
                if backup:
                    moved_aside.append((name, backup))
                folder.replace(temp, name)
            else:
                _place_new(folder, temp, name)
            placed.append((name, ours))
    except OSError as exc:
        for name, ours in placed:
            _unlink_if_ours(folder, name, ours)
        for name, backup in moved_aside:
            folder.replace(backup, name)
        for temp in temps.values():
            folder.unlink(temp)
        if exc.errno == errno.EEXIST:
            raise InputError([_exists(shown / target)]) from exc
        raise _cannot_write(exc, shown / target) from exc
    for _, backup in moved_aside:
        folder.unlink(backup)


# What link() fails with on a file system without hard links (FAT, some network shares).
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def _place_new(folder: _Folder, temp: str, name: str) -> None:
    """Move `temp` to `name`, which must not exist: link() never replaces, so a file
    that appeared since the check stays. Without hard links, the name is first created
    exclusively (O_EXCL), then replaced by the temporary file."""
    try:
        folder.link(temp, name)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        os.close(folder.create(name))
        folder.replace(temp, name)
    else:
        folder.unlink(temp)


def _aside(folder: _Folder, name: str) -> str:
    """Move the file at `name` to a backup name (a link is moved, not followed); "" if
    there is none."""
    import secrets  # only when writing: `advise` reads this module for its names check

    backup = f".{name}.{secrets.token_hex(6)}.old"
    try:
        folder.rename(name, backup)
    except FileNotFoundError:
        return ""
    return backup


def _write_temporary(folder: _Folder, name: str, content: str) -> str:
    """Write `content` to a new, synced temporary file beside `name`; return its name."""
    import secrets

    temp = f".{name}.{secrets.token_hex(6)}.tmp"
    descriptor = folder.create(temp)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        folder.unlink(temp)
        raise
    return temp


def _unlink_if_ours(folder: _Folder, name: str, ours: os.stat_result) -> None:
    """Remove `name` only if it is still the file this write placed there."""
    try:
        now = folder.stat(name)
    except OSError:
        return
    if (now.st_dev, now.st_ino) == (ours.st_dev, ours.st_ino):
        folder.unlink(name)


def _exists(path: Path) -> Problem:
    return Problem("file already exists", Location(str(path)), hint="pass --force to overwrite it")


def _cannot_write(exc: OSError, path: Path) -> InputError:
    return InputError.single(
        f"cannot write: {exc.strerror or exc}", Location(str(path)), expected="a writable path"
    )


def is_plain_file_name(name: str) -> bool:
    """Whether `name` names a visible file directly inside a folder (no path parts)."""
    return (
        bool(name)
        and name not in (".", "..")
        and Path(name).name == name
        and "\\" not in name
        and not name.startswith(".")
    )
