"""The arithmetic the rules call: quorum sizes, availability, majority round trips."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distadvisor.engine import availability as avail
from distadvisor.engine import rules
from distadvisor.engine.availability import load_failures
from distadvisor.engine.functions import (
    availability_pct,
    best_write_availability_pct,
    forwarded_round_trip_ms,
    leader_round_trip_ms,
    quorum,
    round_trip_ms,
    write_availability_pct,
)
from distadvisor.engine.network import NetworkTable, great_circle_km
from distadvisor.model.vocabulary import REPLICATION
from distadvisor.resources import rules_dir

failures = st.integers(min_value=0, max_value=50)


LEADER_SCHEMES = ["consensus", "leader-follower-sync", "leader-follower-async", "chain"]


@given(failures)
def test_leaderless_reads_that_must_be_current_meet_every_write_quorum(f: int) -> None:
    q = quorum("leaderless", f, True)
    assert q["w"] + q["r"] > q["n"]  # every read quorum meets every write quorum
    assert q["n"] - f >= q["r"]  # and a read quorum is reachable after f failures


@given(st.sampled_from(["consensus", "leader-follower-sync", "leaderless", "chain"]), failures)
def test_current_reads_meet_every_write_quorum_and_survive_the_failures(
    replication: str, f: int
) -> None:
    q = quorum(replication, f, True)
    assert q["w"] + q["r"] > q["n"]  # with a leader: the majority confirming it leads
    if replication != "chain":  # a chain drops a failed node and writes to the rest
        assert q["n"] - f >= max(q["w"], q["r"])  # both quorums reachable after f failures


@given(st.sampled_from(LEADER_SCHEMES), failures)
def test_a_stale_read_asks_one_replica(replication: str, f: int) -> None:
    q = quorum(replication, f, False)
    assert q["r"] == 1  # any follower
    assert q["n"] - f >= 1  # some replica survives f failures
    assert 1 <= q["w"] <= q["n"]


@given(st.sampled_from(["consensus", "leader-follower-sync", "leaderless"]), failures)
def test_majority_schemes_stay_writable_and_durable(replication: str, f: int) -> None:
    q = quorum(replication, f, True)
    assert q["n"] == 2 * f + 1
    assert q["n"] - f >= q["w"]  # a write quorum is still reachable after f failures
    assert q["w"] >= f + 1  # an acknowledged write outlives f failures


@given(failures)
def test_consensus_is_two_f_plus_one_with_majority_writes(f: int) -> None:
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
    assert round_trip_ms(NETWORK, [], math.inf) is None
    many = ["a", "b", "c", *(f"r{i}" for i in range(3000))]  # capped at the model's 100
    assert round_trip_ms(NETWORK, many, len(many)) == 0.0  # unplaced regions: a 0 ms floor


@given(st.integers(1, 9), st.floats(50, 100))
def test_more_replicas_never_hurt_a_majority(f: int, p: float) -> None:
    smaller = availability_pct(2 * f - 1, f, p)
    larger = availability_pct(2 * f + 1, f + 1, p)
    assert smaller is not None and larger is not None
    if p >= 50:
        assert larger >= smaller - 1e-9


# a, b, c are measured; d is placed (at a's place) but not measured; x is unknown.
NETWORK = NetworkTable(
    {frozenset(("a", "b")): 10.0, frozenset(("a", "c")): 100.0, frozenset(("b", "c")): 80.0},
    {"a": (0.0, 0.0), "b": (0.0, 1.0), "c": (0.0, 10.0), "d": (0.0, 90.0)},
    {"a": "aws", "b": "aws", "c": "gcp", "d": "azure"},
    200.0,
    1.0,
    "test",
)


def test_round_trip_is_the_worst_origins_nearest_majority() -> None:
    # From a the nearest other region is b (10); from b, a (10); from c, b (80).
    assert round_trip_ms(NETWORK, ["a", "b", "c"], 3) == 80.0
    assert leader_round_trip_ms(NETWORK, ["a", "b", "c"], 3) == 10.0


def test_a_forwarded_write_pays_the_trip_to_the_best_leader_and_its_majority() -> None:
    # Leader b: c is 80 away, a 10; b's majority round is 10 (to a). Leader a: 100 + 10.
    # Leader c: 100 + 80.
    assert forwarded_round_trip_ms(NETWORK, ["a", "b", "c"], 3, 3) == 90.0
    # A quorum kept in the leader's region adds no round between regions.
    assert forwarded_round_trip_ms(NETWORK, ["a", "b", "c"], 3, 1) == 80.0
    assert forwarded_round_trip_ms(NETWORK, ["a"], 1, 1) == 0.0
    assert forwarded_round_trip_ms(NETWORK, [], 3, 3) is None


def test_an_unmeasured_pair_is_estimated_over_fibre_from_the_places() -> None:
    quarter = great_circle_km((0.0, 0.0), (0.0, 90.0))
    assert math.isclose(quarter, 2 * math.pi * 6371.0 / 4)
    assert math.isclose(NETWORK.between("a", "d") or 0, 2 * quarter / 200.0)
    assert NETWORK.between("b", "a") == 10.0  # a measurement beats the estimate


def test_an_unknown_region_counts_as_no_round_trip_so_the_result_is_a_floor() -> None:
    assert NETWORK.between("a", "x") is None
    assert round_trip_ms(NETWORK, ["a", "x"], 2) == 0.0
    # From a (or b) the unknown x may be the nearest: nothing is known for sure.
    assert round_trip_ms(NETWORK, ["a", "b", "x"], 3) == 0.0
    assert round_trip_ms(NETWORK, ["a", "b", "c", "x", "d"], 5) > 0


def test_regions_known_only_by_count_have_no_round_trip() -> None:
    assert round_trip_ms(NETWORK, [], 3) is None
    assert leader_round_trip_ms(NETWORK, [], 2) is None
    assert round_trip_ms(NETWORK, [], 1) == 0.0
    assert round_trip_ms(NETWORK, ["a"], 1) == 0.0


def test_the_shipped_table_places_every_measured_region_and_errs_low() -> None:
    network = rules.load([rules_dir()]).network
    for pair, measured in network.pairs.items():
        a, b = sorted(pair)
        estimate = network.estimate(a, b)
        assert estimate is not None
        # The route factor is chosen below all but the one pair that beats the
        # straight line (Mumbai-Singapore); an estimate is a floor, not a figure.
        assert estimate <= measured or pair == frozenset(("ap-south-1", "ap-southeast-1"))
    # Dublin to Tokyo, unmeasured, is well over 80 ms (measured medians: over 200 ms).
    assert (network.between("eu-west-1", "ap-northeast-1") or 0) > 100


FAILURES = load_failures()


def test_write_availability_is_the_shared_model_with_a_failover_pause() -> None:
    got = write_availability_pct(FAILURES, "consensus", 3, 2, True, True, 3, False)
    assert got is not None
    model = avail.predict("consensus", 3, 2, 1, 3, FAILURES).write
    assert math.isclose(got, 100 * model)
    # Without the pause, the same replicas are up more often.
    no_pause = FAILURES._replace(failover_s=dict.fromkeys(FAILURES.failover_s, 0.0))
    assert got < 100 * avail.predict("consensus", 3, 2, 1, 3, no_pause).write


def test_write_availability_counts_what_replicas_share() -> None:
    one_region = write_availability_pct(FAILURES, "leaderless", 5, 3, True, False, 3, False)
    assert one_region is not None and one_region < 100 * FAILURES.region_up
    one_zone = write_availability_pct(FAILURES, "leaderless", 5, 3, False, False, 3, False)
    assert one_zone is not None and one_zone < 100 * FAILURES.zone_up * FAILURES.region_up
    spread = write_availability_pct(FAILURES, "leaderless", 5, 3, True, True, 5, False)
    assert spread is not None and spread > one_region
    assert write_availability_pct(FAILURES, "consensus", None, 2, True, True, 3, False) is None


def test_a_write_waiting_for_a_remote_standby_needs_both_regions() -> None:
    local = write_availability_pct(FAILURES, "leader-follower-sync", 5, 3, True, True, 2, False)
    remote = write_availability_pct(FAILURES, "leader-follower-sync", 5, 3, True, True, 2, True)
    assert local is not None and remote is not None and remote < local
    # Both regions must be up, so no spread of replicas beats two regions' uptime.
    assert remote < 100 * FAILURES.region_up**2
    # Asynchronous followers never wait for a remote acknowledgement.
    async_ = write_availability_pct(FAILURES, "leader-follower-async", 3, 1, True, True, 2, True)
    assert async_ == write_availability_pct(
        FAILURES, "leader-follower-async", 3, 1, True, True, 2, False
    )


def test_the_best_replica_count_is_capped_by_regions_and_failover() -> None:
    two = best_write_availability_pct(FAILURES, "leader-follower-sync", True, True, 2, True)
    three = best_write_availability_pct(FAILURES, "leader-follower-sync", True, True, 3, True)
    assert two is not None and three is not None
    assert two < 99.99 < three
    # No sized quorum does better than the ceiling.
    for f in range(4):
        n, w = 2 * f + 1, f + 1
        got = write_availability_pct(FAILURES, "leader-follower-sync", n, w, True, True, 2, True)
        assert got is not None and got <= two


def test_replicas_with_leaders_reach_five_nines_across_regions() -> None:
    got = write_availability_pct(FAILURES, "consensus", 3, 2, True, True, 3, False)
    assert got is not None and got >= 99.999
