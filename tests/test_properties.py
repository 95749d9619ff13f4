"""Properties: the engine is total and deterministic on any valid document and keeps
the contract's promises; the loader raises nothing but InputError on any text."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distadvisor.engine import chaining, rules
from distadvisor.engine.slots import ENTITY_SLOTS
from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource
from distadvisor.model.vocabulary import (
    CAP,
    CONFLICT_RESOLUTION,
    CONSISTENCY,
    PACELC,
    PARTITIONING,
    PATTERNS,
    REPLICATION,
    SEVERITIES,
)
from distadvisor.resources import rules_dir

RULESET = rules.load([rules_dir()])
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
FUZZ_EXAMPLES = 10_000 if os.environ.get("CI") else 300
REGION_POOL = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-1", "mars-1", "moon-2"]
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
maybe_number = st.none() | st.floats(0, 1e6, allow_nan=False)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    named = draw(st.booleans())
    regions: Any = (
        draw(st.lists(st.sampled_from(REGION_POOL), min_size=1, max_size=5, unique=True))
        if named
        else draw(st.integers(1, 6))
    )
    region_names = regions if named else ["EU", "US"]
    entities = []
    for name in draw(st.lists(NAMES, min_size=1, max_size=4, unique=True)):
        stale = draw(st.sampled_from(["never", "bounded", "tolerated"]))
        entity: dict[str, Any] = {
            "name": name,
            "money": draw(st.booleans()),
            "unique_claims": draw(st.booleans()),
            "stale_reads": stale,
            "read_your_writes": draw(st.booleans()),
            "ordering": draw(st.sampled_from(["none", "causal", "total"])),
            "conflicts": draw(st.sampled_from(["reject", "merge", "last-write-wins"])),
            "access": draw(st.sampled_from(["point", "range", "time-series", "geo"])),
            "residency": draw(st.lists(st.sampled_from(region_names), max_size=2, unique=True)),
            "audit_trail": draw(st.booleans()),
        }
        if stale == "bounded":
            entity["max_staleness_s"] = draw(st.floats(0.001, 3600))
        for key in ("read_write_ratio", "size_gb"):
            value = draw(maybe_number)
            if value is not None:
                entity[key] = value
        entities.append(entity)
    service_names = draw(st.lists(NAMES, max_size=4, unique=True))
    services = [
        {
            "name": s,
            "calls": draw(
                st.lists(
                    st.sampled_from([o for o in service_names if o != s] or [s]),
                    max_size=2,
                    unique=True,
                ).filter(lambda c, s=s: s not in c)
            ),
            "external": draw(st.booleans()),
            "publishes_events": draw(st.booleans()),
            "protected_by": draw(st.lists(st.sampled_from(PATTERNS), max_size=2, unique=True)),
        }
        for s in service_names
    ]
    transactions = [
        {
            "name": t,
            "steps": draw(st.lists(NAMES, min_size=1, max_size=4, unique=True)),
            "services": draw(
                st.lists(st.sampled_from(service_names or ["svc"]), min_size=1, max_size=4)
            ),
        }
        for t in draw(st.lists(NAMES, max_size=2, unique=True))
    ]
    doc: dict[str, Any] = {
        "version": 1,
        "system": "prop",
        "deployment": {
            "regions": regions,
            "writes_from": draw(st.sampled_from(["one-region", "all-regions"])),
        },
        "availability": {
            "target": draw(st.floats(90, 99.9999)),
            "node_failures_tolerated": draw(st.integers(0, 4)),
            "region_failure_tolerated": draw(st.booleans()),
        },
        "workload": {"reads_per_sec": draw(maybe_number), "writes_per_sec": draw(maybe_number)},
        "latency_budget_ms": {
            "read": draw(st.none() | st.floats(0.1, 500)),
            "write": draw(st.none() | st.floats(0.1, 500)),
        },
        "data": entities,
        "services": services,
        "transactions": transactions,
    }
    return doc


def recommend(doc: dict[str, Any]) -> dict[str, Any]:
    req = requirements.from_document(yamlsource.parse(yaml.safe_dump(doc), "<prop>"))
    return chaining.advise(RULESET, req).to_dict()


VOCAB = {
    "consistency": CONSISTENCY,
    "cap": CAP,
    "pacelc": PACELC,
    "replication": REPLICATION,
    "partitioning": PARTITIONING,
    "conflict_resolution": CONFLICT_RESOLUTION,
}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_engine_is_total_deterministic_and_keeps_the_contract(doc: dict[str, Any]) -> None:
    first = recommend(doc)
    assert recommend(doc) == first
    json.dumps(first)
    f = doc["availability"]["node_failures_tolerated"]
    assert list(first["entities"]) == [e["name"] for e in doc["data"]]
    for advice in first["entities"].values():
        for field, words in VOCAB.items():
            assert advice[field] in words
        q = advice["quorum"]
        assert q["n"] - f >= 1, "n must survive the tolerated failures"
        if advice["consistency"] in ("linearizable", "sequential"):
            # One leader orders the writes and answers current reads under a lease;
            # leaderless data would need intersecting quorums instead.
            assert advice["replication"] in ("consensus", "leader-follower-sync", "chain")
            assert q["w"] > q["n"] // 2 or q["n"] == 1, "acknowledged by a majority"
            assert advice["cap"] == "CP" and advice["pacelc"] == "PC/EC"
        assert [b["field"] for b in advice["because"]] == [
            s for s in RULESET.slot_order if s in ENTITY_SLOTS
        ]
        assert all(isinstance(d, str) for d in advice["datastores"])
    subjects = (
        {e["name"] for e in doc["data"]}
        | {s["name"] for s in doc["services"]}
        | {t["name"] for t in doc["transactions"]}
    )
    for pattern in first["patterns"]:
        assert pattern["pattern"] in PATTERNS and pattern["for"] in subjects
        assert pattern["because"]
    for finding in first["findings"]:
        assert finding["severity"] in SEVERITIES and finding["text"]


MUTATIONS = [
    "-1",
    "null",
    "[]",
    "{}",
    "true",
    "'x'",
    "1e400",
    "!!binary x",
    "*a",
    "&a x",
    "{{",
    "]",
    ": :",
    "\t",
    "~",
    "0x10",
    "'''",
    "!!python/object:os.system",
    "?",
]


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    lines = EXAMPLES[draw(st.integers(0, len(EXAMPLES) - 1))].read_text().splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 4))
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(MUTATIONS))}"
        elif action == 3:
            j = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:j] + draw(st.characters()) + lines[i][j + 1 :]
        else:
            lines[i] = " " * draw(st.integers(0, 6)) + lines[i].lstrip()
    return "\n".join(lines) + "\n"


def load_or_refuse(text: str) -> None:
    try:
        req = requirements.from_document(yamlsource.parse(text, "<fuzz>"))
    except InputError as error:
        assert all(str(p) for p in error.problems)
        return
    chaining.advise(RULESET, req)  # a document that validates must also advise


@settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_loader_on_arbitrary_text_raises_only_input_error(text: str) -> None:
    load_or_refuse(text)


@settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_examples())
def test_loader_on_mutated_examples_raises_only_input_error(text: str) -> None:
    load_or_refuse(text)
