"""Fuzzing: mutated requirements files never crash, hang or speak to the CI runner.

The inputs come from tests/fuzz/mutator.py (grammar-aware, deterministic per seed);
tests/fuzz/drive.py runs each through every stage and output format and reports
what went wrong. Counts: 10,000 inputs in process and 300 through the command line
when CI is set, fewer on a workstation. The nightly-size run is one command:

    DISTADVISOR_FUZZ_COUNT=100000 DISTADVISOR_FUZZ_CLI_COUNT=3000 \\
        python -m pytest tests/test_fuzz.py -q

(DISTADVISOR_FUZZ_SEED picks another stream of inputs.) An input that fails is
written to the folder the failure message names; add it to tests/data/fuzz/ so it
becomes a regression test here, and a seed of later runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from fuzz import drive, mutator

CI = bool(os.environ.get("CI"))
COUNT = int(os.environ.get("DISTADVISOR_FUZZ_COUNT") or (10_000 if CI else 1_000))
CLI_COUNT = int(os.environ.get("DISTADVISOR_FUZZ_CLI_COUNT") or (300 if CI else 24))
SEED = int(os.environ.get("DISTADVISOR_FUZZ_SEED") or 15)
TERMINAL_EVERY = 4  # the terminal report, ~40 ms an input, for every fourth input
RUNAWAY = ("crash", "exit", "slow", "memory")

Found = list[tuple[str, drive.Finding]]


def _save(found: Found, folder: Path) -> str:
    """The failing inputs as files, and a message that names them."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (text, finding) in enumerate(found[:20]):
        file = folder / f"found-{SEED}-{i}-{finding.kind}.yaml"
        file.write_text(text, encoding="utf-8", errors="surrogatepass")
        lines.append(f"{file}: {finding.kind} in {finding.where}: {finding.detail[:400]}")
    return f"{len(found)} findings; inputs saved:\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def in_process() -> Found:
    """The in-process run, in batches over two worker processes (CI has two cores)."""
    whole, rest = divmod(COUNT, mutator.BATCH)
    sizes = [mutator.BATCH] * whole + ([rest] if rest else [])
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        batches = pool.map(
            drive.run_batch,
            [SEED] * len(sizes),
            range(len(sizes)),
            sizes,
            [TERMINAL_EVERY] * len(sizes),
        )
        return [found for batch in batches for found in batch]


@pytest.fixture(scope="module")
def command_line(tmp_path_factory: pytest.TempPathFactory) -> Found:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    texts = mutator.inputs(SEED + 1, CLI_COUNT)

    def one(i: int) -> Found:
        return [(texts[i], f) for f in drive.cli_run(texts[i], i, folder)]

    with ThreadPoolExecutor(max_workers=2) as pool:  # CI machines have two cores
        return [f for found in pool.map(one, range(CLI_COUNT)) for f in found]


def _of(found: Found, kinds: tuple[str, ...]) -> Found:
    return [(text, f) for text, f in found if f.kind in kinds]


def test_no_input_crashes_hangs_or_runs_away_in_process(in_process: Found, tmp_path: Path) -> None:
    bad = _of(in_process, RUNAWAY)
    assert not bad, _save(bad, tmp_path)


def test_no_input_crashes_hangs_or_runs_away_on_the_command_line(
    command_line: Found, tmp_path: Path
) -> None:
    bad = _of(command_line, RUNAWAY)
    assert not bad, _save(bad, tmp_path)


def test_no_output_line_is_a_workflow_command(
    in_process: Found, command_line: Found, tmp_path: Path
) -> None:
    bad = _of(in_process + command_line, ("workflow-command",))
    assert not bad, _save(bad, tmp_path)


def test_no_report_holds_a_control_character(
    in_process: Found, command_line: Found, tmp_path: Path
) -> None:
    bad = _of(in_process + command_line, ("control-character",))
    assert not bad, _save(bad, tmp_path)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> drive.InProcess:
    return drive.InProcess(tmp_path_factory.mktemp("fuzz"))


def _regressions() -> Iterator[Path]:
    yield from sorted(mutator.REGRESSIONS.glob("*.yaml"))


@pytest.mark.parametrize("file", list(_regressions()), ids=lambda p: p.name)
def test_inputs_fuzzing_found_stay_fixed(file: Path, runner: drive.InProcess) -> None:
    bad = runner.run(file.read_text(encoding="utf-8"))
    assert not bad, drive.describe(bad)


def test_the_mutator_is_deterministic_and_varied() -> None:
    first, again = mutator.inputs(7, 50), mutator.inputs(7, 50)
    assert first == again
    assert len(set(first)) > 45
    assert mutator.inputs(8, 50) != first
