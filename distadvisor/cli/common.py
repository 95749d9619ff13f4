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
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn, TypeVar

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from ..engine.rules import RuleSet
    from ..engine.selection import Selection
    from ..model.requirements import Requirements
    from ..pipeline import FileResult
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
    Severity | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding is at least this severe.  [default: error, or the settings']",
        show_default=False,
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Report only these finding rules: ids or id prefixes (findings, design.unknown-).",
        show_default=False,
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", help="Never report these finding rules: ids or id prefixes.", show_default=False
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only the verdict and the findings.")
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
    """The shipped rules plus the user's folders (later folders override by id); the
    shipped rules alone come from the rule-set cache when it holds them."""
    from ..resources import rules_dir

    if not extra:
        from ..engine import rulecache

        return rulecache.load(rules_dir())
    from ..engine import rules

    return rules.load([rules_dir(), *extra])


def scaffold_names() -> dict[str, str]:
    """Recommendation pattern -> the scaffold that writes it, from the templates; kept
    in the parse cache, as reading and checking every pattern spec is most of its cost."""
    from ..engine import parsecache
    from ..resources import templates_dir

    def build() -> dict[str, str]:
        from ..scaffold.specs import load_patterns

        return {impl: s.pattern for s in load_patterns().values() for impl in s.implements}

    def decode(raw: Any) -> dict[str, str]:
        if not (isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values())):
            raise ValueError("not a mapping of names")
        return raw

    root = templates_dir()
    scaffold_code = Path(__file__).resolve().parent.parent / "scaffold"
    try:  # every pattern folder's spec; a missing one is an error load_patterns reports
        specs = sorted(
            folder / "pattern.yaml"
            for folder in root.iterdir()
            if folder.is_dir() and not folder.name.startswith((".", "_"))
        )
    except OSError:
        return build()
    inputs = [*specs, scaffold_code / "specs.py", scaffold_code / "options.py"]
    name = f"scaffolds-{parsecache.digest(str(root).encode())}"
    return parsecache.derived(name, inputs, build, dict, decode)


class Settings(NamedTuple):
    """The settings of one run: the settings file's, each replaced by its flag if given."""

    ruleset: RuleSet
    fail_on: str
    selection: Selection
    exclude: tuple[tuple[Path, str], ...]  # (folder the pattern is relative to, pattern)


def settings(
    rules: list[Path] | None,
    fail_on: Severity | None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    exclude: list[str] | None = None,
) -> Settings:
    """Read the settings file, apply the flags, load the rules; bad input exits 2."""
    from ..engine.selection import Selection
    from .config import find

    def build() -> Settings:
        config = find()
        ruleset = load_ruleset(rules if rules is not None else list(config.rules))
        flags = select is not None or ignore is not None
        selection = Selection(
            tuple(select if select is not None else config.select),
            tuple(ignore if ignore is not None else config.ignore),
        )
        if selection.select or selection.ignore:
            selection.check(
                [r.id for r in ruleset.of_kind("finding")],
                "command line" if flags else config.source,
            )
        patterns = (
            tuple((Path.cwd(), p) for p in exclude)
            if exclude is not None
            else tuple((config.folder, p) for p in config.exclude)
        )
        chosen = fail_on.value if fail_on is not None else config.fail_on or "error"
        return Settings(ruleset, chosen, selection, patterns)

    return guard(build)


def check_one(file: str, run: Settings, *, explain: bool = False) -> FileResult:
    """Load, validate and advise one file the way `check` does, or exit 2; `explain`
    records the options that lost."""
    from ..pipeline import check_file

    result = check_file(
        file, run.ruleset, guard(scaffold_names), selection=run.selection, explain=explain
    )
    if result.recommendation is None or result.requirements is None:
        fail(InputError(list(result.problems)))
    return result


def advise_file(file: str, rules: list[Path] | None) -> tuple[Recommendation, Requirements]:
    """Load, validate and advise one file the way `check` does, or exit 2."""
    result = check_one(file, settings(rules, None))
    assert result.recommendation is not None and result.requirements is not None
    return result.recommendation, result.requirements
