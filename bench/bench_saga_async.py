"""Benchmark of the async saga on PostgreSQL: throughput, and how long the loop stalls.

Generates the `--store postgresql` saga twice through the scaffolder, with and
without `--async`, and runs sagas of three no-op steps on one event loop while a
ticker task on the same loop sleeps 1 ms at a time and records how late it wakes
(the loop's stalls). Side by side, in one run:

- the synchronous module called from a coroutine: every store call holds the loop,
  as the async module did before its store calls moved to worker threads;
- the async module driving one saga at a time, and `--concurrency` sagas at once.

Each row gets a fresh schema. Needs a database: --dsn, or
DISTADVISOR_TEST_POSTGRES_DSN (which `source .ci/services.sh && services_start`
sets). No asyncio saga library is installed to compare with (Temporal and DBOS
need their own servers or runtimes), so the synchronous module is the reference.
Run: .venv/bin/python bench/bench_saga_async.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from scaffolded import generate

STEPS = "reserve,charge,ship"
TICK_S = 0.001


async def no_op(context: Any) -> None:
    return None


def no_op_sync(context: Any) -> None:
    return None


@contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_saga_async_{uuid.uuid4().hex}"
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    try:
        yield psycopg.conninfo.make_conninfo(dsn, options=f"-c search_path={schema}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


async def measured(work: Callable[[], Awaitable[None]]) -> tuple[float, list[float]]:
    """Seconds `work` takes, and how late (s) each tick of a 1 ms ticker woke meanwhile."""
    lateness: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lateness.append(time.perf_counter() - before - TICK_S)

    ticking = asyncio.create_task(ticker())
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    done.set()
    await ticking
    return elapsed, lateness


def run_row(
    module: ModuleType, class_name: str, dsn: str, sagas: int, concurrency: int, is_async: bool
) -> tuple[float, list[float]]:
    """One row: `sagas` sagas, `concurrency` at a time, on a fresh schema."""
    step = no_op if is_async else no_op_sync
    steps = [module.SagaStep(name, step, step) for name in STEPS.split(",")]
    with fresh_schema(dsn) as schema_dsn, module.PostgresSagaStore(schema_dsn) as store:
        saga = getattr(module, f"{class_name}Base")(steps, store)

        async def worker(first: int) -> None:
            for index in range(first, sagas, concurrency):
                if is_async:
                    result = await saga.run(f"order-{index}", {})
                else:
                    result = saga.run(f"order-{index}", {})  # on the loop's thread
                assert result.status == "completed"

        async def work() -> None:
            await asyncio.gather(*(worker(first) for first in range(concurrency)))

        return asyncio.run(measured(work))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sagas", type=int, default=400, help="sagas per row")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="sagas at once on the loop in the concurrent row",
    )
    parser.add_argument(
        "--dsn",
        default=os.environ.get("DISTADVISOR_TEST_POSTGRES_DSN", ""),
        help="PostgreSQL database",
    )
    args = parser.parse_args()
    if not args.dsn:
        print("error: give --dsn or set DISTADVISOR_TEST_POSTGRES_DSN", file=sys.stderr)
        raise SystemExit(2)

    with tempfile.TemporaryDirectory(prefix="bench_saga_async_") as temp:
        options = {"steps": STEPS, "store": "postgresql"}
        sync_module = generate(Path(temp) / "sync", "saga", "SagaSyncBench", options)
        async_module = generate(
            Path(temp) / "async", "saga", "SagaAsyncBench", options, is_async=True
        )
        rows = [
            ("sync module called on the loop", sync_module, "SagaSyncBench", 1, False),
            ("async module, 1 saga at a time", async_module, "SagaAsyncBench", 1, True),
            (
                f"async module, {args.concurrency} sagas at once",
                async_module,
                "SagaAsyncBench",
                args.concurrency,
                True,
            ),
        ]
        print(
            f"{args.sagas} sagas of {len(STEPS.split(','))} no-op steps, PostgreSQL; "
            f"loop stall = how late a {TICK_S * 1000:g} ms ticker on the same loop woke"
        )
        print("| run | sagas/s | ticks | median stall ms | worst stall ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, module, class_name, concurrency, is_async in rows:
            elapsed, lateness = run_row(
                module, class_name, args.dsn, args.sagas, concurrency, is_async
            )
            median = statistics.median(lateness) * 1000 if lateness else float("nan")
            worst = max(lateness, default=float("nan")) * 1000
            print(
                f"| {label} | {args.sagas / elapsed:,.0f} | {len(lateness)} "
                f"| {median:.2f} | {worst:.1f} |"
            )


if __name__ == "__main__":
    main()
