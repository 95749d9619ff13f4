"""The command line: parse, call, render, choose the exit status. Nothing more.

Exit status (every command): 0 success; 1 findings at or above --fail-on (or failing
rule fixtures); 2 bad input or usage. Heavy modules are imported inside the commands
that need them, so `advise` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .cli_support import (
    FailOnOption,
    RulesOption,
    Severity,
    advise_file,
    fail,
    guard,
    load_ruleset,
)
from .errors import InputError, Location, did_you_mean

# Commands defined in their own modules, built only when asked for: typer builds every
# registered command at start-up, and these have many options the common path never uses.
_LAZY_COMMANDS = {
    "check": ("cli_ci", "check"),
    "schema": ("cli_ci", "schema"),
    "diagram": ("cli_diagram", "diagram"),
    "init": ("cli_init", "init"),
}


class _RootGroup(TyperGroup):
    """The top-level group: `scaffold` and the commands above are mounted lazily."""

    # typer's vendored click Context is private; Any keeps the override compatible.
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *_LAZY_COMMANDS, "scaffold"]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name == "scaffold":
            from .scaffold_cli import group

            return group
        if cmd_name in _LAZY_COMMANDS:
            import importlib

            import typer.main

            module, function = _LAZY_COMMANDS[cmd_name]
            single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            single.command(cmd_name)(
                getattr(importlib.import_module(f".{module}", __package__), function)
            )
            return typer.main.get_command(single)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="distadvisor",
    cls=_RootGroup,
    help="Design advisor and pattern scaffolder for distributed systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Browse, validate and test the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def advise(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="Requirements file (YAML, version 1); - for stdin."),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = Severity.error,
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
    """Recommend an architecture for a requirements file, with the reasons."""
    rec, req = advise_file(file, rules)
    if scaffold_dir is not None:
        from . import patterns, scaffold_plan

        def write() -> list[Path]:
            planned = scaffold_plan.plan(rec, req, patterns.load_patterns())
            return scaffold_plan.write(planned, scaffold_dir, force=force, dry_run=dry_run)

        verb = "would write" if dry_run else "wrote"
        for path in guard(write):
            print(f"{verb} {path}", file=sys.stderr)
    if fmt is Format.json:
        from .render import json as renderer

        sys.stdout.write(renderer.render(rec))
    elif fmt is Format.markdown:
        from .render import markdown

        sys.stdout.write(markdown.render(rec, req=req))
    else:
        from rich.console import Console

        from .render import text

        text.render(rec, Console(), req)
    if rec.failing(fail_on.value):
        raise typer.Exit(1)


@rules_app.command("list")
def rules_list(
    rules: RulesOption = None,
    framework: Annotated[
        str | None, typer.Option(help="Only this framework's rules.", show_default=False)
    ] = None,
) -> None:
    """The rule catalogue: id, what it concludes, priority."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    ruleset = guard(lambda: load_ruleset(rules))
    frameworks = sorted({r.framework for r in ruleset.rules})
    if framework is not None and framework not in frameworks:
        hint = did_you_mean(framework, frameworks)
        fail(
            InputError.single(
                f"no framework '{framework}'",
                Location(path="--framework"),
                expected="one of " + ", ".join(frameworks),
                hint=hint,
            )
        )
    table = Table("Rule", "Scope", "Concludes", "Priority", title="distadvisor rules")
    for rule in ruleset.rules:
        if framework and rule.framework != framework:
            continue
        # Text, not markup: a rule file's strings are printed as written.
        table.add_row(Text(rule.id), rule.scope, Text(rule.outcome_text()), str(rule.priority))
    Console().print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[
        str, typer.Argument(metavar="ID", help="A rule id, e.g. consistency.money.")
    ],
    rules: RulesOption = None,
) -> None:
    """One rule with its condition, message and references."""
    ruleset = guard(lambda: load_ruleset(rules))
    rule = ruleset.by_id(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, [r.id for r in ruleset.rules])
        hint = hint or "see `distadvisor rules list`"
        fail(InputError.single(f"no rule '{rule_id}'", hint=hint))
    print(f"{rule.id}  ({rule.framework}, scope {rule.scope}, priority {rule.priority})")
    print(f"  defined at: {rule.source}")
    print(f"  when:       {rule.when_source or '(always: the fallback)'}")
    print(f"  concludes:  {rule.outcome_text()}")
    print(f"  message:    {rule.message_source}")
    print("  references:")
    for ref in rule.references:
        print(f"    - {ref}")


@rules_app.command("validate")
def rules_validate(
    folder: Annotated[Path, typer.Argument(help="A folder of rule files to check.")],
) -> None:
    """Check a folder of rule files (with the shipped rules they extend or override)."""
    ruleset = guard(lambda: load_ruleset([folder]))
    own = [p for p in ruleset.files if p.parent == folder]
    print(f"ok: {len(own)} rule files in {folder}, {len(ruleset.rules)} rules in all")


@rules_app.command("test")
def rules_test(
    folder: Annotated[
        Path | None,
        typer.Argument(help="A folder of rule files and fixtures (default: the shipped rules)."),
    ] = None,
) -> None:
    """Run the rule fixtures: each rule must fire where it should and nowhere else."""
    from . import fixtures
    from .resources import rules_dir

    target = folder or rules_dir()
    ruleset = guard(lambda: load_ruleset([folder] if folder else None))
    reports = guard(lambda: list(fixtures.run_folder(target, ruleset)))
    passed = failed = 0
    for report in reports:
        for outcome in report.outcomes:
            if outcome.passed:
                passed += 1
                continue
            failed += 1
            print(f"FAIL {outcome.case.location}: {outcome.case.name}")
            for failure in outcome.failures:
                print(f"     {failure}")
        for gap in report.gaps:
            failed += 1
            print(f"FAIL {report.path}: {gap}")
    print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def main() -> None:
    import signal

    # Like other command-line tools, end quietly when a reader such as `head` closes
    # the pipe, rather than raising on the next write and misreporting the status.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app(prog_name="distadvisor")
