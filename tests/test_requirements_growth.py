"""The grown requirements language: optional fields, their defaults, and the checks
that tie them to the rest of the file (a v1 file keeps its meaning)."""

from __future__ import annotations

import pytest

from distadvisor.engine.facts import subjects
from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource
from distadvisor.model.schema import requirements_schema

REGIONS = "deployment: {regions: [eu-west-1, eu-central-1]}\n"


def load_text(text: str) -> requirements.Requirements:
    return requirements.from_document(yamlsource.parse(text, "req.yaml"))


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_text(text)
    return [str(p) for p in caught.value.problems]


def entity_facts(text: str) -> list[dict[str, object]]:
    return [s.facts for s in subjects(load_text(text), "entity")]


def test_a_v1_file_reads_the_new_fields_as_not_said() -> None:
    req = load_text("version: 1\nsystem: s\ndata: [{name: a}]\n")
    entity = req.data[0]
    assert (entity.writes_per_sec, entity.reads_per_sec, entity.home_region) == (None, None, None)
    assert (entity.hot_keys, entity.mutability, entity.transactional_with) == (False, "mutable", ())
    assert entity.writes_from is None and entity.freshness is None
    assert (req.availability.rpo_s, req.availability.rto_s) == (None, None)
    facts = entity_facts("version: 1\nsystem: s\ndata: [{name: a}]\n")[0]
    assert facts["entity.writes_from"] == "one-region"
    assert facts["entity.freshness"] is None
    assert facts["availability.zone_failure_tolerated"] is True


def test_zone_failure_defaults_from_node_failures() -> None:
    text = "version: 1\nsystem: s\navailability: {node_failures_tolerated: 0}\ndata: [{name: a}]\n"
    assert entity_facts(text)[0]["availability.zone_failure_tolerated"] is False
    text = text.replace("0}", "0, zone_failure_tolerated: true}")
    assert entity_facts(text)[0]["availability.zone_failure_tolerated"] is True


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ("{name: a, stale_reads: bounded, max_staleness_s: 5}", "objective"),
        ("{name: a, money: true, stale_reads: bounded, max_staleness_s: 5}", "hard"),
        ("{name: a, unique_claims: true, stale_reads: bounded, max_staleness_s: 5}", "hard"),
        ("{name: a, stale_reads: bounded, max_staleness_s: 5, freshness: hard}", "hard"),
        (
            "{name: a, money: true, stale_reads: bounded, max_staleness_s: 5,"
            " freshness: objective}",
            "objective",
        ),
    ],
)
def test_freshness_default_is_hard_only_for_money_and_claims(entity: str, expected: str) -> None:
    facts = entity_facts(f"version: 1\nsystem: s\ndata: [{entity}]\n")[0]
    assert facts["entity.freshness"] == expected


def test_an_entity_writes_from_overrides_the_deployment() -> None:
    text = (
        "version: 1\nsystem: s\ndeployment: {regions: 2, writes_from: all-regions}\n"
        "data: [{name: a, writes_from: one-region}, {name: b}]\n"
    )
    assert [f["entity.writes_from"] for f in entity_facts(text)] == ["one-region", "all-regions"]


def test_rates_of_the_only_kind_of_data_come_from_the_workload() -> None:
    workload = "workload: {reads_per_sec: 900, writes_per_sec: 30}\n"
    one = entity_facts(f"version: 1\nsystem: s\n{workload}data: [{{name: a}}]\n")[0]
    assert (one["entity.write_rate"], one["entity.read_rate"]) == (30, 900)
    two = entity_facts(
        f"version: 1\nsystem: s\n{workload}"
        "data: [{name: a, writes_per_sec: 5, reads_per_sec: 500}, {name: b}]\n"
    )
    assert (two[0]["entity.write_rate"], two[0]["entity.reads_per_write"]) == (5, 100)
    assert (two[1]["entity.write_rate"], two[1]["entity.reads_per_write"]) == (None, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "data: [{name: a, freshness: hard}]",
            "data[0].freshness: freshness applies only to a staleness bound; expected"
            " stale_reads: bounded beside it, found stale_reads: tolerated",
        ),
        (
            REGIONS + "data: [{name: a, home_region: eu-west-2}]",
            "data[0].home_region: home region 'eu-west-2' is not a deployment region;"
            " expected one of eu-west-1, eu-central-1 (did you mean 'eu-west-1'?)",
        ),
        (
            "data: [{name: a, home_region: eu-west-1}]",
            "expected deployment.regions given as a list of names",
        ),
        (
            "data: [{name: a, transactional_with: [b]}]",
            "data[0].transactional_with[0]: no kind of data named 'b'",
        ),
        (
            "data: [{name: a, transactional_with: [a]}, {name: b}]",
            "data[0].transactional_with[0]: 'a' is this kind of data itself",
        ),
        (
            "data: [{name: a, transactional_with: [b, b]}, {name: b}]",
            "data[0].transactional_with[1]: duplicate transactional_with name 'b'",
        ),
        (
            "data: [{name: a, mutability: frozen}]",
            "data[0].mutability: unknown value; expected one of mutable | immutable | append-only",
        ),
        ("data: [{name: a, writes_per_sec: -1}]", "data[0].writes_per_sec: out of range"),
        ("availability: {rpo_s: -5}\ndata: [{name: a}]", "availability.rpo_s: out of range"),
        ("data: [{name: a, ordering: per_key}]", "did you mean 'per-key'?"),
    ],
)
def test_bad_new_fields_are_located_and_explained(text: str, expected: str) -> None:
    found = problems(f"version: 1\nsystem: s\n{text}\n")
    assert any(expected in p for p in found), found


def test_a_file_using_every_new_field_loads() -> None:
    req = load_text(
        "version: 1\nsystem: s\n"
        + REGIONS
        + "availability: {region_failure_tolerated: true, rpo_s: 0, rto_s: 300,"
        " zone_failure_tolerated: true}\n"
        "data:\n"
        "  - {name: ledger, money: true, writes_per_sec: 200, reads_per_sec: 2000,"
        " hot_keys: true, home_region: eu-central-1, writes_from: one-region,"
        " mutability: append-only, ordering: per-key, transactional_with: [balance]}\n"
        "  - {name: balance, money: true, stale_reads: bounded, max_staleness_s: 2,"
        " freshness: hard}\n"
    )
    assert req.data[0].home_region == "eu-central-1"
    assert req.availability.rpo_s == 0


def test_the_schema_offers_the_new_fields() -> None:
    defs = requirements_schema()["$defs"]
    entity = defs["Entity"]["properties"]
    assert {"writes_per_sec", "hot_keys", "freshness", "transactional_with"} <= set(entity)
    assert "per-key" in entity["ordering"]["enum"]
    assert entity["mutability"]["default"] == "mutable"
    assert {"rpo_s", "rto_s", "zone_failure_tolerated"} <= set(defs["Availability"]["properties"])
