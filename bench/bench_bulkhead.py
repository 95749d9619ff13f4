"""Acquire/release overhead of the generated bulkhead next to a bare threading.Semaphore.

Run: .venv/bin/python bench/bench_bulkhead.py

A semaphore is what a bulkhead is built around; the generated compartment adds a
bounded wait queue, rejection and counters. Each contender wraps the same trivial
function in `with ...:` (and the bulkhead also through `.call`), uncontended, timed
in this one process with timeit. Overhead is the time above the bare call; the last
column compares it with the semaphore's.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from scaffolded import best_ns, generate, table

CALLS = 200_000


def work() -> int:
    return 1


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours = generate(Path(folder), "bulkhead", "BenchedBulkhead")
    bulkhead = ours.BenchedBulkhead()
    semaphore = threading.Semaphore(10)
    bounded = threading.BoundedSemaphore(10)

    def with_semaphore() -> int:
        with semaphore:
            return work()

    def with_bounded() -> int:
        with bounded:
            return work()

    def with_bulkhead() -> int:
        with bulkhead:
            return work()

    def via_call() -> int:
        return int(bulkhead.call(work))

    contenders: dict[str, Callable[[], object]] = {
        "bare call": work,
        "generated `with bulkhead`": with_bulkhead,
        "generated .call": via_call,
        "threading.Semaphore": with_semaphore,
        "threading.BoundedSemaphore": with_bounded,
    }
    times = {name: best_ns(func, CALLS) for name, func in contenders.items()}
    # Every wrapper but the bare call adds one frame of its own; bill it to none.
    frame = best_ns(lambda: work(), CALLS) - times["bare call"]
    for name in contenders:
        if name != "bare call":
            times[name] -= frame
    table(
        f"Python {sys.version.split()[0]}, uncontended, best of 7 x {CALLS:,}",
        times,
        "bare call",
        "threading.Semaphore",
    )


if __name__ == "__main__":
    main()
