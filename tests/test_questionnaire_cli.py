"""`distadvisor init` without a terminal: --data, --data-file, --defaults, --from."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

ROOT = Path(__file__).resolve().parent.parent
ORDERS = ROOT / "examples/order-platform.yaml"
CLI = Callable[..., Result]


def advise_json(cli: CLI, path: Path) -> dict[str, object]:
    result = cli("advise", str(path), "--format", "json", "--fail-on", "info")
    assert result.exit_code in (0, 1), result.output
    return dict(json.loads(result.stdout))


def test_command_line_answers_write_the_canonical_file(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "requirements.yaml"
    result = cli(
        "init",
        "--out",
        str(out),
        "--data",
        "system=shop",
        "--data",
        "data[0].name=payments",
        "-d",
        "data[0].money=yes",
        "-d",
        "deployment.regions=eu-west-1, eu-central-1",
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().split("\n", 2)[2] == (
        "version: 1\nsystem: shop\n\ndeployment:\n  regions: [eu-west-1, eu-central-1]\n\n"
        "data:\n  - name: payments\n    money: true\n"
    )
    assert "linearizable" in result.stdout  # the recommendation is shown
    assert f"wrote {out}" in result.stderr


def test_questionnaire_file_gives_the_same_advice_as_the_file_written_by_hand(
    cli: CLI, tmp_path: Path
) -> None:
    by_hand = tmp_path / "by-hand.yaml"
    by_hand.write_text(
        "version: 1\nsystem: tickets\ndescription: Seats for concerts\n"
        "deployment: {regions: 2, writes_from: one-region}\n"
        "availability: {target: 99.99, node_failures_tolerated: 2}\n"
        "latency_budget_ms: {write: 150}\n"
        "data:\n"
        "  - {name: seats, unique_claims: true, stale_reads: never, conflicts: reject}\n"
        "  - {name: listings, stale_reads: bounded, max_staleness_s: 5, access: range,\n"
        "     read_write_ratio: 200}\n"
        "services:\n  - {name: booking, calls: [psp]}\n  - {name: psp, external: true}\n"
        "transactions:\n  - {name: book, steps: [hold, pay], services: [booking, psp]}\n"
    )
    answers = tmp_path / "answers.yaml"  # a flat answers file: field paths as keys
    answers.write_text(
        "system: tickets\ndescription: Seats for concerts\ndeployment.regions: 2\n"
        "availability.target: 99.99\ndata[0].name: seats\ndata[0].unique_claims: true\n"
        "data[0].stale_reads: never\n"
        "data[1].name: listings\ndata[1].stale_reads: bounded\ndata[1].max_staleness_s: 5\n"
        "data[1].access: range\ndata[1].read_write_ratio: 200\n"
        "services[0].name: booking\nservices[0].calls: [psp]\n"
        "services[1].name: psp\nservices[1].external: true\n"
        "transactions[0].name: book\ntransactions[0].steps: [hold, pay]\n"
        "transactions[0].services: [booking, psp]\n"
    )
    out = tmp_path / "written.yaml"
    result = cli(
        "init",
        "--out",
        str(out),
        "--data-file",
        str(answers),
        "--defaults",
        "--data",
        "availability.node_failures_tolerated=2",
        "--data",
        "latency_budget_ms.write=150",
    )
    assert result.exit_code in (0, 1), result.output
    assert advise_json(cli, out) == advise_json(cli, by_hand)


def test_editing_an_example_from_the_file_keeps_its_recommendation(
    cli: CLI, tmp_path: Path
) -> None:
    out = tmp_path / "orders.yaml"
    result = cli("init", "--from", str(ORDERS), "--out", str(out), "--defaults")
    assert result.exit_code == 0, result.output
    assert advise_json(cli, out) == advise_json(cli, ORDERS)
    # the command line wins over the file being edited
    again = cli(
        "init",
        "--from",
        str(out),
        "--out",
        str(out),
        "--force",
        "--data",
        "data[2].conflicts=merge",
    )
    assert again.exit_code == 0, again.output
    assert "  - name: product_catalog\n    conflicts: merge\n" in out.read_text()


def test_fields_no_question_asks_are_carried_over(cli: CLI, tmp_path: Path) -> None:
    source = tmp_path / "accepted.yaml"
    source.write_text(
        "version: 1\nsystem: s\ndata:\n  - name: d\n"
        "accept:\n  - rule: findings.no-failure-tolerated\n    reason: a cache we can rebuild\n"
    )
    out = tmp_path / "out.yaml"
    result = cli(
        "init",
        "--from",
        str(source),
        "--out",
        str(out),
        "--data",
        "availability.node_failures_tolerated=0",
        "--data",
        "availability.target=99",
    )
    assert result.exit_code == 0, result.output
    assert (
        "accept:\n  - rule: findings.no-failure-tolerated\n    reason: a cache we can "
        "rebuild\n" in out.read_text()
    )


def test_missing_answers_are_named_and_nothing_is_written(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "requirements.yaml"
    result = cli("init", "--out", str(out), "--data", "data[0].money=true")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: init: system: no answer to 'What is the system called?'; expected --data "
        "system=VALUE, a --data-file, or a terminal to ask on",
        "error: init: data[0].name: no answer to 'Name this kind of data.'; expected --data "
        "data[0].name=VALUE, a --data-file, or a terminal to ask on",
    ]
    assert not out.exists()


def test_an_answer_only_a_cross_check_requires_is_named(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "requirements.yaml"
    result = cli(
        "init",
        "--out",
        str(out),
        "-d",
        "system=s",
        "-d",
        "data[0].name=a",
        "-d",
        "data[0].stale_reads=bounded",
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: init: data[0].max_staleness_s: no answer to 'How old may a read be, at most,"
        " in seconds?' (bounded staleness needs a bound); expected --data"
        " data[0].max_staleness_s=VALUE, a --data-file, or a terminal to ask on\n"
    )
    assert not out.exists()


def test_bad_answers_exit_2_like_the_loader(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "requirements.yaml"
    result = cli(
        "init",
        "--out",
        str(out),
        "-d",
        "system=s",
        "-d",
        "data[0].name=d",
        "-d",
        "data[0].stale_reads=sometimes",
        "-d",
        "availabilty.target=99",
    )
    assert result.exit_code == 2
    assert "did you mean 'availability.target'?" in result.stderr
    assert not out.exists()
    result = cli(
        "init",
        "--out",
        str(out),
        "-d",
        "system=s",
        "-d",
        "data[0].name=d",
        "-d",
        "data[0].stale_reads=sometimes",
    )
    assert result.stderr == (
        "error: --data: data[0].stale_reads: unknown value; expected one of never | bounded | "
        "tolerated, found 'sometimes'\n"
    )
    missing = cli("init", "--out", str(out), "--data-file", str(tmp_path / "nope.yaml"))
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"error: {tmp_path / 'nope.yaml'}: file not found\n",
    )
    assert not out.exists()


def test_an_existing_file_is_kept_without_force(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "requirements.yaml"
    out.write_text("mine\n")
    args = ("init", "--out", str(out), "-d", "system=s", "-d", "data[0].name=d")
    refused = cli(*args)
    assert refused.exit_code == 2 and "pass --force to overwrite it" in refused.stderr
    assert out.read_text() == "mine\n"
    assert cli(*args, "--force").exit_code == 0
    assert out.read_text().startswith("# Requirements of s")
    # The answers beside it, and no temporary file left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "requirements.answers.yaml",
        "requirements.yaml",
    ]


def test_questionary_is_imported_by_init_only() -> None:
    code = (
        "import sys\nfrom distadvisor.cli.main import app\n"
        "heavy = {'questionary', 'prompt_toolkit', 'distadvisor.questionnaire',"
        " 'distadvisor.questions', 'distadvisor.answers'} & set(sys.modules)"
        "\nassert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
