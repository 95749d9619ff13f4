"""What every command shares: reporting bad input, loading rules, scaffold names.

Kept apart from the commands so each `cli_*` module can use it without importing
another command's module; it imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from .errors import InputError

if TYPE_CHECKING:
    from .rules import RuleSet

T = TypeVar("T")


def fail(error: InputError) -> NoReturn:
    """Print every problem of `error` and exit with status 2."""
    for problem in error.problems:
        print(f"error: {problem}", file=sys.stderr)
    raise typer.Exit(2)


def guard(action: Callable[[], T]) -> T:
    """Run `action`; bad input becomes a message on stderr and exit status 2."""
    try:
        return action()
    except InputError as error:
        fail(error)


def load_ruleset(extra: list[Path] | None) -> RuleSet:
    """The shipped rules plus the user's folders (later folders override by id)."""
    from . import rules
    from .resources import rules_dir

    return rules.load([rules_dir(), *(extra or [])])


def scaffold_names() -> dict[str, str]:
    """Recommendation pattern -> the scaffold that writes it, from the templates."""
    from .patterns import load_patterns

    return {impl: spec.pattern for spec in load_patterns().values() for impl in spec.implements}
