"""The `check` report as one JSON document for every file checked.

Each file carries its recommendation in the contract's form (contract.md §2), its
findings with the line and column of the field they are about, or the problems that
made it bad input.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import Problem
from ..pipeline import FileResult, Report
from .escape import json_document

SCHEMA = "distadvisor/check/v1"


def _problem(problem: Problem) -> dict[str, Any]:
    where = problem.location
    return {
        "message": problem.message,
        "line": where.line,
        "column": where.column,
        "path": where.path,
        "expected": problem.expected,
        "found": problem.found,
        "hint": problem.hint,
        "text": str(problem),
    }


def _file(result: FileResult, fail_on: str) -> dict[str, Any]:
    rec = None
    if result.recommendation is not None:
        rec = result.recommendation.to_dict()
        for shown, finding in zip(rec["findings"], result.findings, strict=True):
            where = result.locate(finding)
            shown |= {"line": where.line, "column": where.column}
    return {
        "file": result.file,
        "status": result.status(fail_on),
        "recommendation": rec,
        "problems": [_problem(p) for p in result.problems],
    }


def render(report: Report) -> str:
    doc = {
        "schema": SCHEMA,
        "fail_on": report.fail_on,
        "exit_code": report.exit_code,
        "summary": report.counts(),
        "files": [_file(r, report.fail_on) for r in report.results],
    }
    # Compact: json's C encoder only serves documents written without indentation, and a
    # report over a thousand files is read by programs (`jq .` indents it for people).
    return json_document(json.dumps(doc, ensure_ascii=False)) + "\n"
