"""Diagrams: golden files for each kind, the ring's truth, and the `diagram` command.

The goldens under tests/golden/diagrams/ are compared byte for byte. After an
intended change to a diagram, regenerate them and review the diff:

    DISTADVISOR_UPDATE_GOLDENS=1 .venv/bin/pytest tests/test_diagrams.py
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from rich.console import Console
from scaffold_import import import_generated
from typer.testing import Result

from distadvisor.diagrams import breaker, cap, partitioning, replication, saga, scaffolds
from distadvisor.engine import chaining, rules
from distadvisor.model import requirements
from distadvisor.render import markdown, text
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.render import render
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "diagrams"
UPDATE = os.environ.get("DISTADVISOR_UPDATE_GOLDENS") == "1"
CLI = Callable[..., Result]
ORDERS = str(ROOT / "examples/order-platform.yaml")
LEDGER = str(ROOT / "examples/multi-region-ledger.yaml")


def breaker_options(**given: object) -> dict[str, object]:
    spec = load_patterns()["circuit-breaker"]
    return resolve_options(spec, given)


LONG = "customer_loyalty_points_balance_per_region_and_currency_ledger"
CASES: dict[str, Callable[[], str]] = {
    "replication-sync-one-region": lambda: replication.draw(
        "payments", "leader-follower-sync", {"n": 3, "w": 2, "r": 2}, regions=["eu-west-1"]
    ),
    "replication-consensus-three-regions": lambda: replication.draw(
        "account_balance",
        "consensus",
        {"n": 5, "w": 3, "r": 3},
        regions=["eu-central-1", "eu-west-1", "eu-north-1"],
    ),
    "replication-multi-leader-ascii": lambda: replication.draw(
        "likes", "multi-leader", {"n": 3, "w": 1, "r": 1}, regions=4, conflicts="crdt", ascii=True
    ),
    "replication-leaderless-long-name-narrow": lambda: replication.draw(
        LONG, "leaderless", {"n": 5, "w": 3, "r": 3}, width=70
    ),
    "replication-chain-residency": lambda: replication.draw(
        "records", "chain", {"n": 3, "w": 3, "r": 1}, regions=["EU", "US"], residency=["EU"]
    ),
    "partitioning-hash": lambda: partitioning.draw("payments", "hash", 3),
    "partitioning-hash-five-nodes-ascii-narrow": lambda: partitioning.draw(
        "sessions", "hash", 5, width=44, ascii=True
    ),
    "partitioning-range-time-series": lambda: partitioning.draw(
        "readings", "range", 4, access="time-series"
    ),
    "partitioning-geographic-residency": lambda: partitioning.draw(
        "account_balance",
        "geographic",
        5,
        regions=["eu-central", "eu-west", "us-east"],
        residency=["eu-central", "eu-west"],
    ),
    "partitioning-none-narrow": lambda: partitioning.draw("fx_rates", "none", 3, width=40),
    "saga-place-order": lambda: saga.draw(
        "place_order",
        ["reserve_inventory", "charge_payment", "ship_order"],
        services=["inventory", "payments", "shipping"],
    ),
    "saga-single-step-ascii": lambda: saga.draw("notify", ["send_email"], ascii=True),
    "saga-long-steps-choreographed": lambda: saga.draw(
        "book_trip",
        [
            "reserve_every_seat_on_the_connecting_flights",
            "charge_card",
            "refund_the_payment_card_that_was_charged_first",
        ],
        coordination="choreographed",
        width=72,
    ),
    "breaker-defaults": lambda: breaker.draw(
        breaker_options(), protects=["payment-provider", "carrier-api"]
    ),
    "breaker-rate-time-slow-ascii": lambda: breaker.draw(
        breaker_options(
            policy="rate", window="time", window_size=60, minimum_calls=8, slow_call_duration=2.5
        ),
        ascii=True,
    ),
    "breaker-narrow": lambda: breaker.draw(
        breaker_options(failure_threshold=2, recovery_timeout=5, half_open_max_calls=3), width=40
    ),
    "cap-order-platform": lambda: cap.draw(
        [
            ("payments", "CP", "PC/EC"),
            ("inventory", "CP", "PC/EC"),
            ("product_catalog", "AP", "PA/EL"),
            ("shopping_cart", "AP", "PA/EC"),
        ]
    ),
    "cap-mismatch-ascii": lambda: cap.draw(
        [("fx_rates", "CP", "PC/EL"), ("timelines", "AP", "PA/EL"), ("odd", "AP", "PC/EC")],
        ascii=True,
        width=64,
    ),
    "cap-narrow-list": lambda: cap.draw(
        [
            ("usernames", "CP", "PC/EC"),
            ("posts", "AP", "PA/EL"),
            ("customer_loyalty_points_per_region", "AP", "PA/EL"),
        ],
        width=40,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str) -> None:
    drawn = CASES[case]() + "\n"
    path = GOLDEN / f"{case}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(drawn, encoding="utf-8")
    assert path.is_file(), f"no golden {path.name}: run with DISTADVISOR_UPDATE_GOLDENS=1"
    assert drawn == path.read_text(encoding="utf-8")


def test_every_kind_has_several_goldens() -> None:
    kinds = [case.split("-")[0] for case in CASES]
    assert {kind: kinds.count(kind) >= 3 for kind in set(kinds)} == dict.fromkeys(
        ("replication", "partitioning", "saga", "breaker", "cap"), True
    )


# --------------------------------------------------------------------------- truth


def _load_scaffold(tmp_path: Path, name: str, **options: object) -> ModuleType:
    spec = load_patterns()["consistent-hash"]
    files = render(spec, name, resolve_options(spec, options))
    write_files(files, tmp_path)
    return import_generated(tmp_path, snake_case(name))


@pytest.mark.parametrize(
    ("options", "hash_name"),
    [
        ({}, "blake2s"),
        ({"compat": "uhashring"}, "md5"),
        ({"hash": "sha1", "vnodes": 40}, "sha1"),
    ],
)
def test_ring_shows_what_the_scaffold_computes(
    tmp_path: Path, options: dict[str, object], hash_name: str
) -> None:
    module = _load_scaffold(tmp_path, f"TruthRing{hash_name.title()}", **options)
    vnodes = int(str(options.get("vnodes", 160)))
    for entity, n in (("payments", 3), ("sessions", 5), ("a.b-c", 2)):
        nodes = [f"{entity}-{i}" for i in range(1, n + 1)]
        ring = getattr(module, f"TruthRing{hash_name.title()}")(nodes, vnodes=vnodes)
        for key in (partitioning.sample_key(entity), "user:42", "k"):
            steps = partitioning.walk(nodes, key, n, hash_name=hash_name, vnodes=vnodes)
            drawn = list(dict.fromkeys(node for _, node, _ in steps))
            assert drawn == ring.get_nodes(key, n)
            assert steps[0][1] == ring.get_node(key)


# Apache Kafka's own vectors for Utils.murmur2 (UtilsTest.testMurmur2 in its Java
# client), signed as Java prints them: the partition drawn for a key is Kafka's.
KAFKA_MURMUR2 = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"a-little-bit-longer-string": -1486304829,
    b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    b"abc": 479470107,
}


@pytest.mark.parametrize(("data", "signed"), KAFKA_MURMUR2.items())
def test_log_partitions_use_kafkas_murmur2(data: bytes, signed: int) -> None:
    assert partitioning.murmur2(data) == signed & 0xFFFFFFFF


def test_a_log_is_drawn_as_fixed_partitions_not_a_ring() -> None:
    drawing = partitioning.draw("events", "hash", 3, access="log", ascii=True)
    assert "6 partitions by key" in drawing
    assert "consistent-hash" not in drawing
    home = partitioning.kafka_partition(partitioning.sample_key("events"), 6)
    rows = [line for line in drawing.splitlines() if line.startswith("  p") and line[3].isdigit()]
    assert len(rows) == 6
    marked = [line for line in rows if line.rstrip().endswith("< key")]
    assert len(marked) == 1 and marked[0].split()[0] == f"p{home}"
    assert f"mod 6 = p{home}" in drawing


def test_scaffold_docstring_carries_the_drawn_diagram() -> None:
    for pattern, options in (
        ("circuit-breaker", {"failure_threshold": 7}),
        ("saga", {"steps": "hold,charge"}),
        ("consistent-hash", {"compat": "uhashring"}),
    ):
        spec = load_patterns()[pattern]
        resolved = resolve_options(spec, options)
        module = next(iter(render(spec, "DocName", resolved).values()))
        drawn = scaffolds.draw(pattern, "DocName", resolved)
        assert drawn and all(line.isascii() for line in drawn.splitlines())
        indented = "\n".join(f"    {line}" if line else "" for line in drawn.splitlines())
        assert indented in module


@pytest.mark.parametrize(
    ("pattern", "options", "facts"),
    [
        (
            "retry-backoff",
            {"max_attempts": 4, "base_delay": 0.5, "max_delay": 1.5},
            [
                "attempt 3 --retryable error--> wait random 0 .. 1.5 s",
                "attempt 4 --retryable error--> raise the last error",
                "0.1 x calls + 3",
            ],
        ),
        (
            "retry-backoff",
            {"jitter": "decorrelated", "budget_ratio": 0, "timeout": 2},
            ["wait random 0.1 .. 0.3 s", "deadline 2 s from its start"],
        ),
        ("timeout", {"timeout": 0.25}, ["0.25 s"]),
        (
            "bulkhead",
            {"dependencies": "inventory,payments", "max_concurrent": 4},
            ["[<= 4 run] --> inventory", "[<= 4 run] --> payments"],
        ),
        (
            "rate-limiter",
            {"rate": 2.5, "burst": 7, "backend": "redis"},
            ["up to 7 at once, refilled 2.5/s", "in Redis"],
        ),
        ("idempotency-key", {"wait": 3}, ["wait <= 3 s", "IdempotencyKeyReusedError"]),
        (
            "outbox",
            {"store": "postgresql", "batch_size": 25},
            ["SKIP LOCKED", "up to 25 per round"],
        ),
        (
            "cache-aside",
            {"ttl": 30, "jitter": 0.5, "negative_ttl": 0},
            ["15 .. 30 s", "None (not found) is not cached"],
        ),
    ],
)
def test_resilience_scaffolds_draw_their_options(
    pattern: str, options: dict[str, object], facts: list[str]
) -> None:
    spec = load_patterns()[pattern]
    resolved = resolve_options(spec, options)
    drawn = scaffolds.draw(pattern, "DocName", resolved)
    assert all(line.isascii() and len(line) <= scaffolds.WIDTH for line in drawn.splitlines())
    for fact in facts:
        assert fact in drawn, fact
    module = render(spec, "DocName", resolved)[f"_{snake_case('DocName')}_base.py"]
    assert drawn.splitlines()[0] in module


def test_breaker_picture_carries_the_thresholds() -> None:
    drawn = breaker.draw(
        breaker_options(
            failure_threshold=9, recovery_timeout=12.5, success_threshold=4, half_open_max_calls=2
        )
    )
    for fact in ("after 9 consecutive failures", "12.5 s", "4 successful", "admits 2"):
        assert fact in drawn


# --------------------------------------------------------------------------- the command


def test_diagram_command_draws_every_kind(cli: CLI) -> None:
    result = cli("diagram", ORDERS)
    assert result.exit_code == 0
    out = result.stdout
    for fact in (
        "payments: leader-follower-sync replication, n=3 w=2 r=2",
        "inventory: not partitioned",
        "product_catalog: not partitioned",
        "Where each kind of data sits",
        "place_order: saga (orchestrated)",
        "circuit breaker",
        "eu-west-1",
        "payment-provider",
    ):
        assert fact in out
    assert "\x1b[" not in out  # plain text, never colour
    assert max(len(line) for line in out.splitlines()) <= 80


def test_diagram_command_width_ascii_and_filters(cli: CLI) -> None:
    result = cli("diagram", LEDGER, "--entity", "account_balance", "--width", "60", "--ascii")
    assert result.exit_code == 0
    assert result.stdout.isascii()
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "geographic partitioning" in result.stdout and "consensus" in result.stdout
    assert "ledger_entries" not in result.stdout
    result = cli("diagram", ORDERS, "--entity", "place_order")
    assert result.stdout.startswith("place_order: saga")
    result = cli("diagram", ORDERS, "--kind", "cap")
    assert result.stdout.startswith("Where each kind of data sits")


def test_no_saga_is_drawn_for_a_transaction_within_one_service(cli: CLI) -> None:
    # The ledger's transfer runs in ledger-core alone: the advice finds a local
    # transaction enough, so no compensations are drawn for it.
    result = cli("diagram", LEDGER)
    assert result.exit_code == 0
    assert "transfer" not in result.stdout and "saga" not in result.stdout
    result = cli("advise", "--detail", LEDGER)
    assert "findings.local-transaction" in result.stdout or "local database" in result.stdout
    assert "transfer: saga" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entity", "paymnts"], "did you mean 'payments'?"),
        (["--kind", "replicaton"], "did you mean 'replication'?"),
        (["--entity", "place_order", "--kind", "cap"], "expected one of saga"),
        (["--width", "20"], "expected at least 40, found 20"),
    ],
)
def test_diagram_command_bad_options(cli: CLI, args: list[str], message: str) -> None:
    result = cli("diagram", ORDERS, *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_width_must_hold_the_longest_name(cli: CLI, tmp_path: Path) -> None:
    name = "n" * 60
    path = tmp_path / "long.yaml"
    path.write_text(f"version: 1\nsystem: s\ndata:\n  - name: {name}\n", encoding="utf-8")
    result = cli("diagram", str(path), "--width", "50")
    assert result.exit_code == 2 and "expected at least 66" in result.stderr
    result = cli("diagram", str(path), "--width", "66")
    assert result.exit_code == 0 and name in result.stdout


def test_diagram_command_bad_file(cli: CLI, tmp_path: Path) -> None:
    result = cli("diagram", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- the reports


def test_advise_reports_embed_the_diagrams(ruleset: rules.RuleSet) -> None:
    req = requirements.load(ORDERS)
    rec = chaining.advise(ruleset, req)
    console = Console(width=100, record=True, force_terminal=False)
    text.render(rec, console, req, detail=True)
    report = console.export_text()
    assert (
        replication.draw(
            "payments", "leader-follower-sync", {"n": 3, "w": 2, "r": 2}, regions=["eu-west-1"]
        )
        in report
    )
    assert "place_order: saga" in report and "circuit breaker" in report
    adr = markdown.render(rec, req=req)
    assert "```text\nplace_order: saga (orchestrated)" in adr
    assert "```text\nWhere each kind of data sits" in adr
    # Without the requirements the diagrams still come, from the recommendation alone.
    assert "payments: not partitioned" in markdown.render(rec)


def test_advise_report_is_ascii_on_a_non_utf8_console(
    ruleset: rules.RuleSet, tmp_path: Path
) -> None:
    # A kind of data past one node's capacity, so the report draws a hash ring too.
    big = tmp_path / "big.yaml"
    big.write_text(
        Path(ORDERS)
        .read_text(encoding="utf-8")
        .replace("    read_write_ratio: 30\n", "    read_write_ratio: 30\n    size_gb: 5000\n"),
        encoding="utf-8",
    )
    req = requirements.load(str(big))
    rec = chaining.advise(ruleset, req)
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace")
    console = Console(file=stream, width=80, record=True, force_terminal=False)
    text.render(rec, console, req, detail=True)
    report = console.export_text()
    assert "+-> " in report and "|  clockwise" in report and "\u25b6" not in report
