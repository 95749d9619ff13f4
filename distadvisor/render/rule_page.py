"""A rule as documentation: `rules show`, and the pages under docs/rules/ that SARIF's
`helpUri` points at. Both come from the rule files and their fixtures, so a page
cannot drift from the rule it describes (a test regenerates docs/rules/ and compares).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engine.fixtures import load_cases
from ..engine.rules import FIXTURE_SUFFIX, Rule, RuleSet
from .escape import markdown as cell


def example(rule: Rule, ruleset: RuleSet) -> dict[str, Any] | None:
    """The requirements of the first fixture case the rule fires on, if it has one."""
    rule_file = Path(rule.source.file)
    fixture = rule_file.with_name(rule_file.name.removesuffix(".yaml") + FIXTURE_SUFFIX)
    if not fixture.is_file():
        return None
    for case in load_cases(fixture, ruleset):
        if rule.id in case.fires:
            data: dict[str, Any] = case.document.data
            return data
    return None


def example_yaml(rule: Rule, ruleset: RuleSet) -> str:
    """The example as a requirements file (empty when the rule has no firing fixture)."""
    import yaml

    data = example(rule, ruleset)
    if data is None:
        return ""
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88))


def markdown(rule: Rule, ruleset: RuleSet) -> str:
    """The page docs/rules/<id>.md."""
    lines = [
        f"# {rule.id}",
        "",
        rule.summary(),
        "",
        f"- Framework: `{rule.framework}` (scope `{rule.scope}`, priority {rule.priority})",
        f"- Concludes: {rule.outcome_text()}",
        f"- When: `{rule.when_source or 'always (the fallback)'}`",
        *(["- Runs in: `distadvisor simulate` (it reads predictions)"] if rule.predicted else []),
        "",
        "## What it says",
        "",
        rule.doc(("`", "`")),
        "",
        "## References",
        "",
        *(f"- {ref}" for ref in rule.references),
    ]
    sample = example_yaml(rule, ruleset)
    if sample:
        lines += [
            "",
            "## Example",
            "",
            "A requirements file it fires on (from its fixtures):",
            "",
            "```yaml",
            sample.rstrip("\n"),
            "```",
        ]
    lines += [
        "",
        "---",
        "Generated from the rule files by `distadvisor rules docs`; edit the rule, not this page.",
    ]
    return "\n".join(lines) + "\n"


def pages(ruleset: RuleSet) -> dict[str, str]:
    """File name -> page, for every rule and an index."""
    out = {f"{rule.id}.md": markdown(rule, ruleset) for rule in ruleset.rules}
    index = ["# Rules", "", "| Rule | Concludes | Summary |", "|---|---|---|"]
    index += [
        f"| [{r.id}]({r.id}.md) | {cell(r.outcome_text())} | {cell(r.summary())} |"
        for r in ruleset.rules
    ]
    out["README.md"] = "\n".join(index) + "\n"
    return out
