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
    guard,
    settings,
    stdout_draws_boxes,
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
        typer.Option("--detail", "--verbose", "-v",
                     help="Text: every conclusion with its reason, and the diagrams."),
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

        prediction = guard(lambda: predict(rec, req))
        sys.stdout.write(markdown.render(
            rec, req=req, ascii=not stdout_draws_boxes(), prediction=prediction))
    else:
        from rich.console import Console

        from ..render import text

        text.render(rec, Console(), req, detail=detail, quiet=quiet, fail_on=run.fail_on,
                    locate=result.locate)
    if rec.failing(run.fail_on):
        from ..render.labels import verdict

        # Whatever stdout goes to (a file, a pipe, JSON), the reason for status 1 reaches
        # the person or log that ran the command, last, where a terminal leaves it.
        print(f"distadvisor: {verdict(rec, run.fail_on)}", file=sys.stderr)
        raise typer.Exit(1)
