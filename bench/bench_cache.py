"""The generated cache-aside helper next to cachetools: the cost of a hit, and what
happens when 64 threads miss the same key at once.

Run: .venv/bin/python bench/bench_cache.py  (needs `pip install -e .[bench]`)

Hit path: every contender already holds the key, timed in this one process with
timeit. Stampede: 64 threads released together by a barrier ask for one cold key
whose loader takes 20 ms; the table reports how often each loader ran.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from scaffolded import best_ns, generate, require, table

CALLS = 100_000
THREADS = 64


def stampede(read: Callable[[str], object]) -> None:
    """THREADS threads read one cold key at the same moment."""
    start = threading.Barrier(THREADS)

    def reader() -> None:
        start.wait()
        read("hot")

    threads = [threading.Thread(target=reader) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    cachetools = require("cachetools", "bench_cache")
    with tempfile.TemporaryDirectory() as folder:
        ours = generate(Path(folder), "cache-aside", "BenchedCache", {"ttl": 3600})

    loads = {"generated": 0, "cachetools": 0, "cachetools + lock": 0, "cachetools + condition": 0}

    def slow(name: str) -> Callable[[], str]:
        def load() -> str:
            loads[name] += 1
            time.sleep(0.02)
            return "value"

        return load

    cache = ours.BenchedCache()
    load_ours = slow("generated")

    def read_ours(key: str) -> object:
        return cache.get(key, load_ours)

    @cachetools.cached(cachetools.TTLCache(maxsize=10_000, ttl=3600))
    def read_theirs(key: str) -> str:
        return slow("cachetools")()

    @cachetools.cached(cachetools.TTLCache(maxsize=10_000, ttl=3600), lock=threading.Lock())
    def read_locked(key: str) -> str:
        return slow("cachetools + lock")()

    @cachetools.cached(
        cachetools.TTLCache(maxsize=10_000, ttl=3600), condition=threading.Condition()
    )
    def read_conditioned(key: str) -> str:
        return slow("cachetools + condition")()

    readers = {
        "generated": read_ours,
        "cachetools": read_theirs,
        "cachetools + lock": read_locked,
        "cachetools + condition": read_conditioned,
    }
    for read in readers.values():
        stampede(read)

    def bare() -> object:
        return "value"

    contenders: dict[str, Callable[[], object]] = {"bare call": bare}
    contenders |= {f"{name} hit": (lambda r=read: r("hot")) for name, read in readers.items()}
    times = {name: best_ns(func, CALLS) for name, func in contenders.items()}
    table(
        f"Python {sys.version.split()[0]}, hits on one key, best of 7 x {CALLS:,}",
        times,
        "bare call",
        "cachetools hit",
    )
    print(f"{THREADS} threads missing one key together (loader takes 20 ms):")
    for name, count in loads.items():
        print(f"  {name:<24} loader ran {count} time(s)")


if __name__ == "__main__":
    main()
