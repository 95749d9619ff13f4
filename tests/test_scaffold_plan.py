"""`advise --scaffold`: every recommended pattern with a scaffold, written all or nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import requirements_from
from typer.testing import Result

from distadvisor.errors import InputError
from distadvisor.resources import templates_dir
from distadvisor.scaffold.plan import camel_case, hop_timeouts
from distadvisor.scaffold.specs import load_patterns

ROOT = Path(__file__).resolve().parent.parent
ORDERS = str(ROOT / "examples/order-platform.yaml")
CLI = Callable[..., Result]
# No ring: every kind of data of the order platform fits one node.
# Every scaffold has a generation gap: its base, the user's module and the tests.
EXPECTED = {
    f"{prefix}{module}{suffix}"
    for module in (
        "order_platform_breaker",
        "place_order_saga",
        "order_platform_retry",
        "order_platform_idempotency",
        "order_platform_outbox",
        *(
            f"{service}_timeout"
            for service in (
                "orders",
                "catalog",
                "inventory",
                "payments",
                "shipping",
                "payment_provider",
                "carrier_api",
            )
        ),
        *(f"{service}_bulkhead" for service in ("orders", "storefront")),
        *(f"{service}_rate_limiter" for service in ("payment_provider", "carrier_api")),
    )
    for prefix, suffix in (("_", "_base.py"), ("", ".py"), ("test_", ".py"))
}


def test_writes_each_scaffolded_pattern_once(cli: CLI, tmp_path: Path) -> None:
    result = cli("advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED
    saga = (tmp_path / "place_order_saga.py").read_text()
    # The saga's steps come from the transaction in the requirements.
    assert "--steps reserve_inventory,charge_payment,ship_order" in saga
    assert "class PlaceOrderSaga" in saga
    # Each hop's timeout is its share of the 200 ms budget down the call graph:
    # storefront calls two services, orders three.
    assert "--timeout 0.1 " in (tmp_path / "orders_timeout.py").read_text()
    assert "--timeout 0.033 " in (tmp_path / "payment_provider_timeout.py").read_text()
    # Retries end within the system's latency budget.
    assert "--timeout 0.2 " in (tmp_path / "order_platform_retry.py").read_text()
    # A bulkhead compartment for each service a service calls.
    bulkhead = (tmp_path / "orders_bulkhead.py").read_text()
    assert "--dependencies inventory,payments,shipping" in bulkhead


def test_dry_run_writes_nothing(cli: CLI, tmp_path: Path) -> None:
    result = cli(
        "advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path / "new"), "--dry-run"
    )
    assert result.exit_code == 0
    assert "would write" in result.output
    assert not (tmp_path / "new").exists()


def test_existing_files_stop_everything_before_any_output(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "place_order_saga.py").write_text("# mine\n")
    result = cli("advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path))
    assert result.exit_code == 2
    assert "place_order_saga.py: file already exists" in result.output
    assert '"schema"' not in result.output  # no report on a failed run
    assert {p.name for p in tmp_path.iterdir()} == {"place_order_saga.py"}
    assert (tmp_path / "place_order_saga.py").read_text() == "# mine\n"
    forced = cli("advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path), "--force")
    assert forced.exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED


def test_step_names_become_identifiers(cli: CLI, tmp_path: Path) -> None:
    req = tmp_path / "req.yaml"
    req.write_text(
        "version: 1\nsystem: shop\ndata: [{name: orders}]\n"
        "services: [{name: a}, {name: b}]\n"
        "transactions:\n  - {name: check-out, steps: [reserve-stock, take.payment, ship],"
        " services: [a, b]}\n"
    )
    out = tmp_path / "out"
    assert cli("advise", str(req), "--format", "json", "--scaffold", str(out)).exit_code == 0
    assert "--steps reserve_stock,take_payment,ship" in (out / "check_out_saga.py").read_text()


@pytest.mark.parametrize(
    ("name", "camel"),
    [
        ("place_order", "PlaceOrder"),
        ("payment-provider", "PaymentProvider"),
        ("order.platform2", "OrderPlatform2"),
        ("A", "A"),
    ],
)
def test_camel_case(name: str, camel: str) -> None:
    assert camel_case(name) == camel


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("advise: {per: each}\n", "advise.per: unknown value"),
        ("advise: {suffix: 'not ok'}\n", "advise.suffix: must be an identifier"),
        ("advise: {options: {nope: steps}}\n", "unknown option 'nope'"),
        ("advise: {colour: red}\n", "advise.colour: unknown field"),
    ],
)
def test_malformed_advise_block_is_refused(tmp_path: Path, block: str, message: str) -> None:
    shutil.copytree(templates_dir() / "saga", tmp_path / "saga")
    spec_file = tmp_path / "saga" / "pattern.yaml"
    text = spec_file.read_text()
    start = text.index("advise:")
    end = text.index("options:\n", start + len("advise:") + 40)
    spec_file.write_text(text[:start] + block + text[end:])
    with pytest.raises(InputError) as caught:
        load_patterns(tmp_path)
    assert message in str(caught.value)


def test_subjects_that_would_share_a_class_are_refused(cli: CLI, tmp_path: Path) -> None:
    req = tmp_path / "req.yaml"
    req.write_text(
        "version: 1\nsystem: shop\ndata: [{name: orders}]\n"
        "services: [{name: a}, {name: b}]\ntransactions:\n"
        "  - {name: place_order, steps: [x, y, z], services: [a, b]}\n"
        "  - {name: place-order, steps: [u, v, w], services: [a, b]}\n"
    )
    result = cli("advise", str(req), "--format", "json", "--scaffold", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "would both be scaffolded as PlaceOrderSaga" in result.output
    assert not (tmp_path / "out").exists()


def test_keyword_steps_become_identifiers(cli: CLI, tmp_path: Path) -> None:
    req = tmp_path / "req.yaml"
    req.write_text(
        "version: 1\nsystem: shop\ndata: [{name: orders}]\n"
        "services: [{name: a}, {name: b}]\ntransactions:\n"
        "  - {name: t, steps: [class, def, import], services: [a, b]}\n"
    )
    out = tmp_path / "out"
    assert cli("advise", str(req), "--format", "json", "--scaffold", str(out)).exit_code == 0
    assert "--steps class_,def_,import_" in (out / "t_saga.py").read_text()


def test_hop_timeouts_share_the_budget_down_the_call_graph() -> None:
    req = requirements_from(
        {
            "data": [{"name": "orders"}],
            "latency_budget_ms": {"read": 40, "write": 120},
            "services": [
                {"name": "edge", "calls": ["a", "b", "c"]},
                {"name": "a", "calls": ["d"]},
                {"name": "b", "calls": ["d", "a"]},
                {"name": "d", "calls": ["b"]},  # a cycle back to b
            ],
        }
    )
    assert hop_timeouts(req) == {"edge": 0.12, "a": 0.04, "b": 0.04, "c": 0.04, "d": 0.02}


def test_hop_timeouts_need_a_budget() -> None:
    req = requirements_from(
        {"data": [{"name": "orders"}], "services": [{"name": "a", "calls": ["b"]}]}
    )
    assert hop_timeouts(req) == {}


def test_a_cache_lives_no_longer_than_the_staleness_bound(cli: CLI, tmp_path: Path) -> None:
    req = tmp_path / "req.yaml"
    req.write_text(
        "version: 1\nsystem: shop\nworkload: {reads_per_sec: 100000, writes_per_sec: 100}\n"
        "data:\n  - {name: prices, stale_reads: bounded, max_staleness_s: 2.5,"
        " read_write_ratio: 40, access: point}\n"
    )
    out = tmp_path / "out"
    result = cli("advise", str(req), "--format", "json", "--scaffold", str(out))
    assert result.exit_code == 0, result.output
    assert "--ttl 2.5 " in (out / "prices_cache.py").read_text()
