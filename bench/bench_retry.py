"""Overhead of a succeeding call through the generated retry policy next to tenacity.

Run: .venv/bin/python bench/bench_retry.py  (needs `pip install -e .[bench]`)

Both retry the same exceptions with capped exponential backoff and jitter, three
attempts; the call succeeds, so this is the cost every call pays. The generated
policy is timed with its default retry budget and with none. Overhead is the time
above the bare call; the last column compares it with tenacity's decorator.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from scaffolded import best_ns, generate, require, table

CALLS = 100_000


def work() -> int:
    return 1


def main() -> None:
    tenacity = require("tenacity", "bench_retry")
    with tempfile.TemporaryDirectory() as folder:
        ours = generate(Path(folder), "retry-backoff", "BenchedRetry")
        lean = generate(Path(folder), "retry-backoff", "LeanRetry", {"budget_ratio": 0})

    policy = ours.BenchedRetry()
    retrying = tenacity.retry(
        stop=tenacity.stop_after_attempt(3),
        wait=tenacity.wait_random_exponential(multiplier=0.1, max=10),
        retry=tenacity.retry_if_exception_type((ConnectionError, TimeoutError)),
        reraise=True,
    )
    contenders: dict[str, Callable[[], object]] = {
        "bare call": work,
        "generated decorator": policy(work),
        "generated .call": lambda: policy.call(work),
        "generated decorator, no budget": lean.LeanRetry()(work),
        "tenacity decorator": retrying(work),
    }
    lambda_ns = best_ns(lambda: work(), CALLS)
    times = {name: best_ns(func, CALLS) for name, func in contenders.items()}
    # The lambda adds one frame of its own; do not bill it to the policy.
    times["generated .call"] -= lambda_ns - times["bare call"]
    table(
        f"Python {sys.version.split()[0]}, succeeding calls, best of 7 x {CALLS:,}",
        times,
        "bare call",
        "tenacity decorator",
    )


if __name__ == "__main__":
    main()
