"""The datastore catalogue: sourced entries, declared limits kept, simplest store first."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from distadvisor.engine import rules
from distadvisor.engine.catalogue import (
    ACCESS_PATTERNS,
    Catalogue,
    Level,
    Limit,
    Needs,
    Store,
    load_catalogue,
)
from distadvisor.engine.functions import first_store_notes, isolation_settings
from distadvisor.errors import InputError
from distadvisor.model.vocabulary import CONSISTENCY, ISOLATION, PACELC, REPLICATION
from distadvisor.recommendation import Recommendation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "rules" / "data" / "datastores.yaml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def _limits(store: Store) -> Iterator[tuple[Level | None, Limit]]:
    yield from ((None, limit) for limit in store.limits)
    for level in store.levels:
        yield from ((level, limit) for limit in level.limits)


def test_every_store_level_and_limit_names_its_source(catalogue: Catalogue) -> None:
    for store in catalogue.stores:
        assert store.sources, store.name
        for level in store.levels:
            assert level.sources and all(s.strip() for s in level.sources), (store.name, level)
        for _, limit in _limits(store):
            assert limit.source.strip() and limit.note.strip(), (store.name, limit)


def test_every_store_says_how_it_isolates_transactions(catalogue: Catalogue) -> None:
    for store in catalogue.stores:
        assert dict(store.isolation)["default"] in ISOLATION, store.name


# --- needs a level delivers, to probe its limits --------------------------------------

SETS = (("us-east-1", "us-east-2", "us-west-2"), ("eu-west-1", "eu-west-2", "eu-west-3"))


def _needs_for(store: Store, level: Level, deployment: str, **changes: Any) -> Needs:
    """Needs that `level` of `store` meets in every respect, in that deployment shape."""
    if deployment == "multi-region-sync":
        # Consensus across regions, or a synchronous standby in another region.
        replication = "consensus" if "consensus" in level.replication else level.replication[0]
    elif deployment == "multi-writer":
        replication = next(r for r in level.replication if r in ("multi-leader", "leaderless"))
    elif deployment == "single-region":
        replication = level.replication[0]
    else:  # one writer: a consensus-only level serves synchronous replication
        replication = next(
            (r for r in level.replication if r != "consensus"), "leader-follower-sync"
        )
    regions = {"single-region": 1}.get(deployment, 3)
    # Within every size limit (a store only for small data needs a known size).
    sizes = [lim.value for _, lim in _limits(store) if lim.kind == "max_size_gb"]
    needs = Needs(
        consistency=level.consistency,
        pacelc=level.pacelc,
        replication=replication,
        conflicts=level.conflicts[0],
        isolation="read-committed",
        access=store.access[0],
        size_gb=min(sizes) / 2 if sizes else None,
        writes_per_sec=None,
        region_names=SETS[0][:regions] if regions > 1 else (),
        region_count=regions,
        writes_from="all-regions" if deployment == "multi-writer" else "one-region",
        partitioning="none",
        region_loss_safe=deployment == "multi-region-sync",
    )
    return needs._replace(**changes)


def _past_and_within(limit: Limit) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Needs changes that put the data past the limit, and ones that keep it within."""
    if limit.kind == "max_size_gb":
        return {"size_gb": limit.value * 2}, {"size_gb": limit.value / 2}
    if limit.kind == "not_system_of_record":
        return {"audit_trail": True}, {"audit_trail": False}
    if limit.kind == "max_writes_per_sec":
        return {"writes_per_sec": limit.value * 2}, {"writes_per_sec": limit.value / 2}
    if limit.kind == "max_key_writes_per_sec":
        return (
            {"writes_per_sec": limit.value * 2, "hot_keys": True},
            {"writes_per_sec": limit.value / 2, "hot_keys": True},
        )
    if limit.kind == "min_regions" and limit.value > 2:
        below = int(limit.value) - 1
        return (
            {"region_count": below, "region_names": ()},
            {"region_count": int(limit.value), "region_names": ()},
        )
    if limit.kind == "max_regions":
        return (
            {"region_count": int(limit.value) + 1, "region_names": ()},
            {"region_count": int(limit.value), "region_names": ()},
        )
    if limit.kind == "region_sets":
        first, second = limit.value[0], limit.value[1]
        return (
            {"region_names": (first[0], second[0], second[1])},
            {"region_names": first[:3]},
        )
    return None


def _probes(catalogue: Catalogue) -> Iterator[tuple[Store, Level, str, Limit]]:
    for store in catalogue.stores:
        if not store.recommend:
            continue
        for owner, limit in _limits(store):
            levels = [owner] if owner is not None else list(store.levels)
            for level in levels:
                shapes = level.deployments
                if limit.kind in ("min_regions", "max_regions", "region_sets"):
                    shapes = tuple(d for d in shapes if d == "multi-region-sync")
                for shape in shapes:
                    yield store, level, shape, limit


def _offered(catalogue: Catalogue, store: Store, needs: Needs) -> bool:
    """Whether the store has a setting for these needs (a niche store alone counts too)."""
    selection = catalogue.select(needs)
    return any(s.startswith(f"{store.name} (") for s in selection.stores) or any(
        v.store == store and "niche" in v.why for v in selection.excluded
    )


def test_no_store_is_offered_past_a_limit_it_declares(catalogue: Catalogue) -> None:
    checked = 0
    for store, level, shape, limit in _probes(catalogue):
        changes = _past_and_within(limit)
        if changes is None:
            continue
        past, within = changes
        if limit.access:  # probed with data read the way the limit concerns
            past, within = (
                {**past, "access": limit.access[0]},
                {**within, "access": limit.access[0]},
            )
        # Within the limit, the level is offered: the probe can fail.
        assert _offered(catalogue, store, _needs_for(store, level, shape, **within)), (
            store.name,
            level.name,
            shape,
            limit.kind,
            within,
        )
        needs = _needs_for(store, level, shape, **past)
        assert not _offered(catalogue, store, needs), (store.name, level.name, limit)
        why = next(v.why for v in catalogue.select(needs).excluded if v.store == store)
        assert limit.note in why or "regions" in why or "unknown" in why, why
        checked += 1
    assert checked >= 10  # etcd's size, DynamoDB's region set, the region minimums...


def test_etcd_stays_under_its_suggested_maximum(catalogue: Catalogue) -> None:
    etcd = next(s for s in catalogue.stores if s.name == "etcd")
    level = etcd.levels[0]
    small = _needs_for(etcd, level, "single-region", size_gb=2)
    big = _needs_for(etcd, level, "single-region", size_gb=500)
    unknown = _needs_for(etcd, level, "single-region", size_gb=None)
    assert any(s.startswith("etcd (") for s in catalogue.select(small).stores)
    for needs in (big, unknown):
        assert not any(s.startswith("etcd (") for s in catalogue.select(needs).stores)
    assert "etcd (500 GB is past 8 GB" in catalogue.select(big).explain()
    assert "etcd" not in catalogue.select(unknown).explain()  # unknown is not reported


def test_dynamodb_strong_across_regions_needs_three_regions_of_one_set(
    catalogue: Catalogue,
) -> None:
    dynamo = next(s for s in catalogue.stores if s.name == "DynamoDB")
    mrsc = next(lv for lv in dynamo.levels if "MRSC" in lv.name)

    def offered(names: tuple[str, ...]) -> bool:
        needs = _needs_for(
            dynamo, mrsc, "multi-region-sync", region_names=names, region_count=len(names)
        )
        return any("MRSC" in s for s in catalogue.select(needs).stores)

    assert offered(("us-east-1", "us-east-2", "us-west-2"))
    assert offered(("eu-west-1", "eu-central-1", "eu-west-2"))
    assert not offered(("us-east-1", "eu-west-1", "ap-northeast-1"))
    assert not offered(("us-east-1", "us-east-2"))
    assert not offered(("us-east-1", "us-east-2", "us-west-2", "eu-west-1"))


def test_cosmos_strong_is_never_offered_with_multi_region_writes(catalogue: Catalogue) -> None:
    cosmos = next(s for s in catalogue.stores if s.name == "Azure Cosmos DB")
    strong = next(lv for lv in cosmos.levels if lv.name == "Strong")
    assert "multi-writer" not in strong.deployments
    assert any("not offered with multi-region writes" in lim.note for lim in strong.limits)


# --- properties over a grid of needs ----------------------------------------------------


def _grid() -> Iterator[Needs]:
    conflicts = ("none", "last-write-wins", "crdt")
    shapes = ((1, "one-region"), (3, "one-region"), (3, "all-regions"))
    for consistency, pacelc, replication, conflict, isolation, access, (
        count,
        writes,
    ), size in itertools.product(
        CONSISTENCY,
        PACELC,
        REPLICATION,
        conflicts,
        ISOLATION,
        ACCESS_PATTERNS[:4],
        shapes,
        (None, 20.0, 5000.0),
    ):
        yield Needs(
            consistency,
            pacelc,
            replication,
            conflict,
            isolation,
            access,
            size,
            None,
            (),
            count,
            writes,
            "none",
        )


def test_niche_stores_are_never_first_and_empty_lists_say_why(catalogue: Catalogue) -> None:
    niche = {s.name for s in catalogue.stores if s.tier == "niche"}
    for needs in _grid():
        selection = catalogue.select(needs)
        if selection.stores:
            assert selection.stores[0].split(" (")[0] not in niche, needs
        else:
            assert selection.explain().startswith(" No catalogued store"), needs


def test_partitioning_never_decides_which_stores_fit(catalogue: Catalogue) -> None:
    """Except under consensus by geography, where each home region runs its own group
    (the test below)."""
    for needs in itertools.islice(_grid(), 0, None, 7):
        schemes = ("none", "hash", "range")
        if needs.replication != "consensus":
            schemes += ("geographic",)
        offered = {p: set(catalogue.select(needs._replace(partitioning=p)).stores) for p in schemes}
        assert len({frozenset(v) for v in offered.values()}) == 1, needs


def test_consensus_by_geography_runs_one_group_per_home_region(catalogue: Catalogue) -> None:
    two_regions = Needs(
        "linearizable",
        "PC/EC",
        "consensus",
        "none",
        "serializable",
        "point",
        2000.0,
        None,
        ("eu-central-1", "eu-west-1"),
        2,
        "one-region",
        "none",
    )
    across = catalogue.select(two_regions)
    homed = catalogue.select(two_regions._replace(partitioning="geographic"))
    assert not any(s.startswith("CockroachDB (") for s in across.stores)
    assert "CockroachDB" in across.explain()  # three regions for region survival
    assert any(s.startswith("CockroachDB (") for s in homed.stores)


def test_scale_out_data_ranks_distributed_stores_before_one_node(catalogue: Catalogue) -> None:
    base = Needs(
        "linearizable",
        "PC/EC",
        "leader-follower-sync",
        "none",
        "serializable",
        "point",
        800.0,
        None,
        (),
        1,
        "one-region",
        "none",
    )
    small = catalogue.select(base).stores
    large = catalogue.select(base._replace(partitioning="hash")).stores
    assert small[0].startswith("PostgreSQL (") and set(small) == set(large)
    assert large[0].startswith("DynamoDB (")
    assert large.index(small[0]) > large.index(next(s for s in large if "Spanner" in s))


def test_money_is_never_sent_to_single_key_stores(catalogue: Catalogue) -> None:
    needs = Needs(
        "linearizable",
        "PC/EC",
        "consensus",
        "none",
        "serializable",
        "point",
        50.0,
        None,
        (),
        1,
        "one-region",
        "none",
    )
    offered = catalogue.select(needs).stores
    assert offered and not any(
        s.startswith(("Cassandra", "ScyllaDB", "Azure Cosmos DB", "MongoDB")) for s in offered
    )
    claims = catalogue.select(needs._replace(isolation="read-committed")).stores
    assert any(s.startswith("Cassandra (lightweight") for s in claims)


def test_isolation_settings_name_each_offered_store_s_setting(catalogue: Catalogue) -> None:
    offered = ["PostgreSQL (x)", "MySQL (InnoDB) (y)", "Unknown (z)"]
    text = isolation_settings(catalogue, offered, "serializable")
    assert text.startswith(" The setting for serializable at each: PostgreSQL: SERIALIZABLE")
    assert "MySQL (InnoDB): SERIALIZABLE, or locking reads" in text
    assert "REPEATABLE READ" in text  # MySQL's default is named as unsafe
    assert "Unknown" not in text
    assert isolation_settings(catalogue, offered, "n/a") == ""
    # No store offered: no dangling "at each: ." sentence.
    assert isolation_settings(catalogue, [], "serializable") == ""


# --- whole systems ----------------------------------------------------------------------

CRUD = {
    "system": "crud",
    "data": [
        {"name": "customers", "size_gb": 5},
        {"name": "orders", "money": True, "size_gb": 20, "transactional_with": ["stock"]},
        {"name": "stock", "unique_claims": True, "size_gb": 1},
        {"name": "sessions", "read_your_writes": True, "size_gb": 2},
    ],
}


def test_a_crud_app_that_fits_one_node_gets_postgresql_first(
    advise: Callable[[dict[str, Any]], Recommendation],
) -> None:
    rec = advise(CRUD)
    for entity in rec.entities:
        stores = entity.conclusions["datastores"]
        assert stores and stores[0].startswith("PostgreSQL ("), (entity.name, stores)
    isolation = {e.name: e.conclusions["isolation"] for e in rec.entities}
    assert isolation == {
        "customers": "read-committed",
        "orders": "serializable",
        "stock": "serializable",  # updated in the orders' transaction
        "sessions": "read-committed",
    }
    orders = next(e for e in rec.entities if e.name == "orders")
    reason = next(r.text for r in orders.because if r.field == "datastores")
    assert "PostgreSQL: SERIALIZABLE" in reason and "MySQL (InnoDB): SERIALIZABLE" in reason


# --- loading ----------------------------------------------------------------------------


def _load(tmp_path: Path, text: str) -> Catalogue:
    path = tmp_path / "datastores.yaml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


GOOD_STORE = """
stores:
  - name: S
    tier: mainstream
    scale: single-node
    pacelc: PC/EC
    access: [point]
    partitioning: []
    isolation: {default: read-committed}
    sources: [https://example.org/s]
    limits: LIMITS
    levels:
      - level: L
        consistency: linearizable
        pacelc: PC/EC
        replication: [consensus]
        conflicts: [none]
        deployments: [single-region]
        transactions: multi-row
        sources: [https://example.org/l]
"""


def test_a_well_formed_catalogue_loads(tmp_path: Path) -> None:
    cat = _load(
        tmp_path,
        GOOD_STORE.replace(
            "LIMITS", "[{kind: max_size_gb, value: 8, note: n, source: https://example.org}]"
        ),
    )
    assert cat.stores[0].limits[0] == Limit("max_size_gb", 8, "n", "https://example.org")


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ("[{kind: max_size_gb, value: 8, note: n}]", "'source' missing"),
        ("[{kind: maximum, value: 8, note: n, source: s}]", "unknown value"),
        ("[{kind: max_size_gb, value: big, note: n, source: s}]", "'value' missing or wrong"),
        ("[{kind: region_sets, value: [a], note: n, source: s}]", "malformed region sets"),
        ("nope", "'limits' must be a list"),
    ],
)
def test_a_limit_without_a_source_or_a_kind_is_refused(
    tmp_path: Path, limits: str, expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, GOOD_STORE.replace("LIMITS", limits))
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


def test_a_store_without_sources_is_refused(tmp_path: Path) -> None:
    text = GOOD_STORE.replace("LIMITS", "[]").replace(
        "sources: [https://example.org/s]", "sources: []"
    )
    with pytest.raises(InputError) as caught:
        _load(tmp_path, text)
    assert any("sources missing" in str(p) for p in caught.value.problems)


def test_the_shipped_rules_load_with_the_catalogue() -> None:
    ruleset = rules.load([ROOT / "rules"])
    assert "isolation" in ruleset.slot_order
    assert ruleset.slot_order.index("isolation") < ruleset.slot_order.index("datastores")
    assert {s.name for s in ruleset.catalogue.stores} >= {
        "PostgreSQL",
        "MySQL (InnoDB)",
        "CockroachDB",
        "Spanner",
        "DynamoDB",
        "Redis",
        "Kafka",
        "etcd",
        "Cassandra",
        "ScyllaDB",
        "MongoDB",
        "FoundationDB",
        "TimescaleDB",
        "ClickHouse",
    }
    assert set(REPLICATION)  # the vocabulary the levels are checked against


def test_isolation_settings_read_as_one_clause_each(catalogue: Catalogue) -> None:
    """Settings are joined with semicolons, so none may contain one."""
    for store in catalogue.stores:
        for level, setting in store.isolation:
            assert ";" not in setting, (store.name, level)


def test_the_first_store_s_documented_notes_are_named(catalogue: Catalogue) -> None:
    text = first_store_notes(catalogue, ["Cassandra (lightweight transactions (SERIAL))"])
    assert text.startswith(" Design for Cassandra's documented limits:")
    assert "no transaction spans partitions" in text
    mrsc = "DynamoDB (global tables, multi-Region strong consistency (MRSC))"
    assert "multi-item transactions" in first_store_notes(catalogue, [mrsc])
    assert first_store_notes(catalogue, []) == ""
    assert first_store_notes(catalogue, ["Nothing (x)"]) == ""


def test_data_written_once_fits_any_replication_and_conflict_handling(
    catalogue: Catalogue,
) -> None:
    mutable = Needs(
        "eventual",
        "PA/EL",
        "leader-follower-async",
        "none",
        "read-committed",
        "time-series",
        50.0,
        None,
        (),
        1,
        "one-region",
        "none",
    )
    names = {s.split(" (")[0] for s in catalogue.select(mutable).stores}
    appended = {
        s.split(" (")[0]
        for s in catalogue.select(mutable._replace(mutability="append-only")).stores
    }
    assert "Cassandra" not in names  # last-write-wins could drop a concurrent rewrite
    assert {"Cassandra", "ScyllaDB"} <= appended and names <= appended


def test_a_hot_key_past_a_partition_s_write_ceiling_rules_the_store_out(
    catalogue: Catalogue,
) -> None:
    claims = Needs(
        "linearizable",
        "PC/EC",
        "leader-follower-sync",
        "none",
        "read-committed",
        "point",
        1.0,
        50000.0,
        (),
        1,
        "one-region",
        "hash",
    )
    spread = catalogue.select(claims)
    hot = catalogue.select(claims._replace(hot_keys=True))
    assert spread.stores[0].startswith("DynamoDB (")
    assert not any(s.startswith("DynamoDB (") for s in hot.stores)
    assert "DynamoDB (50000 writes/s on a hot key is past 1000" in hot.explain()


# --- limits that concern some queries -------------------------------------------------

SCOPED = (
    "[{kind: note, note: everywhere, source: https://example.org/a},"
    " {kind: note, access: [range], note: scans stay in a partition, source: s},"
    " {kind: max_size_gb, access: [range], value: 10, note: range index, source: s}]"
)


def test_a_limit_that_names_its_queries_applies_to_them_only(tmp_path: Path) -> None:
    cat = _load(
        tmp_path,
        GOOD_STORE.replace("access: [point]", "access: [point, range]").replace("LIMITS", SCOPED),
    )
    store = cat.stores[0]
    assert [lim.access for lim in store.limits] == [(), ("range",), ("range",)]
    needs = _needs_for(store, store.levels[0], "single-region", size_gb=50.0)
    assert cat.select(needs).stores == ("S (L)",)  # the size limit is the range index's
    scans = cat.select(needs._replace(access="range"))
    assert not scans.stores and "50 GB is past 10 GB: range index" in scans.explain()
    assert first_store_notes(cat, ["S (L)"], "point") == (
        " Design for S's documented limits: everywhere."
    )
    assert "scans stay in a partition" in first_store_notes(cat, ["S (L)"], "range")
    assert "scans stay in a partition" in first_store_notes(cat, ["S (L)"])  # no access given


def test_a_limit_on_queries_the_store_does_not_serve_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, GOOD_STORE.replace("LIMITS", SCOPED))
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 2, problems  # the two limits on range queries
    for problem in problems:
        assert "unknown value" in problem and "'range'" in problem and "one of point" in problem


def test_the_sorted_set_note_is_shown_for_sorted_sets_only(catalogue: Catalogue) -> None:
    offered = ["Redis Enterprise Active-Active (CRDB (conflict-free replicated databases))"]
    note = "a sorted set's scores merge as counters"
    assert note in first_store_notes(catalogue, offered, "sorted-set")
    counters = first_store_notes(catalogue, offered, "counter")
    assert note not in counters and "CRDT semantics" in counters
    assert note not in first_store_notes(catalogue, offered, "point")


# --- range scans within a partition key ----------------------------------------------

RANGE_ON_AWS = Needs(
    "read-your-writes",
    "PA/EL",
    "multi-leader",
    "last-write-wins",
    "read-committed",
    "range",
    50000.0,
    50000.0,
    ("us-east-1", "eu-west-1", "ap-northeast-1"),
    3,
    "all-regions",
    "range",
    clouds=("aws",),
)


def test_range_scans_within_a_partition_key_are_served_by_the_hash_stores(
    catalogue: Catalogue,
) -> None:
    offered = catalogue.select(RANGE_ON_AWS).stores
    names = [s.split(" (")[0] for s in offered]
    assert names[0] == "DynamoDB" and {"Cassandra", "ScyllaDB", "Azure Cosmos DB"} <= set(names)
    assert names[-2:] == ["Azure Cosmos DB", "Cloud Bigtable"]  # other providers last
    for store in ("DynamoDB", "Cassandra", "ScyllaDB", "Azure Cosmos DB"):
        first = next(s for s in offered if s.startswith(f"{store} ("))
        assert "range scans within one" in first_store_notes(catalogue, [first], "range")
        assert "range scans within one" not in first_store_notes(catalogue, [first], "point")
    # The same queries on data one node holds, written in one region: PostgreSQL first.
    small = RANGE_ON_AWS._replace(
        replication="leader-follower-async",
        conflicts="none",
        size_gb=50.0,
        writes_per_sec=50.0,
        region_names=("us-east-1",),
        region_count=1,
        writes_from="one-region",
        partitioning="none",
    )
    names = [s.split(" (")[0] for s in catalogue.select(small).stores]
    assert names[0] == "PostgreSQL" and "DynamoDB" in names


# --- in-memory stores stop at the memory that holds them -----------------------------


@pytest.mark.parametrize(
    ("store", "size", "fits"),
    [
        ("Redis", 200.0, True),
        ("Redis", 900.0, False),
        ("Redis Enterprise Active-Active", 300.0, True),
        ("Redis Enterprise Active-Active", 3000.0, False),
    ],
)
def test_in_memory_stores_are_left_out_past_their_memory(
    catalogue: Catalogue, store: str, size: float, fits: bool
) -> None:
    found = next(s for s in catalogue.stores if s.name == store)
    level = found.levels[0]
    shape = level.deployments[0]
    needs = _needs_for(found, level, shape, size_gb=size)
    assert _offered(catalogue, found, needs) is fits
    if not fits:
        why = next(v.why for v in catalogue.select(needs).excluded if v.store == found)
        assert why.startswith(f"{size:g} GB is past") and "memory" in why
        assert "disk-based store" in why


# --- specialised stores and the level shown ------------------------------------------

TINY_TIME_SERIES = Needs(
    "eventual",
    "PA/EL",
    "leader-follower-async",
    "none",
    "read-committed",
    "time-series",
    1.5,
    15.0,
    ("us-east-1",),
    1,
    "one-region",
    "none",
    mutability="append-only",
    clouds=("aws",),
)


def test_specialised_stores_rank_first_only_once_the_data_outgrows_one_node(
    catalogue: Catalogue,
) -> None:
    small = [s.split(" (")[0] for s in catalogue.select(TINY_TIME_SERIES).stores]
    assert small[:3] == ["PostgreSQL", "MySQL", "TimescaleDB"]
    large = [
        s.split(" (")[0]
        for s in catalogue.select(
            TINY_TIME_SERIES._replace(size_gb=20000.0, partitioning="range")
        ).stores
    ]
    assert large[0] == "ClickHouse" and set(large) == set(small)
    assert large.index("TimescaleDB") < large.index("PostgreSQL")


def test_the_level_shown_runs_over_the_concluded_replication(catalogue: Catalogue) -> None:
    """Written-once data fits any scheme; the setting named is the concluded one's."""
    session = TINY_TIME_SERIES._replace(consistency="read-your-writes", pacelc="PA/EC")
    offered = catalogue.select(session).stores
    assert offered[0] == "PostgreSQL (asynchronous standbys, reads from the primary)"
    for entry in offered:
        store = next(s for s in catalogue.stores if entry.startswith(f"{s.name} ("))
        level = next(lv for lv in store.levels if entry == f"{store.name} ({lv.name})")
        exact = [
            lv
            for lv in store.levels
            if lv.delivers(session)
            and "leader-follower-async" in lv.replication
            and lv.consistency == session.consistency
            and lv.pacelc == session.pacelc
            and session.deployment in lv.deployments
        ]
        assert not exact or level in exact, (entry, [lv.name for lv in exact])
