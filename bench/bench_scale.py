"""Scale curve: how `check` grows with the size of one requirements file.

Large organisations keep their whole service catalogue in one file, so the cost of one
file must grow linearly (or n log n) with its services, calls and kinds of data. This
prints, for generated files from 100 to 10,000 services x 10 calls (and as many kinds
of data, in a second series), the CPU time and peak memory of a whole `check` or
`advise` run in a fresh process, per output format. Goal at 10,000 services x 10 calls: at most
5 s and 300 MB. Run:

    .venv/bin/python bench/bench_scale.py [--sizes 100,1000,2000,10000] [--calls 10]
        [--formats check:text,advise:json] [--data-series]

Not a test: figures depend on the machine; read the curve's shape (time per service
roughly constant) rather than its absolute values.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STORES = ["Cassandra", "PostgreSQL", "DynamoDB"]


def service_graph(services: int, calls: int, data: int = 20, seed: int = 7) -> str:
    """A requirements file with `services` services calling `calls` others each (an
    acyclic graph: a service calls only later ones, so cycles cannot hide the cost),
    and `data` kinds of data; YAML written directly, as a catalogue generator would."""
    rng = random.Random(seed)
    lines = [
        "version: 1",
        f"system: catalogue-{services}",
        "deployment: {regions: [us-east-1, eu-west-1], writes_from: all-regions}",
        "data:",
    ]
    for j in range(data):
        money = "true" if j % 7 == 0 else "false"
        stale = ("never", "tolerated", "bounded")[j % 3]
        lines.append(
            f"  - {{name: data_{j}, money: {money}, stale_reads: {stale}"
            + (", max_staleness_s: 5" if stale == "bounded" else "")
            + (f", design: {{datastore: {STORES[j % 3]}}}" if j % 5 == 0 else "")
            + "}"
        )
    lines.append("services:")
    for i in range(services):
        later = range(i + 1, services)
        callees = rng.sample(later, min(calls, len(later)))
        external = ", external: true" if i % 50 == 49 else ""
        lines.append(
            f"  - {{name: svc_{i}, calls: [{', '.join(f'svc_{c}' for c in callees)}]{external}}}"
        )
    lines.append("transactions:")
    for t in range(max(1, services // 100)):
        members = ", ".join(f"svc_{t * 100 + k}" for k in range(3))
        lines.append(f"  - {{name: txn_{t}, steps: [a, b, c], services: [{members}]}}")
    return "\n".join(lines) + "\n"


def run(file: Path, command: str, fmt: str) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds and peak MB of one command in a fresh process, and its
    exit status. CPU time is the figure to compare on a shared machine."""
    code = (
        "import resource, sys\n"
        "from distadvisor.cli.main import main\n"
        f"sys.argv = ['distadvisor', {command!r}, {str(file)!r}, '--format', {fmt!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    status = e.code or 0\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(peak, status, file=sys.stderr)\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_kb, status = done.stderr.split()[-2:]
    return seconds, cpu, int(peak_kb) / 1024, int(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,2000,5000,10000")
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument(
        "--formats",
        default="check:text,check:json,check:sarif,advise:json,advise:markdown,advise:text",
    )
    parser.add_argument(
        "--data-series",
        action="store_true",
        help="also grow the kinds of data (services fixed at 100)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        series = [("services", n, service_graph(n, args.calls)) for n in sizes]
        if args.data_series:
            series += [("data", n, service_graph(100, args.calls, data=n)) for n in sizes]
        print(f"{'grows':<9}{'size':>7}{'KB':>7}  " + "".join(f"{f:>26}" for f in formats))
        for kind, n, text in series:
            file = Path(tmp) / f"{kind}-{n}.yaml"
            file.write_text(text, encoding="utf-8")
            cells = []
            for spec in formats:
                command, fmt = spec.split(":")
                _, cpu, mb, status = run(file, command, fmt)
                cells.append(f"{cpu:7.2f} s {mb:5.0f} MB ({status})")
            print(
                f"{kind:<9}{n:>7}{len(text) // 1024:>7}  " + "".join(f"{c:>26}" for c in cells),
                flush=True,
            )
    print(
        "CPU seconds and peak memory of each run; exit status in brackets: 0/1 advised,"
        " 2 refused (past a documented size)"
    )


if __name__ == "__main__":
    main()
