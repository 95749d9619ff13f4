"""`advise --scaffold`: every recommended pattern with a scaffold, written all or nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from distadvisor.errors import InputError
from distadvisor.resources import templates_dir
from distadvisor.scaffold.plan import camel_case
from distadvisor.scaffold.specs import load_patterns

ROOT = Path(__file__).resolve().parent.parent
ORDERS = str(ROOT / "examples/order-platform.yaml")
CLI = Callable[..., Result]
# No ring: every kind of data of the order platform fits one node.
EXPECTED = {
    "_order_platform_breaker_base.py", "order_platform_breaker.py",
    "test_order_platform_breaker.py",
    "place_order_saga.py", "test_place_order_saga.py",
}


def test_writes_each_scaffolded_pattern_once(cli: CLI, tmp_path: Path) -> None:
    result = cli("advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED
    saga = (tmp_path / "place_order_saga.py").read_text()
    # The saga's steps come from the transaction in the requirements.
    assert "--steps reserve_inventory,charge_payment,ship_order" in saga
    assert "class PlaceOrderSaga" in saga


def test_dry_run_writes_nothing(cli: CLI, tmp_path: Path) -> None:
    result = cli("advise", ORDERS, "--format", "json", "--scaffold", str(tmp_path / "new"),
                 "--dry-run")
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
    [("place_order", "PlaceOrder"), ("payment-provider", "PaymentProvider"),
     ("order.platform2", "OrderPlatform2"), ("A", "A")],
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
