"""The arithmetic the rules call: quorum sizes, availability, majority round trips."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distadvisor.engine.catalogue import NetworkTable
from distadvisor.engine.functions import availability_pct, quorum, round_trip_ms
from distadvisor.model.vocabulary import REPLICATION

failures = st.integers(min_value=0, max_value=50)


@given(st.sampled_from(REPLICATION), failures)
def test_intersecting_quorums_overlap_and_survive_failures(replication: str, f: int) -> None:
    q = quorum(replication, f, True)
    assert q["w"] + q["r"] > q["n"]  # every read quorum meets every write quorum
    assert q["n"] - f >= 1  # some replica survives f failures
    assert 1 <= q["w"] <= q["n"] and 1 <= q["r"] <= q["n"]


@given(st.sampled_from(["consensus", "leader-follower-sync", "leaderless"]), failures)
def test_majority_schemes_stay_writable_and_durable(replication: str, f: int) -> None:
    q = quorum(replication, f, True)
    assert q["n"] == 2 * f + 1
    assert q["n"] - f >= q["w"]  # a write quorum is still reachable after f failures
    assert q["w"] >= f + 1  # an acknowledged write outlives f failures


@given(failures)
def test_consensus_is_two_f_plus_one_with_majorities(f: int) -> None:
    assert quorum("consensus", f, True) == {"n": 2 * f + 1, "w": f + 1, "r": f + 1}


@given(st.sampled_from(REPLICATION), failures)
def test_non_intersecting_reads_ask_one_replica(replication: str, f: int) -> None:
    q = quorum(replication, f, False)
    assert q["r"] == 1
    if replication in ("leader-follower-async", "multi-leader"):
        assert q["w"] == 1


def test_chain_writes_every_node_and_reads_the_tail() -> None:
    assert quorum("chain", 2, True) == {"n": 3, "w": 3, "r": 1}


@pytest.mark.parametrize(
    ("n", "k", "p", "expected"),
    [
        (1, 1, 99.9, 99.9),
        (3, 2, 99.9, 100 * (0.999**3 + 3 * 0.999**2 * 0.001)),
        (3, 1, 90.0, 100 * (1 - 0.1**3)),
        (3, 0, 50.0, 100.0),
        (2, 3, 99.0, 0.0),
        (None, 1, 99.0, None),
    ],
)
def test_availability_is_the_binomial_tail(
    n: int | None, k: int, p: float, expected: float | None
) -> None:
    got = availability_pct(n, k, p)
    assert got == expected if expected is None else math.isclose(got or 0, expected)


def test_availability_of_many_replicas_does_not_overflow() -> None:
    got = availability_pct(999, 500, 99.9)
    assert got is not None and math.isclose(got, 100.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: availability_pct(10**12, 1, 99.9),  # would sum a trillion terms
        lambda: availability_pct(math.inf, 1, 99.9),
        lambda: availability_pct(3, math.nan, 99.9),
        lambda: quorum("consensus", math.inf, True),
        lambda: quorum("consensus", 10**12, True),
    ],
)
def test_numbers_no_system_has_give_null(call: Any) -> None:
    assert call() is None


def test_round_trips_take_any_region_count() -> None:
    network = NetworkTable(default_ms=70.0, pairs={}, source="test")
    assert round_trip_ms(network, [], math.inf) == 70.0
    assert round_trip_ms(network, [f"r{i}" for i in range(3000)], 3000) == 70.0


@given(st.integers(1, 9), st.floats(50, 100))
def test_more_replicas_never_hurt_a_majority(f: int, p: float) -> None:
    smaller = availability_pct(2 * f - 1, f, p)
    larger = availability_pct(2 * f + 1, f + 1, p)
    assert smaller is not None and larger is not None
    if p >= 50:
        assert larger >= smaller - 1e-9


NETWORK = NetworkTable(
    20.0,
    {frozenset(("a", "b")): 10.0, frozenset(("a", "c")): 100.0, frozenset(("b", "c")): 80.0},
    "test",
)


def test_round_trip_is_the_worst_origins_nearest_majority() -> None:
    # From a the nearest other region is b (10); from b, a (10); from c, b (80).
    assert round_trip_ms(NETWORK, ["a", "b", "c"], 3) == 80.0
    # Five regions need two others: the second nearest from the worst origin.
    five = ["a", "b", "c", "d", "e"]
    assert round_trip_ms(NETWORK, five, 5) == 20.0


def test_round_trip_without_names_uses_the_default() -> None:
    assert round_trip_ms(NETWORK, [], 3) == 20.0
    assert round_trip_ms(NETWORK, [], 1) == 0.0
    assert round_trip_ms(NETWORK, ["a"], 1) == 0.0
