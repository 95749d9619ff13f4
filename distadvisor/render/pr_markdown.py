"""The `check` report as a pull-request comment: verdict, a table per file, and the
accepted findings folded away so they stay visible without drowning the rest."""

from __future__ import annotations

from ..pipeline import FileResult, Report
from .escape import markdown as cell
from .escape import markdown_code

ICONS = {"passed": "✅", "failed": "❌", "bad-input": "⛔"}


def _where(result: FileResult, path: str, line: int | None, *, in_table: bool) -> str:
    spot = f"{result.file}:{line}" if line else result.file
    return (
        f"{markdown_code(spot, in_table=in_table)} "
        f"{markdown_code(path or '(system)', in_table=in_table)}"
    )


def render(report: Report) -> str:
    c = report.counts()
    verdict = {0: "passed", 1: "failed", 2: "bad input"}[report.exit_code]
    lines = [
        f"## distadvisor check: {verdict}",
        "",
        f"{c['files']} files: {c['passed']} passed, {c['failed']} failed, "
        f"{c['bad_input']} bad input. Findings: {c['error']} errors, {c['warning']} warnings, "
        f"{c['info']} info, {c['suppressed']} accepted. Fails on `{report.fail_on}` and above.",
        "",
    ]
    for result in report.results:
        status = result.status(report.fail_on)
        active = [f for f in result.findings if not f.suppressed]
        accepted = [f for f in result.findings if f.suppressed]
        if status == "passed" and not result.findings:
            continue
        lines += [f"### {ICONS[status]} {markdown_code(result.file)}", ""]
        if result.problems:
            lines += [f"- {cell(str(p))}" for p in result.problems]
            lines.append("")
        if active:
            lines += ["| Severity | Where | Finding | Rule |", "|---|---|---|---|"]
            for f in active:
                where = _where(result, f.path, result.locate(f).line, in_table=True)
                rule = markdown_code(f.rule, in_table=True)
                lines.append(f"| {f.severity} | {where} | {cell(f.text)} | {rule} |")
            lines.append("")
        if accepted:
            lines += [f"<details><summary>{len(accepted)} accepted</summary>", ""]
            for f in accepted:
                where = _where(result, f.path, result.locate(f).line, in_table=False)
                lines.append(
                    f"- {f.severity} {where} {markdown_code(f.rule)}: {cell(f.text)}"
                    f" Accepted because: {cell(f.reason)}"
                )
            lines += ["", "</details>", ""]
    if report.exit_code == 0 and not any(r.findings for r in report.results):
        lines += ["No findings: the requirements hold together.", ""]
    return "\n".join(lines)
