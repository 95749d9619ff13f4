"""Closed-path overhead of the generated circuit breaker next to pybreaker and circuitbreaker.

Run: .venv/bin/python bench/bench_breaker.py  (needs `pip install -e .[bench]`)

The breaker is generated with the scaffolder into a temporary folder, then every
contender wraps the same trivial function and is timed in this one process with
timeit (best of several repeats, in ns per call). Overhead is the time above the
bare call; the last column compares each overhead with circuitbreaker's.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distadvisor.scaffold import render as scaffold
from distadvisor.scaffold import safewrite, specs
from distadvisor.scaffold.specs import resolve_options

REPEATS = 7
CALLS = 200_000


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


def generate_breaker(folder: Path) -> ModuleType:
    """Scaffold a default circuit breaker into `folder` and import it."""
    spec = specs.load_patterns()["circuit-breaker"]
    options = resolve_options(spec, {})
    files = scaffold.render(spec, "BenchBreaker", options)
    path = next(p for p in safewrite.write_files(files, folder) if not p.name.startswith("test_"))
    module_spec = importlib.util.spec_from_file_location(path.stem, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[path.stem] = module  # dataclasses look their module up while it loads
    module_spec.loader.exec_module(module)
    return module


def best_ns(func: Callable[[], object]) -> float:
    """Best time of REPEATS runs, in nanoseconds per call."""
    return min(timeit.repeat(func, number=CALLS, repeat=REPEATS)) / CALLS * 1e9


def work() -> int:
    return 1


def main() -> None:
    pybreaker = require("pybreaker")
    circuitbreaker = require("circuitbreaker")
    with tempfile.TemporaryDirectory() as folder:
        generated = generate_breaker(Path(folder))

    ours = generated.BenchBreaker()
    ours_decorated = generated.BenchBreaker()(work)
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
    for name in ("generated .call", "pybreaker .call"):
        times[name] -= lambda_ns - times["bare call"]

    bare = times["bare call"]
    reference = times["circuitbreaker decorator"] - bare
    print(f"Python {sys.version.split()[0]}, best of {REPEATS} x {CALLS:,} calls\n")
    print(f"{'contender':<26}{'ns/call':>10}{'overhead ns':>14}{'vs circuitbreaker':>20}")
    for name, ns in times.items():
        overhead = ns - bare
        ratio = "" if name == "bare call" else f"{overhead / reference:.2f}x"
        print(f"{name:<26}{ns:>10.0f}{overhead:>14.0f}{ratio:>20}")


if __name__ == "__main__":
    main()
