"""The `check` report for a terminal or a CI log: one line per finding, then a summary.

Lines read `FILE:LINE:COLUMN: SEVERITY RULE: TEXT`, the form editors and CI logs turn
into links.
"""

from __future__ import annotations

from ..pipeline import Report
from .escape import terminal
from .labels import finding_counts


def summary(report: Report) -> str:
    """One line: files by status, findings by severity, and the level that fails."""
    c = report.counts()
    return (
        f"{c['files']} files: {c['passed']} passed, {c['failed']} failed, "
        f"{c['bad_input']} bad input; findings: {finding_counts(c)} (fail on {report.fail_on})"
    )


def render(report: Report) -> str:
    lines = []
    for result in report.results:
        for problem in result.problems:
            lines.append(f"{terminal(str(problem), one_line=True)}  [bad input]")
        for finding in result.findings:
            where = result.locate(finding)
            head = f"{where.file}:{where.line}:{where.column}" if where.line else where.file
            said = f"{finding.severity} {finding.rule}: {finding.text}"
            if finding.suppressed:
                said = f"suppressed {said} (accepted: {finding.reason})"
            lines.append(terminal(f"{head}: {said}", one_line=True))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
