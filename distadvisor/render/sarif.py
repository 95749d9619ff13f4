"""The `check` report as SARIF 2.1.0, the format code-scanning services read.

Each finding is a result on the file, line and column of the field it is about, its
URI relative to the repository root (`%SRCROOT%`), as GitHub code scanning expects
whichever folder the check ran from. The rules that ran are listed in
`tool.driver.rules`: a one-sentence summary without placeholders, the rule's message
and references as its help, and its page under docs/rules/. `partialFingerprints`
follow a finding across edits that move its line. Accepted findings carry a
`suppressions` entry with the reason; bad input is reported as results of the
`input.invalid` rule, placed where the problem is, and the run is then not
`executionSuccessful`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import REPOSITORY, __version__, rule_page
from ..engine.rules import Rule
from ..errors import Location
from ..pipeline import Report
from ..resources import rules_dir
from . import escape

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = REPOSITORY
INPUT_RULE = "input.invalid"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "distadvisor/v1"


def relative_uri(file: str, root: Path) -> str | None:
    """The file's path below `root`, as a URI reference; None when it is elsewhere."""
    try:
        return quote(Path(file).resolve().relative_to(root).as_posix())
    except ValueError:
        return None


def artifact(file: str, root: Path) -> dict[str, str]:
    """The file's URI: relative to the root (%SRCROOT%) when it is below it."""
    if file == "<stdin>":
        return {"uri": "stdin"}  # no file to resolve against the source root
    relative = relative_uri(file, root)
    if relative is None:
        return {"uri": Path(file).resolve().as_uri()}
    return {"uri": relative, "uriBaseId": "%SRCROOT%"}


def fingerprint(rule: str, uri: str, path: str) -> str:
    """Stable across runs and line moves: the rule, the file and the field path."""
    return hashlib.sha256(f"{rule}\0{uri}\0{path}".encode()).hexdigest()[:32]


def location(where: Location, root: Path) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact(where.file, root)}
    if where.line is not None:
        region = {"startLine": where.line}
        if where.column is not None:
            region["startColumn"] = where.column
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    if where.path:
        out["logicalLocations"] = [{"fullyQualifiedName": where.path, "kind": "member"}]
    return out


def descriptor(rule: Rule) -> dict[str, Any]:
    """A rule's entry; a rule file is untrusted, so its texts are escaped too."""
    summary, doc = escape.sarif(rule.summary()), escape.sarif(rule.doc())
    refs = "\n".join(f"- {escape.sarif(r)}" for r in rule.references)
    refs_markdown = "\n".join(f"- {escape.markdown(r)}" for r in rule.references)
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": doc},
        "help": {
            "text": f"{summary}\n\n{doc}\n\nReferences:\n{refs}",
            "markdown": f"{escape.markdown(rule.summary())}\n\n{escape.markdown(rule.doc())}"
            f"\n\n**References**\n\n{refs_markdown}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity or "warning"]},
        "properties": {"tags": [rule.framework], "references": list(rule.references)},
    }
    if Path(rule.source.file).resolve().parent == rules_dir().resolve():
        out["helpUri"] = rule_page(rule.id)  # a shipped rule has a page; a team's own not
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
    "helpUri": f"{REPOSITORY}/blob/v{__version__}/docs/requirements.md",
    "defaultConfiguration": {"level": "error"},
}


def render(report: Report, root: Path | None = None) -> str:
    base = (root or Path.cwd()).resolve()
    rules = [descriptor(r) for r in report.rules] + [INPUT_DESCRIPTOR]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for result in report.results:
        uri = relative_uri(result.file, base) or result.file
        for problem in result.problems:
            results.append(
                {
                    "ruleId": INPUT_RULE,
                    "ruleIndex": index[INPUT_RULE],
                    "level": "error",
                    "message": {"text": escape.sarif(str(problem))},
                    "locations": [location(problem.location, base)],
                    "partialFingerprints": {
                        FINGERPRINT: fingerprint(INPUT_RULE, uri, problem.message)
                    },
                }
            )
        for finding in result.findings:
            item: dict[str, Any] = {
                "ruleId": finding.rule,
                "level": LEVELS[finding.severity],
                "message": {"text": escape.sarif(finding.text)},
                "locations": [location(result.locate(finding), base)],
                "partialFingerprints": {FINGERPRINT: fingerprint(finding.rule, uri, finding.path)},
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
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
        "invocations": [
            {"executionSuccessful": report.exit_code != 2, "exitCode": report.exit_code}
        ],
        "results": results,
    }
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return escape.json_document(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
