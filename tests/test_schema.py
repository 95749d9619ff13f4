"""`distadvisor schema`: the JSON Schema is derived from the model and agrees with it."""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from test_properties import documents
from typer.testing import Result

from distadvisor.model import requirements, yamlsource
from distadvisor.model.schema import requirements_schema

CLI = Callable[..., Result]
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
SCHEMA = requirements_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_the_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_command_prints_the_schema(cli: CLI) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA


def _sections(cls: type) -> Iterator[type]:
    yield cls
    for hint in requirements.field_types(cls).values():
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner):
                yield from _sections(typing.cast(type, inner))


def test_every_field_of_the_model_is_in_the_schema() -> None:
    seen = set()
    for cls in _sections(requirements.Requirements):
        node = SCHEMA if cls is requirements.Requirements else SCHEMA["$defs"][cls.__name__]
        fields = dataclasses.fields(cls)
        assert list(node["properties"]) == [f.name for f in fields], cls
        assert node["additionalProperties"] is False
        required = [f.name for f in fields if f.metadata.get("required")]
        assert node.get("required", []) == required, cls
        for f in fields:
            assert node["properties"][f.name]["description"] == f.metadata["help"]
        seen.add(cls.__name__)
    assert {"Entity", "DataDesign", "Accept", "Service", "Transaction"} <= seen


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_shipped_examples_validate(example: Path) -> None:
    VALIDATOR.validate(yaml.safe_load(example.read_text(encoding="utf-8")))


MINIMAL: dict[str, Any] = {"version": 1, "system": "s", "data": [{"name": "a"}]}


@pytest.mark.parametrize(
    "change",
    [
        {"colour": "blue"},
        {"data": [{"name": "a", "stale_read": "never"}]},
        {"data": [{"name": "a", "design": {"datastore": "x", "quorum": 2}}]},
        {"version": 2},
        {"availability": {"target": 100}},
        {"availability": {"target": 89}},
        {"availability": {"node_failures_tolerated": -1}},
        {"availability": {"node_failures_tolerated": 1.5}},
        {"latency_budget_ms": {"write": 0}},
        {"deployment": {"regions": 0}},
        {"deployment": {"regions": []}},
        {"deployment": {"writes_from": "everywhere"}},
        {"data": []},
        {"data": [{"name": "1abc"}]},
        {"data": [{"name": "a", "design": {"write_consistency": "quorum"}}]},
        {"data": [{"name": "a", "design": {"replication_factor": 0}}]},
        {"accept": [{"rule": "findings.x"}]},
        {"accept": [{"rule": "findings.x", "reason": "ok", "path": "data[0"}]},
        {"system": None},
    ],
)
def test_invalid_documents_fail_the_schema_and_the_validator(change: dict[str, Any]) -> None:
    doc = MINIMAL | change
    assert list(VALIDATOR.iter_errors(doc)), doc
    with pytest.raises(requirements.InputError):
        requirements.from_document(yamlsource.parse(yaml.safe_dump(doc), "<test>"))


@given(documents())
def test_every_document_the_validator_accepts_the_schema_accepts(doc: dict[str, Any]) -> None:
    requirements.from_document(yamlsource.parse(yaml.safe_dump(doc), "<test>"))
    VALIDATOR.validate(doc)
