"""The requirements loader: defaults, and a clear located message for every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource

MINIMAL = "version: 1\nsystem: shop\ndata:\n  - name: orders\n"


def load_text(text: str) -> requirements.Requirements:
    return requirements.from_document(yamlsource.parse(text, "req.yaml"))


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_text(text)
    return [str(p) for p in caught.value.problems]


def test_minimal_file_gets_every_default() -> None:
    req = load_text(MINIMAL)
    assert req.deployment.region_count == 1
    assert req.deployment.writes_from == "one-region"
    assert req.availability.node_failures_tolerated == 1
    assert req.availability.region_failure_tolerated is False
    assert req.availability.target == 99.9
    entity = req.data[0]
    assert (entity.money, entity.unique_claims, entity.read_your_writes) == (False, False, False)
    assert (entity.stale_reads, entity.ordering, entity.conflicts, entity.access) == (
        "tolerated",
        "none",
        "reject",
        "point",
    )
    assert entity.residency == ()
    assert req.services == () and req.transactions == ()


def test_regions_as_names_count_and_keep_their_names() -> None:
    req = load_text(MINIMAL + "deployment:\n  regions: [eu-west-1, us-east-1]\n")
    assert req.deployment.region_count == 2
    assert req.deployment.region_names == ("eu-west-1", "us-east-1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 2\nsystem: s\ndata: [{name: a}]\n",
            "req.yaml:1:10: version: unsupported requirements file version; expected version: 1",
        ),
        ("system: s\ndata: [{name: a}]\n", "missing required field 'version'"),
        ("version: 1\ndata: [{name: a}]\n", "missing required field 'system'"),
        ("version: 1\nsystem: s\n", "missing required field 'data'"),
        ("version: 1\nsystem: s\ndata: []\n", "data: too few entries; expected at least 1"),
        (
            "version: 1\nsystem: s\ndata: [{money: true}]\n",
            "data[0].name: missing required field 'name'",
        ),
        (MINIMAL + "deployment: {regions: 0}\n", "deployment.regions: out of range; expected >= 1"),
        (MINIMAL + "deployment: {regions: []}\n", "deployment.regions: too few entries"),
        (
            MINIMAL + "deployment: {writes_from: everywhere}\n",
            "expected one of one-region | all-regions, found 'everywhere'",
        ),
        (
            MINIMAL + "availability: {target: 100}\n",
            "availability.target: out of range; expected >= 90 and < 100, found number 100",
        ),
        (MINIMAL + "availability: {target: 89.9}\n", "availability.target: out of range"),
        (
            MINIMAL + "availability: {node_failures_tolerated: 1.5}\n",
            "availability.node_failures_tolerated: must be a whole number",
        ),
        (MINIMAL + "availability: {node_failures_tolerated: true}\n", "must be a whole number"),
        (MINIMAL + "workload: {reads_per_sec: -1}\n", "workload.reads_per_sec: out of range"),
        (MINIMAL + "workload: {reads_per_sec: .nan}\n", "must be a number; expected a finite"),
        (MINIMAL + "latency_budget_ms: {write: 0}\n", "latency_budget_ms.write: out of range"),
        (
            "version: 1\nsystem: s\ndata:\n  - name: a\n    stale_reads: bounded\n",
            "req.yaml:4:5: data[0].max_staleness_s: bounded staleness needs a bound",
        ),
        (
            "version: 1\nsystem: s\ndata:\n  - {name: a, stale_reads: sometimes}\n",
            "req.yaml:4:28: data[0].stale_reads: unknown value; expected one of never | bounded |"
            " tolerated, found 'sometimes'",
        ),
        (
            "version: 1\nsystem: s\ndata:\n  - {name: a, stale_read: never}\n",
            "data[0].stale_read: unknown key 'stale_read'",
        ),
        (
            "version: 1\nsystem: s\ndata:\n  - {name: a}\n  - {name: a}\n",
            "data[1].name: duplicate data name 'a'",
        ),
        ("version: 1\nsystem: s\ndata:\n  - {name: '1abc'}\n", "data[0].name: not a valid name"),
        (
            "version: 1\nsystem: s\ndata: [{name: a, money: 'yes please'}]\n",
            "data[0].money: must be true or false",
        ),
        (
            "version: 1\nsystem: s\ndata: [{name: a, residency: eu}]\n",
            "data[0].residency: must be a list",
        ),
        (
            MINIMAL + "deployment: {regions: [eu, us]}\nservices: []\n",
            "",
        ),  # valid: an empty service list
        (MINIMAL + "services:\n  - {name: a, calls: [a]}\n", "service 'a' calls itself"),
        (
            MINIMAL + "services:\n  - {name: a, calls: [b, b]}\n  - {name: b}\n",
            "services[0].calls[1]: duplicate call name 'b'",
        ),
        (
            MINIMAL + "services:\n  - {name: pay}\ntransactions:\n"
            "  - {name: t, steps: [x, x], services: [pay]}\n",
            "transactions[0].steps[1]: duplicate step name 'x'",
        ),
        (
            MINIMAL + "transactions:\n  - {name: t, steps: [a], services: [pay],"
            " read_only_services: [payy]}\n",
            "transactions[0].read_only_services[0]: 'payy' is not a service of this transaction",
        ),
        (
            MINIMAL + "transactions:\n  - {name: t, steps: [a], services: [pay, risk],"
            " read_only_services: [risk, risk]}\n",
            "transactions[0].read_only_services[1]: duplicate read-only service name 'risk'",
        ),
        (
            MINIMAL + "transactions:\n  - {name: t, steps: [a], services: [pay, risk],"
            " read_only_services: [risk]}\n",
            "",
        ),  # valid
        (MINIMAL + "transactions:\n  - {name: t, steps: []}\n", "transactions[0].steps: too few"),
        (
            MINIMAL + "workload: {reads_per_sec: 1" + "0" * 400 + "}\n",
            "workload.reads_per_sec: must be a number; expected a finite number, found a number"
            " of 401 digits",
        ),
        (
            MINIMAL + "availability: {node_failures_tolerated: 600}\n",
            "availability.node_failures_tolerated: out of range; expected >= 0 and <= 50",
        ),
        (MINIMAL + "deployment: {regions: 30000}\n", "deployment.regions: out of range"),
        ('version: 1\nsystem: "shop\\n"\ndata: [{name: a}]\n', "system: not a valid name"),
        (
            MINIMAL + 'description: "red \\e[31m text"\n',
            "description: contains control characters; expected printable text, found 'red \\x1b",
        ),
        ("- just\n- a list\n", "the document must be a mapping"),
        ("", "the document must be a mapping"),
    ],
)
def test_bad_input_is_located_and_explained(text: str, expected: str) -> None:
    if not expected:
        load_text(text)
        return
    found = problems(text)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        # Reported by rules as findings, not refused: the contract's own example does both.
        "version: 1\nsystem: s\ndata:\n  - {name: a, max_staleness_s: 3}\n",
        MINIMAL + "services:\n  - {name: a, calls: [b]}\n",
        "version: 1\nsystem: s\ndeployment: {regions: [eu, us]}\n"
        "data: [{name: a, residency: [asia]}]\n",
    ],
)
def test_lenient_where_the_rules_report_instead(text: str) -> None:
    load_text(text)


def test_the_contract_example_is_valid() -> None:
    req = requirements.load(str(Path(__file__).parent / "data" / "contract_example.yaml"))
    assert req.system == "order-platform"
    assert req.deployment.region_count == 3
    assert req.data[0].max_staleness_s == 5


def test_unknown_key_suggests_the_closest() -> None:
    [problem] = problems(MINIMAL + "deployment: {regions: 2, writes_fron: all-regions}\n")
    assert "unknown key 'writes_fron'" in problem
    assert "did you mean 'writes_from'?" in problem
    assert problem.startswith("req.yaml:5:39: deployment.writes_fron")


def test_every_problem_of_a_section_is_reported_at_once() -> None:
    found = problems(MINIMAL + "availability: {target: 100, node_failures_tolerated: -1}\n")
    assert len(found) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nsystem: [unclosed\n", "not valid YAML"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("!!python/object/apply:os.system ['echo hacked']\n", "unsupported YAML tag"),
        ("a: !!set {x, y}\n", "unsupported YAML tag"),
        ("x: !!python/name:os.system\n", "unsupported YAML value"),
        ("? [a, b]\n: 1\n", "mapping key is not a string"),
        ("--- 1\n--- 2\n", "not valid YAML"),
        (
            "a: &a [1]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
            "document too large; expected at most 200000 values, aliases expanded",
        ),
        ("[" * 5000 + "]" * 5000, "nests too deeply"),
        ("\ud800version: 1\n", "not valid Unicode text"),
    ],
)
def test_hostile_yaml_is_refused_safely(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        yamlsource.parse(text, "evil.yaml")
    assert expected in str(caught.value)


def test_merge_keys_are_overridden_by_keys_written_beside_them() -> None:
    doc = yamlsource.parse(
        "base: &a {name: d, money: true}\nx: {<<: *a, name: e}\n"
        "y: {<<: [*a, {name: z, q: 1}], money: false}\n",
        "m.yaml",
    )
    assert doc.data["x"] == {"name": "e", "money": True}
    assert doc.data["y"] == {"name": "d", "q": 1, "money": False}  # earlier merges win


def test_merge_keys_follow_the_spec_whatever_the_yaml_release() -> None:
    # Our composer applies `<<` itself; PyYAML 6.0.4 reversed the order of merged lists.
    doc = yamlsource.parse(
        "a: &a {k: 1, only_a: 1}\nb: &b {k: 2, only_b: 2}\n"
        "c: &c {<<: *b, k: 3}\n"
        "x: {<<: [*a, *b]}\ny: {<<: [*b, *a]}\nz: {<<: [*c, *a], extra: 0}\n",
        "m.yaml",
    )
    assert doc.data["x"] == {"k": 1, "only_a": 1, "only_b": 2}
    assert doc.data["y"]["k"] == 2
    assert doc.data["z"] == {"k": 3, "only_a": 1, "only_b": 2, "extra": 0}  # nested merge
    assert doc.locate(("x", "k")).line == 1  # the winning value's own position


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: {<<: 3}\n", "merge key '<<' takes mappings only"),
        ("a: &a {k: 1}\nx: {<<: [*a, [1]]}\n", "merge key '<<' takes mappings only"),
        ("a: &a {k: 1}\nx:\n  <<: *a\n  <<: *a\n", "duplicate merge key"),
    ],
)
def test_bad_merge_keys_are_refused(text: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        yamlsource.parse(text, "m.yaml")


def test_devices_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(InputError, match="not a regular file"):
            requirements.load(path)
    with pytest.raises(InputError, match="no file given"):
        requirements.load("")


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.yaml: file not found"):
        requirements.load(str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError, match="is a directory"):
        requirements.load(str(tmp_path))
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"version: 1\nsystem: \xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8 text"):
        requirements.load(str(binary))


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(MINIMAL))
    assert requirements.load("-").system == "shop"


def test_the_models_design_vocabularies_are_the_contracts() -> None:
    import typing

    from distadvisor.model import vocabulary

    assert typing.get_args(requirements.Replication) == vocabulary.REPLICATION
    assert typing.get_args(requirements.Partitioning) == vocabulary.PARTITIONING


def test_residency_narrows_named_regions_only() -> None:
    named = requirements.Deployment(regions=("westeurope", "northeurope", "eastus2"))
    assert named.regions_for(("eastus2",)) == (2,)
    assert named.regions_for(("westeurope", "northeurope")) == (0, 1)
    assert named.regions_for(()) == (0, 1, 2)
    assert named.regions_for(("ap-south-1",)) == (0, 1, 2)  # reported as a contradiction
    assert requirements.Deployment(regions=3).regions_for(("EU",)) == (0, 1, 2)
