"""The `check` report as GitHub Actions workflow commands: annotations on the files.

`::error file=F,line=L,col=C,title=RULE::message` puts the finding on the line in the
pull request. Values are escaped as the runner expects (`escape.github_data` and
`escape.github_property`): `%`, CR and LF everywhere, `:` and `,` too inside properties.
"""

from __future__ import annotations

from ..errors import Location
from ..pipeline import Report
from .check_text import summary
from .escape import github_data, github_property

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def command(level: str, where: Location, title: str, message: str) -> str:
    props = [f"file={github_property(where.file)}"]
    if where.line is not None:
        props.append(f"line={where.line}")
        if where.column is not None:
            props.append(f"col={where.column}")
    props.append(f"title={github_property(title)}")
    return f"::{level} {','.join(props)}::{github_data(message)}"


def render(report: Report) -> str:
    lines = []
    for result in report.results:
        for problem in result.problems:
            lines.append(command("error", problem.location, "distadvisor: bad input", str(problem)))
        for finding in result.findings:
            where = result.locate(finding)
            if finding.suppressed:
                text = f"{finding.text} (suppressed: {finding.reason})"
                lines.append(command("notice", where, f"{finding.rule} (suppressed)", text))
            else:
                lines.append(command(LEVELS[finding.severity], where, finding.rule, finding.text))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
