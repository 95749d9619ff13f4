"""Benchmark of the generated saga: steps per second with each store, in one run.

Generates the saga (the `--store postgresql` variant, whose base module also holds
the in-memory and SQLite stores) through the scaffolder, as `distadvisor scaffold saga`
would, into a temporary folder, then runs sagas of three no-op steps with:

- plain function calls, no saga: the floor, what orchestration costs on top of;
- the in-memory store;
- the SQLite store (WAL) with synchronous=NORMAL (survives a process crash) and
  with synchronous=FULL (also survives power loss), on a temporary file;
- the PostgreSQL store with 1 and with 4 worker processes sharing the database,
  with plain steps and with transactional steps, each in a fresh schema. The
  commits per step are read from pg_stat_database before and after.

PostgreSQL rows need a database: --dsn, or DISTADVISOR_TEST_POSTGRES_DSN (which
`source .ci/services.sh && services_start` sets); without one they are left out.
No saga library is installed alongside distadvisor to compare with (the anchors,
Temporal, Eventuate Tram, MassTransit, DBOS, are servers or other languages), so
the plain-call row is the reference. Run: .venv/bin/python bench/bench_saga.py
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import time
import uuid
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
CLASS_NAME = "SagaBench"
MODULE = "saga_bench"


def generate(folder: Path) -> ModuleType:
    """Scaffold the saga into `folder` and import its base, the module with the stores.

    The class the user imports (CLASS_NAME, in the user file beside the base) is
    reached through `saga_class`.
    """
    spec = specs.load_patterns()["saga"]
    options = resolve_options(spec, {"steps": ",".join(STEPS), "store": "postgresql"})
    safewrite.write_files(scaffold.render(spec, CLASS_NAME, options), folder)
    return import_base(folder)


def import_base(folder: Path) -> ModuleType:
    sys.path.insert(0, str(folder))
    return importlib.import_module(f"_{MODULE}_base")


def saga_class(base: ModuleType) -> Any:
    return getattr(importlib.import_module(MODULE), CLASS_NAME)


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


def saga_steps(module: ModuleType, transactional: bool) -> list[Any]:
    return [module.SagaStep(name, no_op, no_op, transactional=transactional) for name in STEPS]


def saga_runs(
    module: ModuleType,
    make_store: Callable[[], Any],
    sagas: int,
    *,
    prefix: str = "order",
    transactional: bool = False,
) -> float:
    """Seconds to run `sagas` sagas to completion on a fresh store."""
    store = make_store()
    saga = saga_class(module)(saga_steps(module, transactional), store)
    start = time.perf_counter()
    for index in range(sagas):
        result = saga.run(f"{prefix}-{index}", {"order": index})
        assert result.status == "completed"
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def _pg_worker(
    folder: str,
    dsn: str,
    sagas: int,
    prefix: str,
    transactional: bool,
    ready: Any,
    go: Any,
    ends: Any,
) -> None:
    """One worker process: its own store (connections, owner) on the shared database.

    It imports and connects first, says it is ready, and starts on `go`, so the
    timing leaves out process start-up; it reports when it finished.
    """
    module = import_base(Path(folder))
    store = module.PostgresSagaStore(dsn)
    saga = saga_class(module)(saga_steps(module, transactional), store)
    saga.run(f"{prefix}-warm-up", {})
    ready.release()
    go.wait()
    for index in range(sagas):
        result = saga.run(f"{prefix}-{index}", {"order": index})
        assert result.status == "completed"
    ends.put(time.monotonic())
    store.close()


def postgres_runs(
    module: ModuleType, dsn: str, sagas: int, workers: int, transactional: bool
) -> tuple[float, float]:
    """Seconds for `workers` processes to run `sagas` sagas in all, and commits per step.

    Each run gets a schema of its own, so every run starts from empty tables.
    """
    import psycopg

    schema = f"bench_saga_{uuid.uuid4().hex}"
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    schema_dsn = psycopg.conninfo.make_conninfo(dsn, options=f"-c search_path={schema}")
    folder = str(Path(module.__file__ or ".").parent)
    context = multiprocessing.get_context("spawn")
    ready, go, ends = context.Semaphore(0), context.Event(), context.Queue()
    try:
        with psycopg.connect(dsn, autocommit=True) as db:
            processes = [
                context.Process(
                    target=_pg_worker,
                    args=(
                        folder,
                        schema_dsn,
                        sagas // workers,
                        f"w{index}",
                        transactional,
                        ready,
                        go,
                        ends,
                    ),
                )
                for index in range(workers)
            ]
            for process in processes:
                process.start()
            for _ in processes:
                ready.acquire()
            before = commits(db)
            start = time.monotonic()  # system-wide, so comparable with the workers'
            go.set()
            elapsed = max(ends.get() for _ in processes) - start
            for process in processes:
                process.join()
            assert all(process.exitcode == 0 for process in processes)
            time.sleep(0.6)  # statistics reach pg_stat_database within ~0.5 s
            after = commits(db)
    finally:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")
    done = sagas // workers * workers
    return elapsed, (after - before) / (done * len(STEPS))


def commits(db: Any) -> int:
    db.execute("SELECT pg_stat_clear_snapshot()")
    row = db.execute(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
    ).fetchone()
    return int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sagas", type=int, default=2000, help="sagas per local store")
    parser.add_argument(
        "--pg-sagas", type=int, default=400, help="sagas per PostgreSQL run, shared by its workers"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per store; best is kept")
    parser.add_argument(
        "--dsn",
        default=os.environ.get("DISTADVISOR_TEST_POSTGRES_DSN", ""),
        help="PostgreSQL database for the PostgreSQL rows",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_saga_") as temp:
        folder = Path(temp)
        module = generate(folder / "generated")
        databases = itertools.count()

        def sqlite_store(durable: bool) -> Callable[[], Any]:
            return lambda: module.SQLiteSagaStore(
                folder / f"sagas-{next(databases)}.db", durable=durable
            )

        local: list[tuple[str, Callable[[], float]]] = [
            ("plain calls, no saga", lambda: direct_calls(args.sagas)),
            ("in-memory store", lambda: saga_runs(module, module.InMemorySagaStore, args.sagas)),
            (
                "SQLite WAL, synchronous=NORMAL",
                lambda: saga_runs(module, sqlite_store(durable=False), args.sagas),
            ),
            (
                "SQLite WAL, synchronous=FULL",
                lambda: saga_runs(module, sqlite_store(durable=True), args.sagas),
            ),
        ]
        steps = args.sagas * len(STEPS)
        print(
            f"{args.sagas} sagas x {len(STEPS)} no-op steps, best of {args.repeat}; "
            f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
            f"database in {tempfile.gettempdir()}"
        )
        print(f"{'':44}{'sagas/s':>12}{'steps/s':>12}{'us/step':>10}{'commits/step':>14}")
        for label, measure in local:
            best = min(measure() for _ in range(args.repeat))
            print(
                f"{label:44}{args.sagas / best:>12,.0f}{steps / best:>12,.0f}"
                f"{best / steps * 1e6:>10.1f}"
            )
        if not args.dsn:
            print("PostgreSQL rows left out: no --dsn and no DISTADVISOR_TEST_POSTGRES_DSN")
            return
        import psycopg

        with psycopg.connect(args.dsn) as db:
            version, host = db.info.server_version, db.info.host
            fsync = db.execute("SHOW fsync").fetchone()
        print(
            f"PostgreSQL {version // 10000}.{version % 10000} on {host}, "
            f"fsync={fsync[0] if fsync else '?'}; {args.pg_sagas} sagas per run "
            f"shared by the workers, best of {args.repeat}"
        )
        pg_steps = args.pg_sagas * len(STEPS)
        for transactional, workers in itertools.product((False, True), (1, 4)):
            kind = "transactional" if transactional else "plain"
            label = f"PostgreSQL, {workers} worker(s), {kind} steps"
            runs = [
                postgres_runs(module, args.dsn, args.pg_sagas, workers, transactional)
                for _ in range(args.repeat)
            ]
            best, per_step = min(runs)
            print(
                f"{label:44}{args.pg_sagas / best:>12,.0f}{pg_steps / best:>12,.0f}"
                f"{best / pg_steps * 1e6:>10.1f}{per_step:>14.2f}"
            )


if __name__ == "__main__":
    main()
