"""The `check` report as JUnit XML, which most CI systems show as test results.

One testsuite per file and one testcase per (file, rule) that ran over it: a rule with
a finding at or above `--fail-on` fails its case, an accepted finding skips it, and a
file that is bad input has a single `input` case in error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model.vocabulary import SEVERITIES
from ..pipeline import FileResult, Report
from .escape import xml_document


def _suite(result: FileResult, report: Report) -> ET.Element:
    suite = ET.Element("testsuite", name=result.file)
    failures = errors = skipped = 0
    if result.bad:
        case = ET.SubElement(suite, "testcase", classname=result.file, name="input")
        case.set("file", result.file)
        error = ET.SubElement(
            case, "error", type="bad-input", message="not a valid requirements file"
        )
        error.text = "\n".join(str(p) for p in result.problems)
        errors = 1
        cases = 1
    else:
        worst = SEVERITIES.index(report.fail_on)
        for rule in report.rules:
            case = ET.SubElement(suite, "testcase", classname=result.file, name=rule.id)
            case.set("file", result.file)
            found = [f for f in result.findings if f.rule == rule.id]
            failing = [
                f for f in found if not f.suppressed and SEVERITIES.index(f.severity) <= worst
            ]
            if failing:
                failures += 1
                for finding in failing:
                    where = result.locate(finding)
                    failure = ET.SubElement(
                        case, "failure", type=finding.severity, message=finding.text
                    )
                    failure.text = f"{where}: {finding.text}"
            elif found and all(f.suppressed for f in found):
                skipped += 1
                reasons = "; ".join(f.reason for f in found)
                ET.SubElement(case, "skipped", message=f"accepted: {reasons}")
            elif found:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"{result.locate(f)}: {f.severity}: {f.text}" for f in found)
        cases = len(report.rules)
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    return suite


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="distadvisor check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in report.results:
        suite = _suite(result, report)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    # XML 1.0 cannot carry most control characters, even escaped; a file name or key
    # holding one must not make the whole report unreadable, nor a line of it a command.
    return xml_document(text) + "\n"
