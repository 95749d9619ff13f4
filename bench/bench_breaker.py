"""Closed-path overhead of the generated circuit breaker next to pybreaker and circuitbreaker.

Run: .venv/bin/python bench/bench_breaker.py [REDIS_URL]  (needs `pip install -e .[bench]`)

The breaker is generated with the scaffolder into a temporary folder, then every
contender wraps the same trivial function and is timed in this one process with
timeit (best of several repeats, in ns per call). Overhead is the time above the
bare call; the last column compares each overhead with circuitbreaker's.

With a Redis URL (argument or REDIS_URL), the same run adds the breakers whose state
lives in Redis: the generated `--state redis` breaker (its closed path stays local and
reads Redis at most every sync_interval) and pybreaker with CircuitRedisStorage (which
reads and writes Redis on every call), timed over fewer calls.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import timeit
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distadvisor.scaffold import render as scaffold
from distadvisor.scaffold import safewrite, specs
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.specs import resolve_options

REPEATS = 7
CALLS = 200_000
REDIS_CALLS = 2_000  # round trips make these calls a thousand times slower


def require(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        print(
            f"error: bench_breaker needs the {name!r} package for the comparison; "
            "install the bench extras with: pip install -e '.[bench]'",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def generate_breaker(folder: Path, name: str, **options: object) -> ModuleType:
    """Scaffold a circuit breaker into `folder` and import it (the user's module, which
    imports the generated base beside it)."""
    spec = specs.load_patterns()["circuit-breaker"]
    files = scaffold.render(spec, name, resolve_options(spec, options))
    safewrite.write_files(files, folder)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(snake_case(name))
    finally:
        sys.path.remove(str(folder))


def best_ns(func: Callable[[], object], calls: int = CALLS) -> float:
    """Best time of REPEATS runs, in nanoseconds per call."""
    return min(timeit.repeat(func, number=calls, repeat=REPEATS)) / calls * 1e9


def redis_contenders(
    url: str, generated: ModuleType
) -> dict[str, tuple[Callable[[], object], int]]:
    """The breakers whose state lives in Redis, each under a key prefix of its own,
    with the number of calls to time."""
    pybreaker = require("pybreaker")
    redis = require("redis")
    prefix = f"bench:{uuid.uuid4().hex}"
    shared = generated.RedisBreakerState(url, key_prefix=prefix)
    ours = generated.BenchSharedBreaker(state=shared)
    storage = pybreaker.CircuitRedisStorage(
        pybreaker.STATE_CLOSED, redis.Redis.from_url(url), namespace=prefix
    )
    theirs = pybreaker.CircuitBreaker(state_storage=storage)
    return {
        "generated --state redis .call": (lambda: ours.call(work), CALLS),
        "pybreaker .call, Redis storage": (lambda: theirs.call(work), REDIS_CALLS),
    }


def work() -> int:
    return 1


def main() -> None:
    pybreaker = require("pybreaker")
    circuitbreaker = require("circuitbreaker")
    redis_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("REDIS_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        generated = generate_breaker(Path(folder), "BenchLocalBreaker")
        shared = generate_breaker(Path(folder), "BenchSharedBreaker", state="redis")

    ours = generated.BenchLocalBreaker()
    ours_decorated = generated.BenchLocalBreaker()(work)
    theirs = pybreaker.CircuitBreaker()
    cb_decorated = circuitbreaker.circuit(work)

    contenders: dict[str, Callable[[], object]] = {
        "bare call": work,
        "generated .call": lambda: ours.call(work),
        "generated decorator": ours_decorated,
        "pybreaker .call": lambda: theirs.call(work),
        "circuitbreaker decorator": cb_decorated,
    }
    # The lambdas add one frame of their own; time it so it is not billed to them.
    lambda_ns = best_ns(lambda: work())
    times = {name: best_ns(func) for name, func in contenders.items()}
    if redis_url:
        for name, (func, calls) in redis_contenders(redis_url, shared).items():
            times[name] = best_ns(func, calls)
    for name in times:
        if name not in ("bare call", "generated decorator", "circuitbreaker decorator"):
            times[name] -= lambda_ns - times["bare call"]

    bare = times["bare call"]
    reference = times["circuitbreaker decorator"] - bare
    print(f"Python {sys.version.split()[0]}, best of {REPEATS} x {CALLS:,} calls\n")
    print(f"{'contender':<32}{'ns/call':>10}{'overhead ns':>14}{'vs circuitbreaker':>20}")
    for name, ns in times.items():
        overhead = ns - bare
        ratio = "" if name == "bare call" else f"{overhead / reference:.2f}x"
        print(f"{name:<32}{ns:>10.0f}{overhead:>14.0f}{ratio:>20}")
    if not redis_url:
        print("\n(give a Redis URL to add the breakers with their state in Redis)")


if __name__ == "__main__":
    main()
