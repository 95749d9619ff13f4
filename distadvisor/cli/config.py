"""Project settings: `[tool.distadvisor]` in pyproject.toml, or a distadvisor.toml.

As ruff does, the closest folder (from the working directory up to the repository
root) holding either file wins, distadvisor.toml before pyproject.toml; a
pyproject.toml that never says `tool.distadvisor` is passed over unread. Paths in
the file are relative to the file's folder. Command-line flags win over the file.
tomllib is imported only when a file is there to read.

    [tool.distadvisor]
    rules = ["design-rules"]          # extra rule folders (--rules)
    fail-on = "warning"               # --fail-on
    select = ["findings", "design"]   # --select
    ignore = ["findings.local-transaction"]
    exclude = ["vendor", "**/fixtures/*.yaml"]   # check: never look here
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, Location, Problem, did_you_mean
from ..model.vocabulary import SEVERITIES

KEYS = ("rules", "fail-on", "select", "ignore", "exclude")


class Config(NamedTuple):
    rules: tuple[Path, ...] = ()
    fail_on: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    folder: Path = Path()  # where the file is: `exclude` patterns are relative to it
    source: str = ""  # the file and table, for messages


def find(start: Path | None = None) -> Config:
    """The settings that apply in `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "distadvisor.toml"
        if own.is_file():
            return _parse(own, _read(own), "")
        project = folder / "pyproject.toml"
        # Parsed only when it names the table: most projects' pyproject.toml has none, and
        # tomllib reads character by character on the start-up path of every command.
        if project.is_file() and b"tool.distadvisor" in _bytes(project):
            table = _read(project).get("tool", {}).get("distadvisor")
            if table is not None:
                return _parse(project, table, "tool.distadvisor.")
        if (folder / ".git").exists():
            break
    return Config()


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError.single(
            f"cannot read settings: {error}", Location(str(path)), expected="a TOML file"
        ) from None


def _parse(path: Path, table: Any, prefix: str) -> Config:
    problems: list[Problem] = []

    def problem(key: str, message: str, expected: str, found: Any) -> None:
        problems.append(
            Problem(message, Location(str(path), path=prefix + key), expected, repr(found))
        )

    if not isinstance(table, dict):
        problem("", "settings must be a table", "keys " + ", ".join(KEYS), table)
        raise InputError(problems)
    for key in table:
        if key not in KEYS:
            where = Location(str(path), path=prefix + key)
            problems.append(
                Problem(
                    f"unknown setting '{key}'",
                    where,
                    "one of " + ", ".join(KEYS),
                    hint=did_you_mean(key, KEYS),
                )
            )
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("rules", "select", "ignore", "exclude"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problem(key, "not a list of strings", "a list of strings", value)
            value = []
        lists[key] = tuple(value)
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        problem("fail-on", "unknown severity", " | ".join(SEVERITIES), fail_on)
    if problems:
        raise InputError(problems)
    folder = path.parent
    return Config(
        rules=tuple(folder / r for r in lists["rules"]),
        fail_on=fail_on,
        select=lists["select"],
        ignore=lists["ignore"],
        exclude=lists["exclude"],
        folder=folder,
        source=f"{path} [{prefix.rstrip('.') or 'distadvisor.toml'}]",
    )
