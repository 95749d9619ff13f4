"""Properties of every diagram over generated systems and options.

Whatever the names, numbers and width (from the least the names allow up to 140):
every line fits the width, `ascii` output is pure 7-bit ASCII, and every name given
(kinds of data, regions, steps, services, transactions) appears, whole, in the
picture or its legend.
"""

from __future__ import annotations

import re
from typing import Any

from conftest import requirements_from
from hypothesis import given
from hypothesis import strategies as st

from distadvisor.diagrams import breaker, canvas, cap, partitioning, replication, saga, system
from distadvisor.engine import chaining, rules
from distadvisor.model.vocabulary import REPLICATION
from distadvisor.scaffold.specs import default_options, load_patterns, resolve_options

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,44}", fullmatch=True)
SHORT_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


def unique(names: st.SearchStrategy[str], low: int, high: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names, min_size=low, max_size=high, unique=True)


def check(drawn: str, width: int, ascii: bool, names: list[str]) -> None:
    lines = drawn.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert all(line == line.rstrip() for line in lines)
    if ascii:
        assert drawn.isascii()
    for name in names:
        assert name in drawn, name


@st.composite
def widths(draw: st.DrawFn, names: list[str]) -> int:
    return draw(st.integers(canvas.required_width(names), 140))


@given(
    data=st.data(),
    entity=NAMES,
    kind=st.sampled_from(REPLICATION),
    n=st.integers(1, 7),
    regions=st.one_of(st.integers(1, 5), unique(NAMES, 1, 4)),
    ascii=st.booleans(),
)
def test_replication(
    data: st.DataObject, entity: str, kind: str, n: int, regions: int | list[str], ascii: bool
) -> None:
    w, r = data.draw(st.integers(1, n)), data.draw(st.integers(1, n))
    names = [entity, *([] if isinstance(regions, int) else regions)]
    residency = [] if isinstance(regions, int) else data.draw(st.lists(st.sampled_from(regions)))
    width = data.draw(widths(names))
    drawn = replication.draw(
        entity,
        kind,
        {"n": n, "w": w, "r": r},
        regions=regions,
        residency=residency,
        width=width,
        ascii=ascii,
    )
    check(drawn, width, ascii, names)
    if len(entity) + 25 <= width:  # room for whole node names
        check(drawn, width, ascii, [f"{entity}-{i}" for i in range(1, n + 1)])


@given(
    data=st.data(),
    entity=NAMES,
    kind=st.sampled_from(["none", "hash", "range", "geographic"]),
    n=st.integers(1, 6),
    regions=st.one_of(st.integers(1, 5), unique(NAMES, 1, 4)),
    access=st.sampled_from(["point", "range", "time-series", "geo"]),
    ascii=st.booleans(),
)
def test_partitioning(
    data: st.DataObject,
    entity: str,
    kind: str,
    n: int,
    regions: int | list[str],
    access: str,
    ascii: bool,
) -> None:
    names = [entity, *([] if isinstance(regions, int) or kind != "geographic" else regions)]
    width = data.draw(widths(names))
    drawn = partitioning.draw(
        entity, kind, n, regions=regions, access=access, width=width, ascii=ascii
    )
    check(drawn, width, ascii, names)


@given(
    data=st.data(),
    name=NAMES,
    steps=unique(NAMES, 1, 6),
    services=unique(NAMES, 0, 4),
    ascii=st.booleans(),
)
def test_saga(
    data: st.DataObject, name: str, steps: list[str], services: list[str], ascii: bool
) -> None:
    width = data.draw(widths([name, *steps, *services]))
    drawn = saga.draw(name, steps, services=services, width=width, ascii=ascii)
    check(drawn, width, ascii, [name, *steps, *services])
    arrows = (re.match(r"  (\S+) [─-]+fails", line) for line in drawn.splitlines())
    forward = [arrow.group(1) for arrow in arrows if arrow]
    if canvas.width_of(steps) * 2 + 25 <= width:  # no step abbreviated
        assert forward == steps  # the saga runs forward in the order given
    else:
        assert len(forward) == len(steps)


@given(
    data=st.data(),
    protects=unique(NAMES, 0, 5),
    ascii=st.booleans(),
    options=st.fixed_dictionaries(
        {
            "policy": st.sampled_from(["consecutive", "rate"]),
            "failure_threshold": st.integers(1, 10**4),
            "recovery_timeout": st.floats(0, 86400),
            "half_open_max_calls": st.integers(1, 1000),
            "success_threshold": st.integers(1, 1000),
            "window": st.sampled_from(["count", "time"]),
            "window_size": st.integers(1, 10**5),
            "slow_call_duration": st.floats(0, 100),
        }
    ),
)
def test_breaker(
    data: st.DataObject, protects: list[str], ascii: bool, options: dict[str, Any]
) -> None:
    spec = load_patterns()["circuit-breaker"]
    resolved = resolve_options(spec, options)
    width = data.draw(widths(protects))
    drawn = breaker.draw(resolved, protects=protects, width=width, ascii=ascii)
    check(drawn, width, ascii, [*protects, f"after {options['failure_threshold']} consecutive"])


@given(data=st.data(), names=unique(NAMES, 1, 8), ascii=st.booleans())
def test_cap(data: st.DataObject, names: list[str], ascii: bool) -> None:
    placed = [
        (
            name,
            data.draw(st.sampled_from(["CP", "AP"])),
            data.draw(st.sampled_from(["PC/EC", "PC/EL", "PA/EC", "PA/EL"])),
        )
        for name in names
    ]
    width = data.draw(widths(names))
    check(cap.draw(placed, width=width, ascii=ascii), width, ascii, names)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Requirements files with every kind of diagram: data, regions, services, sagas."""
    data = draw(unique(SHORT_NAMES, 1, 4))
    services = draw(unique(SHORT_NAMES, 2, 5))
    regions = draw(st.one_of(st.integers(1, 4), unique(SHORT_NAMES, 1, 3)))
    entities = [
        {
            "name": name,
            "money": draw(st.booleans()),
            "stale_reads": draw(st.sampled_from(["never", "tolerated"])),
            "conflicts": draw(st.sampled_from(["reject", "merge", "last-write-wins"])),
            "access": draw(st.sampled_from(["point", "range", "time-series", "geo"])),
        }
        for name in data
    ]
    steps = draw(unique(SHORT_NAMES, 1, 4))
    return {
        "deployment": {
            "regions": regions,
            "writes_from": draw(st.sampled_from(["one-region", "all-regions"])),
        },
        "availability": {"node_failures_tolerated": draw(st.integers(0, 3))},
        "data": entities,
        # The transaction's two services are ours, so it is a saga and gets a diagram.
        "services": [
            {"name": s, "external": i >= 2 and draw(st.booleans())} for i, s in enumerate(services)
        ],
        "transactions": [{"name": "txn", "steps": steps, "services": services[:2]}],
    }


@given(doc=documents(), data=st.data(), ascii=st.booleans())
def test_every_diagram_of_a_generated_system(
    ruleset: rules.RuleSet, doc: dict[str, Any], data: st.DataObject, ascii: bool
) -> None:
    req = requirements_from(doc)
    rec = chaining.advise(ruleset, req)
    names = system.names_of(rec, req)
    width = data.draw(widths(names))
    drawn = system.draw_all(
        rec, req, system.Style(width, ascii), breaker_options=default_options("circuit-breaker")
    )
    assert {d.kind for d in drawn} >= {"replication", "partitioning", "cap", "saga"}
    check("\n".join(d.text for d in drawn), width, ascii, names)
