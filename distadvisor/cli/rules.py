"""`distadvisor rules`: browse, validate and test the rule files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError, Location, did_you_mean
from .common import RulesOption, fail, guard, load_ruleset

if TYPE_CHECKING:
    from ..engine.facts import Predicted
    from ..model.requirements import Requirements
    from ..recommendation import Recommendation

rules_app = typer.Typer(help="Browse, validate and test the rules.", no_args_is_help=True)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@rules_app.command("list")
def rules_list(
    rules: RulesOption = None,
    framework: Annotated[
        str | None, typer.Option(help="Only this framework's rules.", show_default=False)
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="A table, or JSON for scripts.")
    ] = ListFormat.table,
) -> None:
    """The rule catalogue: id, what it concludes, priority. Ids are never cut."""
    from ..render.escape import json_document, terminal

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
    chosen = [r for r in ruleset.rules if not framework or r.framework == framework]
    if fmt is ListFormat.json:
        import json

        rows = [
            {
                "id": r.id,
                "framework": r.framework,
                "scope": r.scope,
                "kind": r.kind,
                "concludes": r.outcome_text(),
                "priority": r.priority,
                "summary": r.summary(),
            }
            for r in chosen
        ]
        sys.stdout.write(json_document(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="distadvisor rules")
    # The id is what users copy into --select, --ignore and accept: never cut or wrapped;
    # the other columns wrap around it.
    table.add_column("Rule", no_wrap=True, min_width=max((len(r.id) for r in chosen), default=4))
    table.add_column("Scope", overflow="fold")
    table.add_column("Concludes", overflow="fold")
    table.add_column("Priority", overflow="fold")
    for rule in chosen:
        # Text, not markup: a rule file's strings are printed as written.
        table.add_row(
            Text(terminal(rule.id)),
            rule.scope,
            Text(terminal(rule.outcome_text())),
            str(rule.priority),
        )
    Console().print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[
        str, typer.Argument(metavar="ID", help="A rule id, e.g. consistency.money.")
    ],
    rules: RulesOption = None,
) -> None:
    """One rule with its condition, message, references and an example that fires it."""
    from ..render.rule_page import example_yaml

    ruleset = guard(lambda: load_ruleset(rules))
    rule = ruleset.by_id(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, [r.id for r in ruleset.rules])
        hint = hint or "see `distadvisor rules list`"
        fail(InputError.single(f"no rule '{rule_id}'", hint=hint))
    from ..render.escape import terminal

    # A rule file is untrusted text too: every line goes through the terminal's escaping.
    lines = [
        f"{rule.id}  ({rule.framework}, scope {rule.scope}, priority {rule.priority})",
        f"  summary:    {rule.summary()}",
        f"  defined at: {rule.source}",
        f"  when:       {rule.when_source or '(always: the fallback)'}",
        f"  concludes:  {rule.outcome_text()}",
        *(["  runs in:    distadvisor simulate (it reads predictions)"] if rule.predicted else []),
        f"  message:    {rule.message_source}",
        "  references:",
        *(f"    - {ref}" for ref in rule.references),
    ]
    sample = guard(lambda: example_yaml(rule, ruleset))
    if sample:
        lines.append("  example (a requirements file it fires on, from its fixtures):")
        lines += [f"    {line}" for line in sample.splitlines()]
    print("\n".join(terminal(line, one_line=True) for line in lines))


@rules_app.command("docs")
def rules_docs(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The folder of pages (one per rule).")
    ] = Path("docs/rules"),
) -> None:
    """Write a page per shipped rule (docs/rules/<id>.md), the pages reports link to."""
    from ..render.rule_page import pages
    from ..scaffold import safewrite

    ruleset = guard(lambda: load_ruleset(None))
    written = guard(lambda: safewrite.write_files(pages(ruleset), out, force=True))
    print(f"wrote {len(written)} pages in {out}", file=sys.stderr)


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
    from ..engine import fixtures
    from ..render.escape import terminal
    from ..resources import rules_dir
    from ..simulate.findings import facts
    from ..simulate.predict import FIRST_TRIALS, predict

    target = folder or rules_dir()
    ruleset = guard(lambda: load_ruleset([folder] if folder else None))

    def simulated(rec: Recommendation, req: Requirements) -> Predicted:
        # A fixed count, the first round of simulate's own: fixtures keep their figures
        # far from every threshold, and a run stays a few seconds.
        return facts(predict(rec, req, ruleset=ruleset, trials=FIRST_TRIALS))

    reports = guard(lambda: list(fixtures.run_folder(target, ruleset, simulated)))
    passed = failed = 0
    for report in reports:
        for outcome in report.outcomes:
            if outcome.passed:
                passed += 1
                continue
            failed += 1
            print(terminal(f"FAIL {outcome.case.location}: {outcome.case.name}", one_line=True))
            for failure in outcome.failures:
                print(terminal(f"     {failure}", one_line=True))
        for gap in report.gaps:
            failed += 1
            print(terminal(f"FAIL {report.path}: {gap}", one_line=True))
    print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
