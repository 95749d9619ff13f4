"""Keep docs/requirements.md and docs/rules.md honest against the code.

Every requirements field, fact, function, rule key and pattern must be documented;
the rule ids the docs cite must exist; and the examples the docs mark with
`<!-- example: NAME -->` must really load, validate and pass their fixtures.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from distadvisor.cli.main import app
from distadvisor.engine import rules
from distadvisor.engine.facts import SCOPES, schema_for
from distadvisor.engine.functions import build
from distadvisor.engine.slots import ENTITY_SLOTS
from distadvisor.model import requirements, yamlsource
from distadvisor.model.vocabulary import PATTERNS, SEVERITIES
from distadvisor.resources import rules_dir

DOCS = Path(__file__).resolve().parent.parent / "docs"
REQUIREMENTS_DOC = DOCS / "requirements.md"
RULES_DOC = DOCS / "rules.md"

_EXAMPLE = re.compile(r"<!-- example: (?P<name>[\w.-]+) -->\s*\n```yaml\n(?P<body>.*?)\n```", re.S)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def examples(path: Path) -> dict[str, str]:
    """The fenced YAML blocks marked `<!-- example: NAME -->`, by name."""
    found: dict[str, str] = {}
    for match in _EXAMPLE.finditer(_text(path)):
        name = match.group("name")
        assert name not in found, f"{path.name}: example {name} marked twice"
        found[name] = match.group("body") + "\n"
    return found


def _section(text: str, heading: str) -> str:
    """The body of the `## heading` section, up to the next `## ` heading."""
    start = text.find(f"\n## {heading}\n")
    assert start >= 0, f"no section '## {heading}'"
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def _dataclass_of(hint: typing.Any) -> type | None:
    """The section dataclass behind a field type: `Deployment`, `tuple[Entity, ...]`."""
    if dataclasses.is_dataclass(hint):
        return typing.cast(type, hint)
    if typing.get_origin(hint) is tuple:
        inner = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(inner):
            return typing.cast(type, inner)
    return None


def requirement_sections() -> Iterator[tuple[str, type]]:
    """(doc heading, dataclass) for the top level and every section below it."""
    yield "Top level", requirements.Requirements
    hints = requirements.field_types(requirements.Requirements)
    for fld in dataclasses.fields(requirements.Requirements):
        cls = _dataclass_of(hints[fld.name])
        if cls is not None:
            yield f"`{fld.name}`", cls


SECTIONS = list(requirement_sections())


@pytest.mark.parametrize(("heading", "cls"), SECTIONS, ids=[h for h, _ in SECTIONS])
def test_every_requirements_field_is_documented_in_its_section(heading: str, cls: type) -> None:
    body = _section(_text(REQUIREMENTS_DOC), heading)
    missing = [f.name for f in dataclasses.fields(cls) if f"`{f.name}`" not in body]
    assert not missing, f"docs/requirements.md section {heading} lacks {missing}"


def test_requirements_sections_cover_every_dataclass() -> None:
    documented = {cls for _, cls in SECTIONS}
    for cls in list(documented):
        for hint in requirements.field_types(cls).values():
            inner = _dataclass_of(hint)
            assert inner is None or inner in documented, f"{inner} has no section"


def test_requirements_examples_are_valid_files() -> None:
    found = examples(REQUIREMENTS_DOC)
    assert len(found) >= 2, "docs/requirements.md should mark its two examples"
    for name, body in found.items():
        requirements.from_document(yamlsource.parse(body, name))  # raises if invalid


def test_requirements_examples_advise_without_error(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, body in examples(REQUIREMENTS_DOC).items():
        file = tmp_path / name
        file.write_text(body, encoding="utf-8")
        result = runner.invoke(app, ["advise", str(file), "--format", "json"])
        assert result.exit_code == 0, f"{name}: {result.output}"


def _fact_paths(scope: str) -> Iterator[str]:
    for path, kind in schema_for(scope).items():
        yield path
        for key, _ in kind.fields:  # object facts: entity.quorum.n ...
            yield f"{path}.{key}"


@pytest.mark.parametrize("scope", SCOPES)
def test_every_fact_is_documented(scope: str) -> None:
    text = _text(RULES_DOC)
    missing = [p for p in _fact_paths(scope) if f"`{p}`" not in text]
    assert not missing, f"docs/rules.md lacks facts of scope {scope}: {missing}"
    assert f"`{scope}`" in text


def test_every_function_is_documented() -> None:
    ruleset = rules.load([rules_dir()])
    text = _text(RULES_DOC)
    names = build(ruleset.catalogue, ruleset.network, ruleset.figures, ruleset.failures)
    missing = [name for name in names if f"`{name}(" not in text]
    assert not missing, f"docs/rules.md lacks functions {missing}"


def test_rule_keys_fields_patterns_and_severities_are_documented() -> None:
    text = _text(RULES_DOC)
    wanted = [*rules.RULE_KEYS, *rules.FILE_KEYS, *ENTITY_SLOTS, *PATTERNS, *SEVERITIES]
    missing = [w for w in wanted if f"`{w}`" not in text]
    assert not missing, f"docs/rules.md lacks {missing}"
    assert "questions.yaml" in text


@pytest.mark.parametrize("doc", [REQUIREMENTS_DOC, RULES_DOC], ids=lambda p: p.name)
def test_cited_shipped_rule_ids_exist(doc: Path) -> None:
    """A rule renamed or removed must not leave the docs citing it."""
    ruleset = rules.load([rules_dir()])
    frameworks = {r.framework for r in ruleset.rules}
    ids = {r.id for r in ruleset.rules}
    cited = set(re.findall(r"`([a-z]+\.[a-z][a-z0-9-]*)`", _text(doc)))
    stale = sorted(c for c in cited if c.split(".")[0] in frameworks and c not in ids)
    assert not stale, f"{doc.name} cites rules that do not exist: {stale}"


@pytest.fixture
def team_rules(tmp_path: Path) -> Path:
    """The worked example of docs/rules.md, written out as a rules folder."""
    found = examples(RULES_DOC)
    assert {"team.yaml", "team.test.yaml"} <= set(found), f"examples found: {list(found)}"
    folder = tmp_path / "team-rules"
    folder.mkdir()
    for name in ("team.yaml", "team.test.yaml"):
        (folder / name).write_text(found[name], encoding="utf-8")
    return folder


def test_worked_example_validates(team_rules: Path) -> None:
    result = CliRunner().invoke(app, ["rules", "validate", str(team_rules)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: 1 rule files in {team_rules}")


def test_worked_example_fixtures_pass(team_rules: Path) -> None:
    result = CliRunner().invoke(app, ["rules", "test", str(team_rules)])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
    assert re.search(r"^[1-9]\d* passed, 0 failed$", result.output, re.M), result.output


def test_worked_example_covers_every_outcome_kind(team_rules: Path) -> None:
    """The example shows a conclusion, a pattern and a finding, as the doc says."""
    ruleset = rules.load([rules_dir(), team_rules])
    kinds = {r.kind for r in ruleset.rules if r.framework == "team"}
    assert kinds == {"conclusion", "pattern", "finding"}


def test_worked_example_output_quoted_in_doc_is_current(team_rules: Path) -> None:
    runner = CliRunner()
    validate = runner.invoke(app, ["rules", "validate", str(team_rules)]).output.strip()
    test = runner.invoke(app, ["rules", "test", str(team_rules)]).output.strip()
    text = _text(RULES_DOC)
    # The total counts the shipped rules too, so any number is accepted there.
    own, _, total = validate.replace(str(team_rules), "team-rules").partition(", ")
    assert re.fullmatch(r"\d+ rules in all", total), validate
    assert re.search(re.escape(own) + r", \d+ rules in all", text), own
    assert test in text


def test_a_broken_example_fails(team_rules: Path) -> None:
    """The checks above can fail: a fixture expecting the wrong value is caught."""
    fixture = team_rules / "team.test.yaml"
    fixture.write_text(
        fixture.read_text(encoding="utf-8").replace("replication: consensus", "replication: chain"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["rules", "test", str(team_rules)])
    assert result.exit_code == 1
    assert "FAIL" in result.output
