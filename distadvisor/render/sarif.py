"""The `check` report as SARIF 2.1.0, the format code-scanning services read.

Each finding is a result on the file, line and column of the field it is about; the
rules that ran are listed in `tool.driver.rules` with their message and references.
Accepted findings carry a `suppressions` entry with the reason; bad input is reported
as results of the `input.invalid` rule, placed where the problem is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..engine.rules import Rule
from ..errors import Location
from ..pipeline import Report
from . import escape

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/distadvisor/"
INPUT_RULE = "input.invalid"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_URL = re.compile(r"https?://[^\s,;)]+")


def artifact(file: str) -> dict[str, str]:
    """The file's URI: relative to the current directory (%SRCROOT%) when it is below it."""
    if file == "<stdin>":
        return {"uri": "stdin"}  # no file to resolve against the source root
    path = Path(file).resolve()
    try:
        relative = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}


def location(where: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact(where.file)}
    if where.line is not None:
        region = {"startLine": where.line}
        if where.column is not None:
            region["startColumn"] = where.column
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    if where.path:
        out["logicalLocations"] = [{"fullyQualifiedName": where.path, "kind": "member"}]
    return out


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def descriptor(rule: Rule) -> dict[str, Any]:
    """A rule's entry; a rule file is untrusted, so its texts are escaped too."""
    message = escape.sarif(rule.message_source)
    refs = "\n".join(f"- {escape.sarif(r)}" for r in rule.references)
    refs_markdown = "\n".join(f"- {escape.markdown(r)}" for r in rule.references)
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": _first_sentence(message)},
        "fullDescription": {"text": message},
        "help": {
            "text": f"{message}\n\nReferences:\n{refs}",
            "markdown": f"{escape.markdown(rule.message_source)}\n\n**References**\n\n"
            f"{refs_markdown}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity or "warning"]},
        "properties": {"tags": [rule.framework], "references": list(rule.references)},
    }
    url = next((m.group(0) for r in rule.references for m in [_URL.search(r)] if m), None)
    if url:
        out["helpUri"] = url
    return out


INPUT_DESCRIPTOR: dict[str, Any] = {
    "id": INPUT_RULE,
    "name": INPUT_RULE,
    "shortDescription": {"text": "The requirements file is not valid."},
    "fullDescription": {
        "text": "The file could not be read, parsed or validated against the requirements"
        " model; the message names the field, what was expected and what was found."
    },
    "help": {"text": "See docs/requirements.md for the requirements file format."},
    "defaultConfiguration": {"level": "error"},
}


def render(report: Report) -> str:
    rules = [descriptor(r) for r in report.rules] + [INPUT_DESCRIPTOR]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for result in report.results:
        for problem in result.problems:
            results.append(
                {
                    "ruleId": INPUT_RULE,
                    "ruleIndex": index[INPUT_RULE],
                    "level": "error",
                    "message": {"text": escape.sarif(str(problem))},
                    "locations": [location(problem.location)],
                }
            )
        for finding in result.findings:
            item: dict[str, Any] = {
                "ruleId": finding.rule,
                "level": LEVELS[finding.severity],
                "message": {"text": escape.sarif(finding.text)},
                "locations": [location(result.locate(finding))],
            }
            if finding.rule in index:
                item["ruleIndex"] = index[finding.rule]
            if finding.suppressed:
                item["suppressions"] = [
                    {"kind": "inSource", "justification": escape.sarif(finding.reason)}
                ]
            results.append(item)
    run = {
        "tool": {
            "driver": {
                "name": "distadvisor",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}],
        "results": results,
    }
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return escape.json_document(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
