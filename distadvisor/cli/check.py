"""`distadvisor check`: many files in one run, in the report formats CI services read.

Only typer and the standard library are imported here; each command imports what it
needs when it runs, so registering them costs nothing at start-up.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from .common import FailOnOption, RulesOption, Severity


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


# Report format -> the module under distadvisor.render that writes it.
RENDERERS = {
    CheckFormat.text: "check_text",
    CheckFormat.json: "check_json",
    CheckFormat.sarif: "sarif",
    CheckFormat.junit: "junit",
    CheckFormat.github: "github",
    CheckFormat.markdown: "pr_markdown",
}


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
    fail_on: FailOnOption = Severity.error,
    rules: RulesOption = None,
    only_requirements: Annotated[
        bool,
        typer.Option(
            "--only-requirements",
            help="Skip named files that do not look like requirements files, as folders do"
            " (for hooks that pass every YAML file).",
        ),
    ] = False,
) -> None:
    """Check many requirements files in one run and report in a format CI reads.

    Exit status: 0 no finding at or above --fail-on; 1 such findings; 2 any file is bad
    input (the other files are still checked and reported).
    """
    import importlib

    from .. import pipeline
    from ..engine import rules as rulelib
    from ..errors import InputError
    from ..resources import rules_dir
    from .common import fail, scaffold_names

    try:
        ruleset = rulelib.load([rules_dir(), *(rules or [])])
    except InputError as error:
        fail(error)
    report = pipeline.check(
        paths,
        ruleset,
        fail_on=fail_on.value,
        scaffolds=scaffold_names(),
        only_requirements=only_requirements,
    )
    renderer = importlib.import_module(f"distadvisor.render.{RENDERERS[fmt]}")
    sys.stdout.write(renderer.render(report))
    raise typer.Exit(report.exit_code)
