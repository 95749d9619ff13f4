"""Figures and the network table: every number has a unit, a meaning and a source, and
a malformed file is refused with the place of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from distadvisor.engine import rules
from distadvisor.engine.figures import load_figures
from distadvisor.engine.network import load_network
from distadvisor.errors import InputError
from distadvisor.resources import rules_dir


def test_every_shipped_figure_has_its_sources() -> None:
    figures = rules.load([rules_dir()]).figures
    assert {"node_data_gb", "leader_writes_per_sec", "cache_reads_per_sec"} <= set(figures.by_name)
    for name, figure in figures.by_name.items():
        assert figure.sources and figure.unit and figure.meaning, name


def test_an_incomplete_or_repeated_figure_is_refused(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(
        "figures:\n  a: {value: 1, unit: GB, meaning: m, sources: [s]}\n"
        "  b: {value: -1, unit: GB, meaning: m, sources: [s]}\n"
        "  c: {value: 1, unit: GB, meaning: m, sources: []}\n"
    )
    two = tmp_path / "two.yaml"
    two.write_text("figures:\n  a: {value: 2, unit: GB, meaning: m, sources: [s]}\n")
    with pytest.raises(InputError) as caught:
        load_figures([one, two])
    found = [str(p) for p in caught.value.problems]
    assert any("one.yaml:3" in p and "figure 'b' is incomplete" in p for p in found), found
    assert any("figure 'c' is incomplete" in p for p in found), found
    assert any("two.yaml:2" in p and "figure 'a' is given twice" in p for p in found), found


def test_a_malformed_network_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "network.yaml"
    bad.write_text(
        "source: s\nestimate: {fibre_km_per_ms: 0, route_factor: 1.1}\n"
        "round_trips_ms:\n  - [a, b, 10]\n  - [a, 5]\n"
        "regions:\n  aws:\n    a: [95, 0, Nowhere]\n"
    )
    with pytest.raises(InputError) as caught:
        load_network(bad)
    found = " ".join(str(p) for p in caught.value.problems)
    for expected in (
        "'fibre_km_per_ms' missing or not a positive number",
        "the estimate's constants need their sources",
        "malformed row",
        "malformed place",
        "measured region 'b' has no place",
    ):
        assert expected in found
    bad.write_text(
        "source: s\nestimate: {fibre_km_per_ms: 200, route_factor: 1.1, sources: [x]}\n"
        "regions:\n  a: [0, 0, Nowhere]\n"
    )
    with pytest.raises(InputError) as caught:
        load_network(bad)
    assert "'regions' must group the regions by provider" in str(caught.value.problems[0])
