"""Helpers for the benchmarks of generated modules: scaffold one into a temporary
folder and import it, require a comparison library, time a callable."""

from __future__ import annotations

import importlib
import sys
import timeit
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distadvisor.scaffold import render as scaffold
from distadvisor.scaffold import safewrite, specs
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.specs import resolve_options

REPEATS = 7


def require(name: str, bench: str) -> ModuleType:
    """Import a comparison library, or exit 2 saying how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(
            f"error: {bench} needs the {name!r} package for the comparison; "
            "install the bench extras with: pip install -e '.[bench]'",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def generate(
    folder: Path,
    pattern: str,
    class_name: str,
    options: Mapping[str, object] | None = None,
    *,
    is_async: bool = False,
) -> ModuleType:
    """Scaffold `pattern` as `class_name` into `folder` and import the user's module
    (which imports the generated base beside it), as the user's code would."""
    spec = specs.load_patterns()[pattern]
    resolved = resolve_options(spec, dict(options or {}))
    files = scaffold.render(spec, class_name, resolved, is_async=is_async)
    safewrite.write_files(files, folder)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(snake_case(class_name))
    finally:
        sys.path.remove(str(folder))


def best_ns(func: Callable[[], object], calls: int) -> float:
    """Best time of REPEATS runs of `calls` calls, in nanoseconds per call."""
    return min(timeit.repeat(func, number=calls, repeat=REPEATS)) / calls * 1e9


def table(title: str, times: Mapping[str, float], bare: str, reference: str) -> None:
    """Print ns per call, the overhead over `bare` and its ratio to `reference`'s."""
    base = times[bare]
    ref = times[reference] - base
    print(title + "\n")
    print(f"{'contender':<34}{'ns/call':>10}{'overhead ns':>14}{'vs ' + reference:>28}")
    for name, ns in times.items():
        overhead = ns - base
        ratio = "" if name == bare else f"{overhead / ref:.2f}x"
        print(f"{name:<34}{ns:>10.0f}{overhead:>14.0f}{ratio:>28}")
    print()
