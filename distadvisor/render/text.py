"""The report people read in a terminal: a table per kind of data, then patterns and
findings, each with the rules behind it. rich handles width, colour and NO_COLOR.

Every string from the requirements or the rules goes in as `Text`, never as markup,
so a name or message containing `[brackets]` prints as written.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..recommendation import PatternAdvice, Reason, Recommendation
from .labels import FIELD_LABELS, show

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _reason(reason: Reason) -> Text:
    text = Text(reason.text + " ")
    text.append(f"[{reason.rule}]", style="dim")
    return text


def _distinct_reasons(patterns: list[PatternAdvice]) -> list[Reason]:
    """One reason per rule: the same rule applied to several subjects reads alike."""
    seen: dict[str, Reason] = {}
    for pattern in patterns:
        for reason in pattern.because:
            seen.setdefault(reason.rule, reason)
    return list(seen.values())


def render(rec: Recommendation, console: Console) -> None:
    title = Text(f"distadvisor: {rec.system}", style="bold")
    if rec.description:
        title.append(f"\n{rec.description}", style="dim")
    console.print(title)
    for entity in rec.entities:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim", overflow="fold")
        rules = {r.field: r.rule for r in entity.because}
        for field, value in entity.conclusions.items():
            shown = "\n".join(value) if field == "datastores" and value else show(field, value)
            table.add_row(FIELD_LABELS[field], Text(shown), Text(rules.get(field, "")))
        reasons = [Text("• ").append(_reason(r)) for r in entity.because]
        console.print(
            Panel(
                Group(table, Text(""), *reasons),
                title=Text(entity.name, style="bold"),
                title_align="left",
                subtitle=Text(entity.path),
                subtitle_align="right",
            )
        )
    if rec.patterns:
        table = Table(title="Patterns", title_justify="left", expand=True, show_lines=True)
        table.add_column("Pattern", style="bold", no_wrap=True)
        table.add_column("For")
        table.add_column("Why", ratio=3)
        for name, group in groupby(rec.patterns, key=lambda p: p.pattern):
            members = list(group)
            label = Text(name)
            if members[0].scaffold:
                label.append(f"\nscaffold {members[0].scaffold}", style="green")
            why = Text("\n").join(_reason(r) for r in _distinct_reasons(members))
            table.add_row(label, Text(", ".join(p.subject for p in members)), why)
        console.print(table)
    if not rec.findings:
        console.print(Text("Findings: none; the requirements hold together.", style="green"))
        return
    table = Table(title="Findings", title_justify="left", expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Where", overflow="fold")
    table.add_column("Finding", ratio=3)
    for finding in rec.findings:
        table.add_row(
            Text(finding.severity, style=SEVERITY_STYLES[finding.severity]),
            Text(finding.path or "(system)"),
            Text(finding.text + " ").append(f"[{finding.rule}]", style="dim"),
        )
    console.print(table)
