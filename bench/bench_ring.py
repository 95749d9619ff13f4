"""Benchmark the consistent-hash scaffold against uhashring, side by side, in one run.

    .venv/bin/python bench/bench_ring.py [--quick]

Generates the ring module (native and --compat uhashring, plus --bounded-loads) into
a temporary folder through the scaffold API, then prints one table:

- lookup: ns per get_node on the same 100k keys with 10 nodes, best of 7 passes taken
  in turns (each pass times every implementation once, so load on the machine hits
  them alike);
- balance: max/mean keys per node over 1M keys, 10 nodes (1.00 is perfect);
- moved: fraction of the 1M keys that change node when an 11th node joins (ideal
  1/11 = 0.0909; every moved key must go to the new node);
- add node: ms to add the 11th node to the 10-node ring.

--quick divides the key counts by 10 for a smoke run.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.render import render
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options

try:
    from uhashring import HashRing  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the bench extra installs it
    sys.exit("uhashring is missing: pip install -e '.[bench]'")

NODES = [f"cache-{i}.example:11211" for i in range(10)]
NEW_NODE = "cache-10.example:11211"
PASSES = 7


def generate(folder: Path, class_name: str, options: dict[str, object]) -> Any:
    """The ring class of a module generated into `folder` by the scaffold API."""
    spec = load_patterns()["consistent-hash"]
    write_files(render(spec, class_name, resolve_options(spec, options)), folder)
    return getattr(importlib.import_module(snake_case(class_name)), class_name)


def lookup_ns(rings: list[Any], keys: list[str]) -> list[float]:
    """Best-of-PASSES nanoseconds per get_node over `keys`, for each ring in turn."""
    best = [float("inf")] * len(rings)
    for _ in range(PASSES):
        for index, ring in enumerate(rings):
            get_node = ring.get_node
            start = time.perf_counter_ns()
            for key in keys:
                get_node(key)
            best[index] = min(best[index], (time.perf_counter_ns() - start) / len(keys))
    return best


def balance(owners: list[str]) -> float:
    counts = Counter(owners)
    return max(counts.values()) / (len(owners) / len(counts))


def churn(ring: Any, keys: list[str]) -> tuple[float, float, float]:
    """(max/mean before, fraction moved, ms to add) when NEW_NODE joins `ring`."""
    before = [ring.get_node(key) for key in keys]
    start = time.perf_counter()
    ring.add_node(NEW_NODE)
    add_ms = (time.perf_counter() - start) * 1000
    after = [ring.get_node(key) for key in keys]
    moved = [new for old, new in zip(before, after, strict=True) if old != new]
    if any(node != NEW_NODE for node in moved):
        raise AssertionError("a key moved between two old nodes")
    return balance(before), len(moved) / len(keys), add_ms


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    lookup_keys = [f"user:{i}" for i in range(10_000 if quick else 100_000)]
    spread_keys = [f"object/{i}" for i in range(100_000 if quick else 1_000_000)]

    with tempfile.TemporaryDirectory() as folder:
        sys.path.insert(0, folder)
        native = generate(Path(folder), "BenchRingNative", {})
        compat = generate(Path(folder), "BenchRingCompat", {"compat": "uhashring"})
        bounded = generate(Path(folder), "BenchRingBounded", {"bounded_loads": True})

        labels = ["uhashring 2.x HashRing", "ours native (blake2s)", "ours --compat uhashring"]
        rings = [HashRing(nodes=NODES), native(NODES), compat(NODES)]
        timings = lookup_ns(rings, lookup_keys)
        rows = [
            (label, ns, *churn(ring, spread_keys))
            for label, ns, ring in zip(labels, timings, rings, strict=True)
        ]

        ring = bounded(NODES)
        start = time.perf_counter()
        assigned = [ring.assign(key) for key in spread_keys]
        assign_ns = (time.perf_counter() - start) / len(spread_keys) * 1e9

    reference = rows[0][1]
    print(
        f"consistent-hash ring, 10 nodes, 160 vnodes/node; lookups on {len(lookup_keys):,}"
        f" keys, balance and moves on {len(spread_keys):,} keys"
    )
    header = f"{'implementation':<26}{'ns/lookup':>10}{'vs uhashring':>14}{'max/mean':>10}"
    print(header + f"{'moved (ideal 0.0909)':>22}{'add node ms':>13}")
    print("-" * (len(header) + 35))
    for label, ns, spread, moved, add_ms in rows:
        print(
            f"{label:<26}{ns:>10.0f}{ns / reference:>13.2f}x{spread:>10.3f}"
            f"{moved:>22.4f}{add_ms:>13.2f}"
        )
    print(
        f"{'ours --bounded-loads':<26}{assign_ns:>10.0f}{'(assign)':>14}"
        f"{balance(assigned):>10.3f}{'-':>22}{'-':>13}"
    )
    print("bounded loads: epsilon 0.25, so max/mean must stay <= 1.25")


if __name__ == "__main__":
    main()
