"""`distadvisor advise`: the recommendation for one requirements file.

On the start-up path of the most common command: renderers and the scaffolder are
imported only when the chosen output needs them.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    FailOnOption,
    IgnoreOption,
    QuietOption,
    RulesOption,
    SelectOption,
    check_one,
    fail,
    guard,
    settings,
    stdout_draws_boxes,
)

# The terminal and markdown reports draw a panel or section and two diagrams for each
# kind of data (some 7 and 1.3 ms each): past these many the terminal would scroll for
# minutes and the markdown outgrow any document. JSON and `check` take every kind of
# data a file may hold.
REPORT_MAX_DATA = {"text": 500, "markdown": 2_000}


def _fits_the_report(file: str, fmt: str, kinds_of_data: int) -> None:
    limit = REPORT_MAX_DATA.get(fmt)
    if limit is not None and kinds_of_data > limit:
        from ..errors import InputError, Location

        fail(
            InputError.single(
                f"too many kinds of data for the {fmt} report",
                Location("<stdin>" if file == "-" else file, path="data"),
                expected=f"at most {limit}; use --format json, or distadvisor check",
                found=str(kinds_of_data),
            )
        )


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def advise(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="Requirements file (YAML, version 1); - for stdin."),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail",
            "--verbose",
            "-v",
            help="Text: every conclusion with its reason, and the diagrams.",
        ),
    ] = False,
    quiet: QuietOption = False,
    scaffold_dir: Annotated[
        Path | None,
        typer.Option(
            "--scaffold",
            help="Also write every recommended pattern that has a scaffold into this folder.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="With --scaffold: overwrite files.")] = False,
    dry_run: Annotated[
        bool, typer.Option(help="With --scaffold: list the files, write nothing.")
    ] = False,
) -> None:
    """Recommend an architecture for a requirements file.

    The verdict and findings come first, then a row per kind of data and the patterns;
    --detail gives every conclusion with its reason, and the diagrams.
    """
    run = settings(rules, fail_on, select, ignore)
    result = check_one(file, run, explain=fmt is Format.markdown)
    rec, req = result.recommendation, result.requirements
    assert rec is not None and req is not None
    _fits_the_report(file, fmt.value, len(rec.entities))  # before anything is written
    if scaffold_dir is not None:
        from ..scaffold import plan, specs

        def write() -> list[Path]:
            planned = plan.plan(rec, req, specs.load_patterns())
            return plan.write(planned, scaffold_dir, force=force, dry_run=dry_run)

        verb = "would write" if dry_run else "wrote"
        for path in guard(write):
            print(f"{verb} {path}", file=sys.stderr)
    if fmt is Format.json:
        from ..render import json as renderer

        sys.stdout.write(renderer.render(rec))
    elif fmt is Format.markdown:
        from ..render import markdown
        from ..simulate.predict import predict

        prediction = guard(lambda: predict(rec, req, ruleset=run.ruleset))
        sys.stdout.write(
            markdown.render(rec, req=req, ascii=not stdout_draws_boxes(), prediction=prediction)
        )
    else:
        from rich.console import Console

        from ..render import text

        text.render(
            rec,
            Console(),
            req,
            detail=detail,
            quiet=quiet,
            fail_on=run.fail_on,
            locate=result.locate,
        )
    if rec.failing(run.fail_on):
        from ..render.labels import verdict

        # Whatever stdout goes to (a file, a pipe, JSON), the reason for status 1 reaches
        # the person or log that ran the command, last, where a terminal leaves it.
        print(f"distadvisor: {verdict(rec, run.fail_on)}", file=sys.stderr)
        raise typer.Exit(1)
