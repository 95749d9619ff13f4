"""What every command shares: its common options, reporting bad input, loading rules
and advising on one file.

Kept apart from the commands so each `cli_*` module can use it without importing
another command's module; it imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from ..engine.rules import RuleSet
    from ..model.requirements import Requirements
    from ..recommendation import Recommendation


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="A folder of extra rule files; its rules are added, or replace shipped ones by id.",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    Severity, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
]

T = TypeVar("T")


def fail(error: InputError) -> NoReturn:
    """Print every problem of `error` and exit with status 2."""
    from ..render.escape import terminal

    for problem in error.problems:  # escaped: a problem quotes the input
        print(f"error: {terminal(str(problem), one_line=True)}", file=sys.stderr)
    raise typer.Exit(2)


def stdout_draws_boxes() -> bool:
    """Whether standard output can encode box drawing; diagrams fall back to ASCII
    where it cannot (a cp1252 or ASCII console)."""
    from ..diagrams.canvas import UNICODE

    try:
        "".join(UNICODE).encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def guard(action: Callable[[], T]) -> T:
    """Run `action`; bad input becomes a message on stderr and exit status 2."""
    try:
        return action()
    except InputError as error:
        fail(error)


def load_ruleset(extra: list[Path] | None) -> RuleSet:
    """The shipped rules plus the user's folders (later folders override by id)."""
    from ..engine import rules
    from ..resources import rules_dir

    return rules.load([rules_dir(), *(extra or [])])


def scaffold_names() -> dict[str, str]:
    """Recommendation pattern -> the scaffold that writes it, from the templates."""
    from ..scaffold.specs import load_patterns

    return {impl: spec.pattern for spec in load_patterns().values() for impl in spec.implements}


def advise_file(file: str, rules: list[Path] | None) -> tuple[Recommendation, Requirements]:
    """Load, validate and advise one file the way `check` does, or exit 2."""
    from ..pipeline import check_file

    result = check_file(file, guard(lambda: load_ruleset(rules)), guard(scaffold_names))
    if result.recommendation is None or result.requirements is None:
        fail(InputError(list(result.problems)))
    return result.recommendation, result.requirements
