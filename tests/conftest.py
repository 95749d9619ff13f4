"""Shared fixtures: the shipped rule set (loaded once), example files, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings
from typer.testing import CliRunner, Result

from distadvisor.cli.main import app
from distadvisor.engine import chaining, rules
from distadvisor.model import requirements, yamlsource
from distadvisor.recommendation import Recommendation
from distadvisor.resources import rules_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# CI runs the fuzzing properties at full strength; a local run stays quick.
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def ruleset() -> rules.RuleSet:
    return rules.load([rules_dir()])


def requirements_from(data: dict[str, Any]) -> requirements.Requirements:
    """Validate a requirements mapping (version and system filled in when absent)."""
    doc = {"version": 1, "system": "test"} | data
    return requirements.from_document(yamlsource.parse(yaml.safe_dump(doc), "<test>"))


@pytest.fixture
def advise(ruleset: rules.RuleSet) -> Callable[[dict[str, Any]], Recommendation]:
    return lambda data: chaining.advise(ruleset, requirements_from(data))


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke
