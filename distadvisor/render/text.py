"""The report people read in a terminal: a table per kind of data, then patterns and
findings, each with the rules behind it. rich handles width, colour and NO_COLOR.

Every string from the requirements or the rules goes in as `Text`, never as markup,
so a name or message containing `[brackets]` prints as written, and through
`escape.terminal`, so no control character or workflow command reaches the console.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..diagrams import system as diagrams
from ..diagrams.canvas import DEFAULT_WIDTH, MIN_WIDTH
from ..model.requirements import Requirements
from ..recommendation import PatternAdvice, Reason, Recommendation
from ..scaffold.specs import default_options
from .escape import terminal
from .labels import FIELD_LABELS, show

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _reason(reason: Reason) -> Text:
    text = Text(terminal(reason.text) + " ")
    text.append(f"[{terminal(reason.rule)}]", style="dim")
    return text


def _distinct_reasons(patterns: list[PatternAdvice]) -> list[Reason]:
    """One reason per rule: the same rule applied to several subjects reads alike."""
    seen: dict[str, Reason] = {}
    for pattern in patterns:
        for reason in pattern.because:
            seen.setdefault(reason.rule, reason)
    return list(seen.values())


def _print_diagrams(console: Console, drawn: list[diagrams.Diagram]) -> None:
    for diagram in drawn:
        console.print(Text(terminal(diagram.text) + "\n"), crop=False, soft_wrap=True)


def render(rec: Recommendation, console: Console, req: Requirements | None = None) -> None:
    """The report; with the requirements, the diagrams also show regions and sagas."""
    style = diagrams.Style(
        max(MIN_WIDTH, min(console.width, DEFAULT_WIDTH)),
        ascii=not console.encoding.lower().startswith("utf"),
    )
    title = Text(f"distadvisor: {terminal(rec.system)}", style="bold")
    if rec.description:
        title.append(f"\n{terminal(rec.description)}", style="dim")
    console.print(title)
    for entity in rec.entities:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        table.add_column(style="dim", overflow="fold")
        rules = {r.field: r.rule for r in entity.because}
        for field, value in entity.conclusions.items():
            shown = "\n".join(value) if field == "datastores" and value else show(field, value)
            table.add_row(FIELD_LABELS[field], Text(terminal(shown)),
                          Text(terminal(rules.get(field, ""))))
        reasons = [Text("• ").append(_reason(r)) for r in entity.because]
        console.print(
            Panel(
                Group(table, Text(""), *reasons),
                title=Text(terminal(entity.name), style="bold"),
                title_align="left",
                subtitle=Text(terminal(entity.path)),
                subtitle_align="right",
            )
        )
        _print_diagrams(console, diagrams.entity_diagrams(entity, req, style))
    if rec.entities:
        _print_diagrams(console, [diagrams.cap_diagram(rec.entities, style)])
    if rec.patterns:
        # A list, not a table: long reasons wrap at any width instead of squeezing a column.
        console.print(Text("Patterns", style="bold underline"))
        for name, group in groupby(rec.patterns, key=lambda p: p.pattern):
            members = list(group)
            head = Text("• ").append(terminal(name), style="bold")
            head.append(" for " + ", ".join(terminal(p.subject) for p in members))
            if members[0].scaffold:
                head.append(f"  (distadvisor scaffold {terminal(members[0].scaffold)})",
                            style="green")
            console.print(head)
            for reason in _distinct_reasons(members):
                console.print(Padding(_reason(reason), (0, 0, 0, 4)))
    _print_diagrams(console, diagrams.saga_diagrams(rec, req, style)
                    + diagrams.breaker_diagram(rec, style, default_options("circuit-breaker")))
    if not rec.findings:
        console.print(Text("Findings: none; the requirements hold together.", style="green"))
        return
    table = Table(title="Findings", title_justify="left", expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Where", overflow="fold", ratio=1)
    table.add_column("Finding", ratio=3, overflow="fold")
    for finding in rec.findings:
        text = Text(terminal(finding.text) + " ").append(f"[{terminal(finding.rule)}]",
                                                         style="dim")
        severity = Text(finding.severity, style=SEVERITY_STYLES[finding.severity])
        if finding.suppressed:
            severity = Text(f"{finding.severity}\naccepted", style="dim")
            text.append(f"\naccepted: {terminal(finding.reason)}", style="italic")
        table.add_row(severity, Text(terminal(finding.path) or "(system)"), text)
    console.print(table)
