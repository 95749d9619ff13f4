"""Cost of an admitted `acquire` on the generated rate limiter next to pyrate-limiter
and limits, all in memory, one key.

Run: .venv/bin/python bench/bench_rate_limiter.py  (needs `pip install -e .[bench]`)

Every contender gets a limit high enough that no call in the run is refused, so
this is the price of the common case: deciding, and counting, an admitted request.
limits is timed with its three in-memory strategies; the ratio column compares
each cost with the cheapest of pyrate-limiter and limits.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from scaffolded import best_ns, generate, require, table

CALLS = 50_000
HIGH = 1_000_000  # the scaffold's largest rate and burst


def main() -> None:
    pyrate = require("pyrate_limiter", "bench_rate_limiter")
    limits = require("limits", "bench_rate_limiter")
    with tempfile.TemporaryDirectory() as folder:
        options = {"rate": HIGH, "burst": HIGH}
        gcra = generate(Path(folder), "rate-limiter", "BenchGcra", options)
        bucket = generate(
            Path(folder), "rate-limiter", "BenchBucket", {**options, "algorithm": "token-bucket"}
        )
    ours_gcra = gcra.BenchGcra()
    ours_bucket = bucket.BenchBucket()
    theirs = pyrate.Limiter(pyrate.Rate(10**9, pyrate.Duration.SECOND))
    storage = limits.storage.MemoryStorage()
    item = limits.parse(f"{10**9}/second")
    moving = limits.strategies.MovingWindowRateLimiter(storage)
    fixed = limits.strategies.FixedWindowRateLimiter(storage)
    sliding = limits.strategies.SlidingWindowCounterRateLimiter(storage)

    contenders: dict[str, Callable[[], object]] = {
        "nothing (a lambda)": lambda: None,
        "generated gcra": lambda: ours_gcra.try_acquire("k"),
        "generated token-bucket": lambda: ours_bucket.try_acquire("k"),
        "pyrate-limiter": lambda: theirs.try_acquire("k", blocking=False),
        "limits moving window": lambda: moving.hit(item, "k1"),
        "limits fixed window": lambda: fixed.hit(item, "k2"),
        "limits sliding counter": lambda: sliding.hit(item, "k3"),
    }
    times = {name: best_ns(func, CALLS) for name, func in contenders.items()}
    assert ours_gcra.try_acquire("k") and ours_bucket.try_acquire("k"), "a call was refused"
    cheapest = min(
        ("pyrate-limiter", "limits moving window", "limits fixed window", "limits sliding counter"),
        key=times.__getitem__,
    )
    table(
        f"Python {sys.version.split()[0]}, admitted calls on one key, best of 7 x {CALLS:,}"
        f"; reference: {cheapest}",
        times,
        "nothing (a lambda)",
        cheapest,
    )


if __name__ == "__main__":
    main()
