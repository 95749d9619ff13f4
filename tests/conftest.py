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


def _server(variable: str, what: str) -> str:
    """Where a real server listens (`.ci/run` starts both and sets the variables).

    Locally, without the variable, the test is skipped and says how to start the server;
    under CI a missing server is a failure, never a silent skip.
    """
    value = os.environ.get(variable)
    if value:
        return value
    message = f"{variable} is not set: run `source .ci/services.sh && services_start` for {what}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """A PostgreSQL database the test may create tables in (a DSN for psycopg 3)."""
    return _server("DISTADVISOR_TEST_POSTGRES_DSN", "PostgreSQL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis server the test may write keys to (a URL for redis-py)."""
    return _server("DISTADVISOR_TEST_REDIS_URL", "Redis")
