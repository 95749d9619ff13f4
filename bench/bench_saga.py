"""Benchmark of the generated saga: steps per second with each store, in one run.

Generates the saga module through the scaffolder (as `distadvisor scaffold saga`
would) into a temporary folder, then runs N sagas of three no-op steps with:

- plain function calls, no saga: the floor, what orchestration costs on top of;
- the in-memory store;
- the SQLite store (WAL) with synchronous=NORMAL (survives a process crash) and
  with synchronous=FULL (also survives power loss), on a temporary file.

No saga library is installed alongside distadvisor to compare with (the anchors,
Temporal, Eventuate Tram and MassTransit, are servers or other languages), so the
plain-call row is the reference. Run: .venv/bin/python bench/bench_saga.py
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

# Run from a checkout without installing distadvisor.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distadvisor.scaffold import render as scaffold
from distadvisor.scaffold import safewrite, specs
from distadvisor.scaffold.specs import resolve_options

STEPS = ("reserve", "charge", "ship")
CLASS_NAME = "BenchSaga"


def generate(folder: Path) -> ModuleType:
    """Scaffold the saga module into `folder` and import it."""
    spec = specs.load_patterns()["saga"]
    options = resolve_options(spec, {"steps": ",".join(STEPS)})
    paths = safewrite.write_files(scaffold.render(spec, CLASS_NAME, options), folder)
    module_path = next(path for path in paths if not path.name.startswith("test_"))
    module_spec = importlib.util.spec_from_file_location(module_path.stem, module_path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module  # dataclasses look their module up here
    module_spec.loader.exec_module(module)
    return module


def no_op(context: Any) -> None:
    return None


def direct_calls(sagas: int) -> float:
    """Seconds for the same step calls without any orchestration."""
    functions = [no_op] * len(STEPS)
    start = time.perf_counter()
    for index in range(sagas):
        context = {"order": index}
        for function in functions:
            function(context)
    return time.perf_counter() - start


def saga_runs(module: ModuleType, make_store: Callable[[], Any], sagas: int) -> float:
    """Seconds to run `sagas` sagas to completion on a fresh store."""
    steps = [module.SagaStep(name, no_op, no_op) for name in STEPS]
    store = make_store()
    saga = getattr(module, CLASS_NAME)(steps, store)
    start = time.perf_counter()
    for index in range(sagas):
        result = saga.run(f"order-{index}", {"order": index})
        assert result.status == "completed"
    elapsed = time.perf_counter() - start
    if hasattr(store, "close"):
        store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sagas", type=int, default=2000, help="sagas per store (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per store; best is kept")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_saga_") as temp:
        folder = Path(temp)
        module = generate(folder / "generated")
        databases = itertools.count()

        def sqlite_store(durable: bool) -> Callable[[], Any]:
            return lambda: module.SQLiteSagaStore(
                folder / f"sagas-{next(databases)}.db", durable=durable
            )

        cases: list[tuple[str, Callable[[], float]]] = [
            ("plain calls, no saga", lambda: direct_calls(args.sagas)),
            ("in-memory store", lambda: saga_runs(module, module.InMemorySagaStore, args.sagas)),
            ("SQLite WAL, synchronous=NORMAL",
             lambda: saga_runs(module, sqlite_store(durable=False), args.sagas)),
            ("SQLite WAL, synchronous=FULL",
             lambda: saga_runs(module, sqlite_store(durable=True), args.sagas)),
        ]
        steps = args.sagas * len(STEPS)
        print(f"{args.sagas} sagas x {len(STEPS)} no-op steps, best of {args.repeat}; "
              f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
              f"database in {tempfile.gettempdir()}")
        print(f"{'':32}{'sagas/s':>12}{'steps/s':>12}{'us/step':>10}")
        for label, measure in cases:
            best = min(measure() for _ in range(args.repeat))
            print(f"{label:32}{args.sagas / best:>12,.0f}{steps / best:>12,.0f}"
                  f"{best / steps * 1e6:>10.1f}")


if __name__ == "__main__":
    main()
