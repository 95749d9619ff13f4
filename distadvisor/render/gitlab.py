"""The `check` report as GitLab code quality JSON, shown in merge requests.

A list of issues, each with a description, the rule as `check_name`, a stable
`fingerprint` (the SARIF one: rule, file, field path), a severity and the file's
path relative to the repository root with its line. Accepted findings are left out:
code quality has no notion of a suppressed issue. Bad input is reported as issues
of `input.invalid`, so a merge request shows why the job failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import Location
from ..pipeline import Report
from .escape import json_document
from .sarif import INPUT_RULE, fingerprint, relative_uri

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def _issue(
    rule: str, text: str, severity: str, where: Location, key: str, root: Path
) -> dict[str, Any]:
    path = relative_uri(where.file, root) or where.file
    return {
        "type": "issue",
        "description": text,
        "check_name": rule,
        "fingerprint": fingerprint(rule, path, key),
        "severity": severity,
        "location": {"path": path, "lines": {"begin": where.line or 1}},
    }


def render(report: Report, root: Path | None = None) -> str:
    base = (root or Path.cwd()).resolve()
    issues = []
    for result in report.results:
        for problem in result.problems:
            issues.append(
                _issue(INPUT_RULE, str(problem), "blocker", problem.location, problem.message, base)
            )
        for finding in result.findings:
            if not finding.suppressed:
                where = result.locate(finding)._replace(file=result.file)
                issues.append(
                    _issue(
                        finding.rule,
                        finding.text,
                        SEVERITIES[finding.severity],
                        where,
                        finding.path,
                        base,
                    )
                )
    # Lossless for a program reading it, and no line a CI log could act on.
    return json_document(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
