"""The scaffolder's own contract: bad input ends in exit 2 with a clear message and
nothing written; good input writes atomically with a header that regenerates it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from distadvisor import __version__
from distadvisor.cli import scaffold as scaffold_cli
from distadvisor.errors import InputError
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.render import isort_order
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options

PATTERN = "circuit-breaker"


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def run_scaffold(*args: str) -> Outcome:
    """`distadvisor scaffold ARGS`, with the group mounted the way cli.py mounts it."""
    parent = typer.Typer(add_completion=False)

    @parent.callback()
    def distadvisor() -> None:
        """Stand-in for the real top-level app."""

    click_app = typer.main.get_command(parent)
    click_app.add_command(scaffold_cli.group)  # type: ignore[attr-defined]
    with CliRunner().isolation() as (stdout, stderr, _):
        try:
            click_app.main(["scaffold", *args], prog_name="distadvisor")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def scaffold_into(out: Path, *args: str, name: str = "PaymentsBreaker") -> Outcome:
    return run_scaffold(PATTERN, "--name", name, "--out", str(out), *args)


def assert_bad_input(outcome: Outcome, *fragments: str) -> None:
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stderr + outcome.stdout
    for fragment in fragments:
        assert fragment in outcome.stderr, (fragment, outcome.stderr)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("class", "keyword"),
        ("1abc", "not a valid class name"),
        ("a-b", "not a valid class name"),
        ("", "not a valid class name"),
        ("Exception", "builtin"),
        ("Threading", "standard-library module"),
        ("Pytest", "would shadow the installed module 'pytest'"),
        ("Yaml", "would shadow the installed module 'yaml'"),
        ("CircuitOpenError", "clashes"),
        ("Ünïcode", "not a valid class name"),
        ("A" * 41, "too long"),
    ],
)
def test_invalid_names_are_rejected_and_nothing_is_written(
    tmp_path: Path, name: str, fragment: str
) -> None:
    outcome = scaffold_into(tmp_path, name=name)
    assert_bad_input(outcome, "error:", "--name", fragment)
    assert list(tmp_path.iterdir()) == []


def test_out_pointing_at_a_file_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    assert_bad_input(scaffold_into(target), "not a directory", str(target))


def test_out_that_cannot_be_created_is_rejected(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert_bad_input(scaffold_into(blocker / "sub"), "cannot create")


def test_missing_out_directory_is_created(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    assert scaffold_into(out).exit_code == 0
    assert (out / "payments_breaker.py").is_file()


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    existing = tmp_path / "payments_breaker.py"
    existing.write_text("mine\n")
    outcome = scaffold_into(tmp_path)
    assert_bad_input(outcome, "already exists", "--force")
    assert existing.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["payments_breaker.py"]


def test_force_overwrites_what_the_tool_owns_and_keeps_the_user_file(tmp_path: Path) -> None:
    base, user = tmp_path / "_payments_breaker_base.py", tmp_path / "payments_breaker.py"
    base.write_text("old base\n")
    user.write_text("mine\n")
    outcome = scaffold_into(tmp_path, "--force")
    assert outcome.exit_code == 0, outcome
    assert "class PaymentsBreakerBase" in base.read_text()
    assert user.read_text() == "mine\n"
    assert f"kept {user} (yours)" in outcome.stdout


def test_unknown_pattern_exits_2_with_a_suggestion(tmp_path: Path) -> None:
    outcome = run_scaffold("circuit-braker", "--name", "X", "--out", str(tmp_path))
    assert outcome.exit_code == 2
    assert "circuit-breaker" in outcome.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        # numbers are click ranges: click refuses what is not a number or out of range
        (["--failure-threshold", "0"], ["--failure-threshold", "not in the range 1<=x<=10000"]),
        (["--failure-threshold", "many"], ["--failure-threshold", "'many' is not a valid"]),
        (["--failure-threshold", "1" * 5000], ["--failure-threshold", "Invalid value"]),
        (["--recovery-timeout", "soon"], ["--recovery-timeout", "'soon' is not a valid"]),
        (["--recovery-timeout", "inf"], ["--recovery-timeout", "not in the range 0<=x<=86400"]),
        (["--recovery-timeout", "1e308"], ["--recovery-timeout", "not in the range"]),
        # in every range by click's comparisons, so refused by resolve_options
        (["--recovery-timeout", "nan"], ["--recovery-timeout", "not a finite number"]),
        (["--policy", "rates"], ["--policy", "did you mean rate"]),
        (["--expected-exceptions", "os.system"], ["--expected-exceptions", "not a valid name"]),
        (["--expected-exceptions", "print"], ["not a builtin exception class"]),
        (["--expected-exceptions", "ValueError,ValueError"], ["listed more than once"]),
        (["--expected-exceptions", ""], ["needs at least 1"]),
    ],
)
def test_bad_option_values_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    assert_bad_input(scaffold_into(tmp_path, *args), *fragments)
    assert list(tmp_path.iterdir()) == []


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    outcome = scaffold_into(tmp_path, "--policy", "rates", "--expected-exceptions", "print")
    assert_bad_input(outcome, "--policy", "--expected-exceptions")


def test_unknown_flag_is_a_usage_error(tmp_path: Path) -> None:
    outcome = scaffold_into(tmp_path, "--failure-treshold", "3")
    assert outcome.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_resolve_options_rejects_unknown_names_with_the_closest() -> None:
    spec = load_patterns()[PATTERN]
    with pytest.raises(InputError, match="did you mean --failure-threshold"):
        resolve_options(spec, {"failure_treshold": 3})


def test_dry_run_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "new"
    outcome = scaffold_into(out, "--dry-run")
    assert outcome.exit_code == 0
    assert f"would write {out / 'payments_breaker.py'}" in outcome.stdout
    assert f"would write {out / 'test_payments_breaker.py'}" in outcome.stdout
    assert not out.exists()


def test_list_prints_every_pattern_with_its_summary() -> None:
    outcome = run_scaffold("--list")
    assert outcome.exit_code == 0
    for name, spec in load_patterns().items():
        assert f"{name}" in outcome.stdout
        assert spec.summary in outcome.stdout


def test_success_prints_the_written_paths_and_leaves_no_temp_files(tmp_path: Path) -> None:
    outcome = scaffold_into(tmp_path)
    assert outcome.exit_code == 0, outcome
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["_payments_breaker_base.py", "payments_breaker.py", "test_payments_breaker.py"]
    for name in names:
        assert f"wrote {tmp_path / name}" in outcome.stdout


def test_a_failed_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_link(src: str, dst: str, **folders: int) -> None:
        raise OSError(28, "No space left on device", dst)

    monkeypatch.setattr(os, "link", broken_link)
    with pytest.raises(InputError, match="No space left"):
        write_files({"a.py": "x = 1\n"}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_write_files_refuses_names_outside_out(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="outside the output directory"):
        write_files({"../escape.py": "x = 1\n", "ok.py": ""}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_header_names_the_version_and_the_regenerating_command(tmp_path: Path) -> None:
    outcome = scaffold_into(tmp_path, "--failure-threshold", "7", "--async")
    assert outcome.exit_code == 0, outcome
    for path in tmp_path.iterdir():
        text = path.read_text()
        owner = "Created" if path.name == "payments_breaker.py" else "Generated"
        assert text.startswith(f"# {owner} by distadvisor {__version__}")
        header = text.split('"""', 1)[0]
        assert "distadvisor scaffold circuit-breaker --name PaymentsBreaker --out . --force" in (
            header
        )
        assert "--async" in header
        assert "--failure-threshold 7" in header


def test_module_name_is_snake_case_of_the_class_name() -> None:
    assert snake_case("HTTPCircuitBreaker") == "http_circuit_breaker"
    assert snake_case("OrderSaga2") == "order_saga2"
    assert snake_case("Ring") == "ring"


def test_isort_filter_orders_names_as_ruff_wants_them(tmp_path: Path) -> None:
    """Generated user modules re-export the base's names through this filter: ruff's
    isort (I001) and RUF022 must accept the order as it is."""
    names = [
        "retry_after_of",
        "Retry10",
        "X",
        "RETRY_ON",
        "deadline",
        "Retry9",
        "RetryMetrics",
        "DeadlineExceededError",
        "_private",
        "A2B",
    ]
    ordered = isort_order(names)
    assert ordered == [
        "A2B",
        "RETRY_ON",
        "DeadlineExceededError",
        "Retry9",
        "Retry10",
        "RetryMetrics",
        "X",
        "_private",
        "deadline",
        "retry_after_of",
    ]
    source = tmp_path / "reexport.py"
    source.write_text(
        "from mod import (\n" + "".join(f"    {name},\n" for name in ordered) + ")\n\n"
        "__all__ = [\n" + "".join(f'    "{name}",\n' for name in ordered) + "]\n"
    )
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I,RUF022", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout


def test_importing_the_scaffolder_does_not_import_jinja2() -> None:
    code = "import sys, distadvisor.scaffold; print('jinja2' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"


def test_malformed_pattern_yaml_names_the_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "pattern.yaml").write_text(
        "pattern: broken\nsummary: s\nfiles: []\noptions:\n  - {name: x, type: integr}\n"
    )
    with pytest.raises(InputError) as error:
        load_patterns(tmp_path)
    message = str(error.value)
    assert str(folder / "pattern.yaml") in message
    assert "options[0].type" in message
    assert "files" in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "pattern.yaml").write_text("pattern: broken\nsummary: [unclosed\n")
    with pytest.raises(InputError, match=r"pattern\.yaml:\d+"):
        load_patterns(tmp_path)
