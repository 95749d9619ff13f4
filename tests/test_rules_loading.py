"""Rule files are checked on load: a broken one names its file and rule id."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from distadvisor.engine import rules
from distadvisor.errors import InputError
from distadvisor.resources import rules_dir

GOOD_MESSAGE = "A message long enough to explain why the rule concludes what it does."


def load_with(tmp_path: Path, text: str, name: str = "extra.yaml") -> rules.RuleSet:
    (tmp_path / name).write_text(textwrap.dedent(text))
    return rules.load([rules_dir(), tmp_path])


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_with(tmp_path, text)
    return str(caught.value)


def rule_file(rule: str, framework: str = "team") -> str:
    return f"framework: {framework}\nrules:\n" + textwrap.indent(textwrap.dedent(rule), "  ")


def test_shipped_rules_load_and_every_rule_is_documented(ruleset: rules.RuleSet) -> None:
    assert len(ruleset.rules) >= 60
    for rule in ruleset.rules:
        assert rule.references and len(rule.message_source) >= 20
        assert rule.id.startswith(rule.framework + ".")
    assert ruleset.slot_order.index("consistency") < ruleset.slot_order.index("cap")
    assert ruleset.slot_order.index("cap") < ruleset.slot_order.index("pacelc")
    assert ruleset.slot_order.index("replication") < ruleset.slot_order.index("quorum")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "- id: team.x\n  when: entity.mony\n  set: {consistency: causal}\n"
            f"  message: {GOOD_MESSAGE}\n  references: [r]\n",
            "extra.yaml:4:11: rules[0].when: rule 'team.x': unknown fact 'entity.mony'",
        ),
        (
            "- id: team.x\n  set: {consistency: strong}\n"
            f"  message: {GOOD_MESSAGE}\n  references: [r]\n",
            "rule 'team.x': not a value of 'consistency'; expected linearizable | sequential",
        ),
        (
            "- id: team.x\n  set: {colour: red}\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule 'team.x': unknown field 'colour'",
        ),
        (
            "- id: team.x\n  pattern: singleton\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule 'team.x': unknown pattern",
        ),
        (
            "- id: team.x\n  severity: fatal\n  message: " + GOOD_MESSAGE + "\n  references: [r]\n",
            "rule 'team.x': unknown severity",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  severity: info\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule 'team.x' must have exactly one outcome",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  message: too short\n  references: [r]\n",
            "rule 'team.x': message missing or too short",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  message: " + GOOD_MESSAGE + "\n",
            "rule 'team.x': references missing",
        ),
        (
            "- id: other.x\n  pattern: outbox\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule id missing, malformed or not in its framework; expected 'team.<name>'",
        ),
        (
            "- id: 'team.[/]'\n  pattern: outbox\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule id missing, malformed or not in its framework",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  wen: entity.money\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "unknown key 'wen'",
        ),
        (
            "- id: team.x\n  scope: service\n  set: {cap: AP}\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule 'team.x': conclusions are about kinds of data",
        ),
        (
            "- id: team.x\n  compute: {consistency: \"'eventual'\"}\n  message: "
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "'consistency' is set from its vocabulary, not computed",
        ),
        (
            '- id: team.x\n  compute: {quorum: "len(entity.residency)"}\n  message: '
            + GOOD_MESSAGE
            + "\n  references: [r]\n",
            "rule 'team.x': 'quorum' must be object",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  message: '{entity.nam} is "
            + GOOD_MESSAGE
            + "'\n  references: [r]\n",
            "in placeholder {entity.nam}",
        ),
        (
            "- id: team.x\n  pattern: outbox\n  message: " + GOOD_MESSAGE + "\n  references: [r]\n"
            "- id: team.x\n  pattern: cqrs\n  message: " + GOOD_MESSAGE + "\n  references: [r]\n",
            "duplicate rule id 'team.x'",
        ),
    ],
)
def test_broken_rules_are_refused_with_file_and_id(
    tmp_path: Path, rule: str, expected: str
) -> None:
    assert expected in refused(tmp_path, rule_file(rule))


def test_cycles_between_fields_are_refused(tmp_path: Path) -> None:
    text = rule_file(
        f"""\
        - id: team.a
          priority: 500
          when: entity.cap == 'CP'
          set: {{consistency: linearizable}}
          message: {GOOD_MESSAGE}
          references: [r]
        """
    )
    message = refused(tmp_path, text)
    assert "cycle" in message and "team.a" in message


def test_overriding_a_fallback_with_a_conditional_rule_is_refused(tmp_path: Path) -> None:
    text = rule_file(
        f"""\
        - id: consistency.default
          when: entity.money
          set: {{consistency: eventual}}
          message: {GOOD_MESSAGE}
          references: [r]
        """,
        framework="consistency",
    )
    assert "no rule always concludes 'consistency'" in refused(tmp_path, text)


def test_a_team_rule_overrides_a_shipped_one_by_id(tmp_path: Path) -> None:
    text = rule_file(
        f"""\
        - id: consistency.default
          set: {{consistency: causal}}
          message: {GOOD_MESSAGE}
          references: [our design guide]
        """,
        framework="consistency",
    )
    ruleset = load_with(tmp_path, text, "consistency.yaml")
    rule = ruleset.by_id("consistency.default")
    assert rule is not None and rule.references == ("our design guide",)
    assert sum(r.id == "consistency.default" for r in ruleset.rules) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "a rule file must be a mapping"),
        ("framework: team\n", "missing or empty 'rules'"),
        ("rules: []\n", "missing or malformed 'framework'"),
        ("framework: Team X\nrules: []\n", "missing or malformed 'framework'"),
        (
            "framework: team\nrules:\n  - id: team.deep\n    pattern: outbox\n"
            '    when: "' + "(" * 30 + "true" + ")" * 30 + '"\n'
            "    message: A message long enough to explain why the rule says so.\n"
            "    references: [r]\n",
            "expression nests deeper than 20 levels",
        ),
        (
            "framework: team\nrules:\n  - id: team.esc\n    pattern: outbox\n"
            '    message: "A message long enough \\e[2J\\n::error::forged"\n'
            "    references: [r]\n",
            "message contains control characters",
        ),
        (
            "framework: team\nrules:\n  - id: team.esc\n    pattern: outbox\n"
            "    message: A message long enough to explain why the rule says so.\n"
            '    references: ["r\\x1b]8;;"]\n',
            "references missing",
        ),
        (
            "framework: team\nrules:\n  - id: team.big\n    pattern: outbox\n"
            '    when: "entity.index > ' + "9" * 5000 + '"\n'
            "    message: A message long enough to explain why the rule says so.\n"
            "    references: [r]\n",
            "number longer than 15 digits",
        ),
        ("framework: team\nscope: galaxy\nrules: []\n", "unknown scope"),
        ("framework: team\nrules: [1]\n", "a rule must be a mapping"),
        ("framework: team\nrules: {\n", "not valid YAML"),
    ],
)
def test_broken_rule_files(tmp_path: Path, text: str, expected: str) -> None:
    message = refused(tmp_path, text)
    assert expected in message and "extra.yaml" in message


def test_missing_rules_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="rules folder not found"):
        rules.load([rules_dir(), tmp_path / "nope"])
