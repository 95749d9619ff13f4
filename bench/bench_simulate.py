"""`distadvisor simulate` on every shipped example with default trials, against
`distadvisor advise` on the same file, in one run.

Goal: simulate finishes each example in under 2 s. Run:

    .venv/bin/python bench/bench_simulate.py [--runs 5]

Each figure is the median wall time of whole commands (start-up included), alternating
the two commands so drift in machine load hits both alike.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tool = shutil.which("distadvisor") or f"{sys.executable} -m distadvisor"
    base = tool.split()
    print(f"{'example':<28} {'advise s':>9} {'simulate s':>11}")
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        advise, simulate = [], []
        for _ in range(args.runs):
            advise.append(timed([*base, "advise", str(example), "--format", "json"]))
            simulate.append(timed([*base, "simulate", str(example), "--format", "json"]))
        print(
            f"{example.stem:<28} {statistics.median(advise):>9.2f} "
            f"{statistics.median(simulate):>11.2f}"
        )
    print("goal: simulate under 2 s per example with default trials")


if __name__ == "__main__":
    main()
