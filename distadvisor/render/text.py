"""The report people read in a terminal. rich handles width, colour and NO_COLOR.

By default it opens with the answer: one line of verdict and counts, the findings that
fail the run at their `file:line:column`, one table with a row per kind of data, the
other findings, and the patterns one line each, so a shipped example fits on a screen.
`detail` adds what the answer rests on: a panel per kind of data with every conclusion
and the rule behind it, the reasons, the diagrams, and every finding's full text.

Every string from the requirements or the rules goes in as `Text`, never as markup,
so a name or message containing `[brackets]` prints as written, and through
`escape.terminal`, so no control character or workflow command reaches the console.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..diagrams import system as diagrams
from ..diagrams.canvas import DEFAULT_WIDTH, MIN_WIDTH
from ..errors import Location
from ..model.requirements import Requirements
from ..pipeline import path_key
from ..recommendation import EntityAdvice, Finding, PatternAdvice, Reason, Recommendation
from ..scaffold.specs import default_options
from .escape import terminal
from .labels import FIELD_LABELS, show, verdict

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
Locator = Callable[[Finding], Location]


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


def subject_name(req: Requirements | None, path: str) -> str:
    """The name of the item a finding's path is under (`data[1].conflicts` -> its name)."""
    key = path_key(path)
    if req is None or len(key) < 2 or not isinstance(key[1], int):
        return ""
    items = getattr(req, str(key[0]), None)
    if not isinstance(items, tuple) or key[1] >= len(items):
        return ""
    return str(getattr(items[key[1]], "name", ""))


def _findings(
    console: Console,
    findings: Sequence[Finding],
    req: Requirements | None,
    locate: Locator | None,
    detail: bool,
) -> None:
    """Each finding where it sits, then its rule's summary (or its full text in detail)."""
    for finding in findings:
        where = locate(finding) if locate else Location(path=finding.path)
        spot = ":".join(str(p) for p in (_shown_path(where.file), where.line, where.column) if p)
        head = Text(terminal(f"{spot or finding.path or '(system)'}: ", one_line=True))
        label = "accepted " + finding.severity if finding.suppressed else finding.severity
        style = "dim" if finding.suppressed else SEVERITY_STYLES[finding.severity]
        head.append(label, style=style).append(f" {terminal(finding.rule)}")
        console.print(head)
        name = subject_name(req, finding.path)
        body = finding.text if detail or not finding.title else finding.title
        text = Text(terminal(f"{name}: ") if name and not detail else "")
        text.append(terminal(body))
        if finding.suppressed:
            text.append(f" (accepted: {terminal(finding.reason)})", style="italic")
        _indented(console, text)


def _indented(console: Console, text: Text, indent: int = 4) -> None:
    """Text wrapped under a hanging indent, without padding lines to the full width."""
    for line in text.wrap(console, max(20, console.width - indent)):
        console.print(Text(" " * indent).append_text(line))


def _shown_path(file: str) -> str:
    """A file below the working directory by its relative path, as linters show it."""
    if not file or file.startswith("<"):
        return file
    try:
        return Path(file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file


def _first_store(value: Any) -> str:
    """The first store of the catalogue's list, by name (its setting is in --detail)."""
    if not value:
        return "(none known)"
    return str(value[0]).split(" (", 1)[0]


def _quorum(entity: EntityAdvice) -> str:
    quorum = entity.conclusions.get("quorum")
    return f"{quorum['n']}/{quorum['w']}/{quorum['r']}" if isinstance(quorum, dict) else ""


def _overview(console: Console, rec: Recommendation) -> None:
    """One row per kind of data: the conclusions a reader looks for first, two to a
    cell (the first store under the name, isolation under consistency, n/w/r under
    replication) so the row fits 80 columns without cutting a word: the vocabulary
    never wraps, and a store's name wraps at its spaces in the widest column left."""
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="bold")
    table.add_column("Data\nFirst store", overflow="fold")
    table.add_column("Consistency\nIsolation", no_wrap=True)
    table.add_column("Replication\nn/w/r", no_wrap=True)
    table.add_column("Partitioning", no_wrap=True)
    for entity in rec.entities:
        c = entity.conclusions
        consistency = str(c.get("consistency", ""))
        if "isolation" in c:
            consistency += f"\n{c['isolation']}"
        replication = str(c.get("replication", ""))
        if _quorum(entity):
            replication += f"\n{_quorum(entity)}"
        data = Text(terminal(entity.name), style="bold")
        data.append("\n" + terminal(_first_store(c.get("datastores"))))
        table.add_row(
            data,
            Text(terminal(consistency)),
            Text(terminal(replication)),
            Text(terminal(str(c.get("partitioning", "")))),
        )
    console.print(table)


def _patterns(console: Console, rec: Recommendation, detail: bool) -> None:
    # A list, not a table: long reasons wrap at any width instead of squeezing a column.
    console.print(Text("Patterns", style="bold underline"))
    for name, group in groupby(rec.patterns, key=lambda p: p.pattern):
        members = list(group)
        head = Text("• ").append(terminal(name), style="bold")
        head.append(" for " + ", ".join(terminal(p.subject) for p in members))
        if members[0].scaffold:
            head.append(f"  (scaffold {terminal(members[0].scaffold)})", style="green")
        console.print(head)
        if detail:
            for reason in _distinct_reasons(members):
                _indented(console, _reason(reason))


def _entity_panels(
    console: Console, rec: Recommendation, req: Requirements | None, style: diagrams.Style
) -> None:
    for entity in rec.entities:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        table.add_column(style="dim", no_wrap=True)  # a rule id is never cut
        rules = {r.field: r.rule for r in entity.because}
        for field, value in entity.conclusions.items():
            shown = "\n".join(value) if field == "datastores" and value else show(field, value)
            table.add_row(
                FIELD_LABELS.get(field, field),
                Text(terminal(shown)),
                Text(terminal(rules.get(field, ""))),
            )
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


def render(
    rec: Recommendation,
    console: Console,
    req: Requirements | None = None,
    *,
    detail: bool = False,
    quiet: bool = False,
    fail_on: str = "error",
    locate: Locator | None = None,
) -> None:
    """The report. `locate` places findings in the file; with the requirements, the
    diagrams also show regions and sagas; `quiet` stops after the findings."""
    console.print(Text(terminal(verdict(rec, fail_on), one_line=True), style="bold"))
    if quiet or detail:
        _findings(console, rec.findings, req, locate, detail)
    else:
        # What fails the run comes first, then the answer, then the other findings.
        failing = rec.failing(fail_on)
        _findings(console, failing, req, locate, detail)
        console.print()
        _overview(console, rec)
        rest = [f for f in rec.findings if f not in failing]
        if rest:
            console.print()
            _findings(console, rest, req, locate, detail)
    if quiet:
        return
    if detail:
        console.print()
        if rec.description:
            console.print(Text(terminal(rec.description), style="dim"))
        style = diagrams.Style(
            max(MIN_WIDTH, min(console.width, DEFAULT_WIDTH)),
            ascii=not console.encoding.lower().startswith("utf"),
        )
        _entity_panels(console, rec, req, style)
    if rec.patterns:
        console.print()
        _patterns(console, rec, detail)
    if detail:
        console.print()
        _print_diagrams(
            console,
            diagrams.saga_diagrams(rec, req, style)
            + diagrams.breaker_diagram(rec, style, default_options("circuit-breaker")),
        )
    else:
        hint = "Reasons and diagrams: --detail; a rule's sources: distadvisor rules show ID"
        console.print(Text("\n" + hint, style="dim"))
