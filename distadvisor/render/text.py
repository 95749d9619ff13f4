"""The report people read in a terminal: a table per kind of data, then patterns and
findings, each with the rules behind it. rich handles width, colour and NO_COLOR."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..recommendation import Recommendation
from .labels import FIELD_LABELS, show

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(rec: Recommendation, console: Console) -> None:
    title = Text(f"distadvisor: {rec.system}", style="bold")
    if rec.description:
        title.append(f"\n{rec.description}", style="dim")
    console.print(title)
    for entity in rec.entities:
        table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_column(style="dim")
        rules = {r.field: r.rule for r in entity.because}
        for field, value in entity.conclusions.items():
            table.add_row(FIELD_LABELS[field], show(field, value), rules.get(field, ""))
        reasons = Text()
        for reason in entity.because:
            reasons.append(f"\n• {reason.text} ", style="")
            reasons.append(f"[{reason.rule}]", style="dim")
        console.print(
            Panel(
                Group(table, reasons),
                title=f"[bold]{entity.name}[/]",
                title_align="left",
                subtitle=entity.path,
                subtitle_align="right",
            )
        )
    if rec.patterns:
        table = Table(title="Patterns", title_justify="left", show_lines=False, expand=True)
        table.add_column("Pattern", style="bold", no_wrap=True)
        table.add_column("For", no_wrap=True)
        table.add_column("Scaffold", no_wrap=True)
        table.add_column("Why")
        for pattern in rec.patterns:
            why = "\n".join(f"{r.text} [{r.rule}]" for r in pattern.because)
            scaffold = f"distadvisor scaffold {pattern.scaffold}" if pattern.scaffold else ""
            table.add_row(pattern.pattern, pattern.subject, scaffold, why)
        console.print(table)
    table = Table(title="Findings", title_justify="left", expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Where", no_wrap=True)
    table.add_column("Finding")
    for finding in rec.findings:
        table.add_row(
            Text(finding.severity, style=SEVERITY_STYLES[finding.severity]),
            finding.path or "(system)",
            f"{finding.text} [{finding.rule}]",
        )
    if rec.findings:
        console.print(table)
    else:
        console.print(Text("Findings: none: the requirements hold together.", style="green"))
