"""The condition language: what parses, what is refused on load, how it evaluates."""

from __future__ import annotations

from typing import Any

import pytest

from distadvisor.engine.catalogue import load_catalogue
from distadvisor.engine.conditions import ConditionError, parse_condition, parse_template
from distadvisor.engine.facts import schema_for


@pytest.fixture(scope="module")
def functions() -> dict[str, Any]:
    from distadvisor.engine.availability import load_failures
    from distadvisor.engine.figures import FILES, load_figures
    from distadvisor.engine.functions import build
    from distadvisor.engine.network import load_network
    from distadvisor.resources import rules_dir

    base = rules_dir() / "data"
    return build(
        load_catalogue(base / "datastores.yaml"),
        load_network(base / "network.yaml"),
        load_figures(base / name for name in FILES),
        load_failures(base / "failures.yaml"),
    )


def check(text: Any, functions: dict[str, Any], scope: str = "entity") -> Any:
    return parse_condition(text, schema_for(scope), functions)


@pytest.mark.parametrize(
    ("condition", "facts", "expected"),
    [
        ("entity.money", {"entity.money": True}, True),
        ("not entity.money", {"entity.money": True}, False),
        ("entity.stale_reads == 'bounded'", {"entity.stale_reads": "bounded"}, True),
        ("entity.stale_reads != 'bounded'", {"entity.stale_reads": "never"}, True),
        ("entity.stale_reads in ['never', 'bounded']", {"entity.stale_reads": "never"}, True),
        ("'EU' in entity.residency", {"entity.residency": ["EU"]}, True),
        ("'EU' in entity.residency", {"entity.residency": []}, False),
        ("entity.size_gb <= 100", {"entity.size_gb": 100.0}, True),
        ("entity.size_gb <= 100", {"entity.size_gb": None}, False),  # null never orders
        ("entity.size_gb > 100", {"entity.size_gb": None}, False),
        ("entity.size_gb == null", {"entity.size_gb": None}, True),
        (
            "workload.reads_per_sec / workload.writes_per_sec >= 10",
            {"workload.reads_per_sec": 100.0, "workload.writes_per_sec": 10.0},
            True,
        ),
        (
            "workload.reads_per_sec / workload.writes_per_sec >= 10",
            {"workload.reads_per_sec": 100.0, "workload.writes_per_sec": 0.0},
            False,
        ),  # / 0 is null
        ("2 + 3 * 4 == 14", {}, True),
        ("(2 + 3) * 4 == 20", {}, True),
        ("-2 < 0", {}, True),
        (
            "entity.money or entity.unique_claims and false",
            {"entity.money": True, "entity.unique_claims": True},
            True,
        ),  # and binds tighter
        ("len(entity.residency) == 2", {"entity.residency": ["a", "b"]}, True),
        (
            {"all": ["entity.money", {"not": "entity.audit_trail"}]},
            {"entity.money": True, "entity.audit_trail": False},
            True,
        ),
        (
            {"any": ["entity.money", "entity.audit_trail"]},
            {"entity.money": False, "entity.audit_trail": False},
            False,
        ),
        ("entity.quorum.n >= 3", {"entity.quorum": {"n": 3, "w": 2, "r": 2}}, True),
        ("availability_pct(1, 1, 99.9) < 99.99", {}, True),
        # Beyond a float, arithmetic gives null rather than an error.
        (
            "deployment.region_count * " + " * ".join(["10000000000000.0"] * 26) + " / 3 > 1",
            {"deployment.region_count": 3},
            False,
        ),
    ],
)
def test_evaluates(condition: Any, facts: dict[str, Any], expected: bool, functions: Any) -> None:
    assert check(condition, functions).evaluate(facts) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("entity.mony", "unknown fact 'entity.mony'; did you mean 'entity.money'?"),
        ("entity.stale_reads == never", "unknown name 'never' (quote strings: 'never')"),
        ("entity.stale_reads == 'sometimes'", "'sometimes' is not one of never | bounded"),
        ("entity.stale_reads in ['never', 'nope']", "'nope' is not one of"),
        ("entity.money == 'yes'", "'==' compares bool with string"),
        ("entity.size_gb > 'big'", "compares number or null with string"),
        ("entity.stale_reads < 'never'", "'<' compares numbers"),
        ("entity.money + 1 > 2", "the left side of '+' must be number"),
        ("entity.size_gb", "a condition must be true or false"),
        ("entity.money and", "expected a value, found the end"),
        ("entity.money entity.audit_trail", "unexpected 'entity.audit_trail'"),
        ("(entity.money", "expected ')'"),
        ("entity.money ; drop", "unexpected character ';'"),
        ("__import__('os') == 1", "unknown function '__import__'"),
        ("__import__('os').system('x')", "unexpected character '.'"),
        ("len(entity.residency, 1) > 0", "'len' takes 1 arguments, got 2"),
        ("len(entity.money) > 0", "argument 1 of 'len' must be list"),
        ("entity.quorum.x > 1", "'entity.quorum' has no field 'x'"),
        ("service.external", "unknown fact 'service.external'"),  # not in an entity rule
        ("", "empty expression"),
        (" + ".join(["entity.index"] * 5000) + " > 1", "expression too long: more than 200 terms"),
        ("entity.index > 1" + "0" * 5000, "number longer than 15 digits"),
        ("entity.name == '" + "x" * 300 + "'", "string longer than 200 characters"),
        ("len(" * 30 + "[1]" + ")" * 30 + " > 0", "expression nests deeper than 20 levels"),
        ({"all": []}, "'all' takes a non-empty list"),
        ({"some": ["entity.money"]}, "a condition is an expression string or one of"),
        (42, "a condition is an expression string or one of"),
    ],
)
def test_refused_on_load(condition: Any, message: str, functions: Any) -> None:
    with pytest.raises(ConditionError) as caught:
        check(condition, functions)
    assert message in str(caught.value)


def test_errors_point_at_the_column(functions: Any) -> None:
    with pytest.raises(ConditionError) as caught:
        check("entity.money and entity.stale_reads == never", functions)
    assert caught.value.column == 40


def test_comparisons_count_as_specificity(functions: Any) -> None:
    assert check("entity.money", functions).comparisons() == 0
    assert (
        check(
            "entity.money and entity.size_gb > 1 and entity.access == 'range'", functions
        ).comparisons()
        == 2
    )


def test_templates_fill_checked_placeholders(functions: Any) -> None:
    template = parse_template(
        "{entity.name} is {entity.size_gb} GB in {entity.residency}; n={entity.quorum.n}",
        schema_for("entity"),
        functions,
    )
    text = template.render(
        {
            "entity.name": "orders",
            "entity.size_gb": 12.0,
            "entity.residency": ["eu", "us"],
            "entity.quorum": {"n": 3, "w": 2, "r": 2},
        }
    )
    assert text == "orders is 12 GB in eu, us; n=3"
    with pytest.raises(ConditionError, match="in placeholder"):
        parse_template("{entity.nme}", schema_for("entity"), functions)


def test_failover_seconds_come_from_the_failure_figures(functions: Any) -> None:
    """Rules compare rto_s with the figure of failures.yaml, not a number of their own."""
    from distadvisor.engine.availability import load_failures

    figures = load_failures().failover_s
    promotion = figures["leader-follower-sync"]
    assert check(f"failover_s('leader-follower-sync') == {promotion}", functions).evaluate({})
    assert check(f"failover_s('consensus') < {promotion}", functions).evaluate({})
    assert check("failover_s('leaderless') == 0", functions).evaluate({})


def test_failover_of_an_unknown_scheme_is_refused_on_load(functions: Any) -> None:
    with pytest.raises(ConditionError) as caught:
        check("failover_s('raft') > 0", functions)
    assert "raft" in str(caught.value)
