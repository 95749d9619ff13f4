"""Which found files `check` leaves alone: those git ignores, and `--exclude` patterns.

A separate step after the pipeline has expanded folders and globs, so expanding paths
and choosing among them stay apart. git itself answers for `.gitignore` (every level,
`.git/info/exclude`, the user's global excludes), so no second matcher can disagree
with it; outside a repository, or without git, only `--exclude` applies.
"""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path


def repository_root(start: Path | None = None) -> Path | None:
    """The top of the git work tree holding `start` (default: here), if any."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start or Path.cwd(),
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    top = done.stdout.strip()
    return Path(top) if done.returncode == 0 and top else None


def excluded(file: str, patterns: Sequence[tuple[Path, str]]) -> bool:
    """Whether a pattern, relative to its folder, matches the file or a folder above it;
    a pattern without `/` matches any one name on the way (`vendor`, `*.draft.yaml`)."""
    path = Path(file).resolve()
    for base, pattern in patterns:
        try:
            parts = path.relative_to(base.resolve()).parts
        except ValueError:
            continue
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        names = parts if "/" not in pattern.strip("/") else ()
        if any(fnmatch.fnmatchcase(p, pattern.strip("/")) for p in (*prefixes, *names)):
            return True
    return False


def git_ignored(files: Sequence[str]) -> set[str]:
    """The files git ignores (tracked files never are), asked in one call."""
    root = repository_root()
    if root is None or not files:
        return set()
    inside = [f for f in files if Path(f).resolve().is_relative_to(root.resolve())]
    try:
        done = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            input="\0".join(inside) + "\0",
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return set()
    # 0: some are ignored, 1: none is; anything else, git could not tell: ignore nothing.
    return set(done.stdout.split("\0")) - {""} if done.returncode == 0 else set()


def keeper(patterns: Sequence[tuple[Path, str]]) -> Callable[[list[str]], list[str]]:
    """The filter `pipeline.check` applies to the files it found in folders and globs."""

    def keep(files: list[str]) -> list[str]:
        left = [f for f in files if not excluded(f, patterns)]
        ignored = git_ignored(left)
        return [f for f in left if f not in ignored]

    return keep
