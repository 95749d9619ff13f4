"""`distadvisor check`: many files in one run, in the report formats CI services read.

Only typer and the standard library are imported here; each command imports what it
needs when it runs, so registering them costs nothing at start-up.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import FailOnOption, IgnoreOption, QuietOption, RulesOption, SelectOption


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    gitlab = "gitlab"


# Report format -> the module under distadvisor.render that writes it.
RENDERERS = {
    CheckFormat.text: "check_text",
    CheckFormat.json: "check_json",
    CheckFormat.sarif: "sarif",
    CheckFormat.junit: "junit",
    CheckFormat.github: "github",
    CheckFormat.markdown: "pr_markdown",
    CheckFormat.gitlab: "gitlab",
}
# Formats whose file paths are relative to the repository root, as their readers expect.
ROOTED = (CheckFormat.sarif, CheckFormat.gitlab)


def check(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Requirements files, folders (searched for requirements YAML) or globs.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Report format.")
    ] = CheckFormat.text,
    fail_on: FailOnOption = None,
    rules: RulesOption = None,
    only_requirements: Annotated[
        bool,
        typer.Option(
            "--only-requirements",
            help="Skip named files that do not look like requirements files, as folders do"
            " (for hooks that pass every YAML file).",
        ),
    ] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Leave files found in folders or globs that match this pattern (also"
            " .gitignore'd files). Repeatable.",
            show_default=False,
        ),
    ] = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FORMAT=PATH",
            help="Also write the report in FORMAT to PATH (sarif=scan.sarif). Repeatable.",
            show_default=False,
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Where SARIF and GitLab paths start.  [default: the git work tree's top,"
            " else the working directory]",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Text: also list every file and its status.")
    ] = False,
) -> None:
    """Check many requirements files in one run and report in a format CI reads.

    Exit status: 0 no finding at or above --fail-on; 1 such findings; 2 any file is bad
    input (the other files are still checked and reported).
    """
    import importlib

    from .. import pipeline
    from .common import guard, scaffold_names, settings
    from .discovery import keeper, repository_root

    written = guard(lambda: _outputs(outputs or []))
    run = settings(rules, fail_on, select, ignore, exclude)
    report = pipeline.check(
        paths,
        run.ruleset,
        fail_on=run.fail_on,
        scaffolds=scaffold_names(),
        only_requirements=only_requirements,
        selection=run.selection,
        keep=keeper(run.exclude),
    )
    base = (root or repository_root() or Path.cwd()).resolve()

    def render(chosen: CheckFormat) -> str:
        renderer = importlib.import_module(f"distadvisor.render.{RENDERERS[chosen]}")
        if chosen in ROOTED:
            return str(renderer.render(report, root=base))
        text = str(renderer.render(report))
        if quiet and chosen is CheckFormat.text:
            return "".join(text.splitlines(keepends=True)[:-1])  # the findings, no summary
        if verbose and chosen is CheckFormat.text:
            from ..render.escape import terminal

            listed = "".join(
                terminal(f"{r.file}: {r.status(report.fail_on)}", one_line=True) + "\n"
                for r in report.results
            )
            return listed + text
        return text

    from ..scaffold import safewrite

    for chosen, path in written:
        files = {path.name: render(chosen)}
        guard(lambda: safewrite.write_files(files, path.parent, force=True))  # noqa: B023
    sys.stdout.write(render(fmt))
    raise typer.Exit(report.exit_code)


def _outputs(values: list[str]) -> list[tuple[CheckFormat, Path]]:
    """`FORMAT=PATH` pairs, checked before anything runs: a known format, a folder that
    exists."""
    from ..errors import InputError, Location, Problem

    pairs, problems = [], []
    for value in values:
        name, eq, target = value.partition("=")
        where = Location(path="--output")
        if not eq or not target or name not in CheckFormat.__members__:
            problems.append(
                Problem(
                    f"cannot read {value!r}",
                    where,
                    "FORMAT=PATH with FORMAT one of " + ", ".join(CheckFormat),
                )
            )
            continue
        path = Path(target)
        if not path.parent.is_dir() or path.is_dir():
            problems.append(
                Problem(f"cannot write {target}", where, "a file path in an existing folder")
            )
            continue
        pairs.append((CheckFormat(name), path))
    if problems:
        raise InputError(problems)
    return pairs
