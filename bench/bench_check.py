"""Throughput benchmark: `distadvisor check DIR --format json` over 1,000 generated
requirement files, end to end in one process (start-up, rule loading, every file).

Goal: at least 500 files per second. Run:

    .venv/bin/python bench/bench_check.py [--files 1000] [--runs 5] [--seed 6]

The files vary (regions, writes, budgets, several kinds of data with every need and a
declared design, services, transactions, accepted findings) and a few are bad input,
so every path of `check` is exercised. The median of the runs is reported.
"""

from __future__ import annotations

import argparse
import compileall
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"]
STORES = [None, "Cassandra", "PostgreSQL", "CockroachDB", "MongoDB", "DynamoDB", "etcd"]


def requirements(rng: random.Random, i: int) -> dict[str, Any]:
    regions = rng.sample(REGIONS, rng.randint(1, 4))
    data = []
    for j in range(rng.randint(1, 6)):
        entity: dict[str, Any] = {
            "name": f"data_{j}",
            "money": rng.random() < 0.25,
            "unique_claims": rng.random() < 0.15,
            "stale_reads": rng.choice(["never", "tolerated", "bounded"]),
            "read_your_writes": rng.random() < 0.3,
            "ordering": rng.choice(["none", "none", "causal", "total"]),
            "conflicts": rng.choice(["reject", "merge", "last-write-wins"]),
            "access": rng.choice(["point", "range", "time-series", "geo"]),
            "read_write_ratio": rng.choice([None, 0.5, 10, 200]),
            "audit_trail": rng.random() < 0.2,
        }
        if entity["stale_reads"] == "bounded":
            entity["max_staleness_s"] = rng.choice([1, 5, 30])
        if rng.random() < 0.6:
            rf = rng.choice([3, 5])
            entity["design"] = {
                k: v
                for k, v in {
                    "datastore": rng.choice(STORES),
                    "replication": rng.choice(
                        ["consensus", "leaderless", "leader-follower-async", "multi-leader"]
                    ),
                    "replication_factor": rf,
                    "write_consistency": rng.choice(["ONE", "QUORUM", "ALL", 2]),
                    "read_consistency": rng.choice(["ONE", "QUORUM"]),
                    "partitioning": rng.choice(["hash", "range", "geographic"]),
                }.items()
                if v is not None
            }
        data.append(entity)
    services = [
        {"name": f"svc{k}", "calls": [f"svc{k + 1}"] if k < 3 else [], "external": k == 3}
        for k in range(rng.randint(0, 4))
    ]
    if services:
        services[-1]["calls"] = []
    doc: dict[str, Any] = {
        "version": 1,
        "system": f"system-{i}",
        "deployment": {
            "regions": regions,
            "writes_from": rng.choice(["one-region", "all-regions"]),
        },
        "workload": {"reads_per_sec": rng.choice([1000, 50000]), "writes_per_sec": 500},
        "latency_budget_ms": {"read": rng.choice([5, 20, 100]), "write": rng.choice([10, 80, 300])},
        "availability": {
            "target": rng.choice([99.9, 99.95, 99.99]),
            "node_failures_tolerated": rng.choice([1, 2]),
        },
        "data": data,
        "services": services,
    }
    if len(services) >= 2:
        doc["transactions"] = [
            {
                "name": "flow",
                "steps": ["a", "b", "c"],
                "services": [s["name"] for s in services[:2]],
            }
        ]
    if rng.random() < 0.2:
        doc["accept"] = [
            {
                "rule": "findings.strong-writes-beyond-budget",
                "reason": "measured: our regions are closer than the table says",
            }
        ]
    return doc


def generate(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(count):
        text = yaml.safe_dump(requirements(rng, i), sort_keys=False)
        if i % 100 == 99:  # a few bad files: the report must carry them too
            text = text.replace("stale_reads: never", "stale_reads: sometimes", 1)
        (folder / f"req-{i:04d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    import distadvisor

    compileall.compile_dir(Path(distadvisor.__file__).parent, quiet=1)
    exe = shutil.which("distadvisor", path=str(Path(sys.executable).parent))
    if exe is None:
        sys.exit("error: distadvisor is not installed beside this Python (pip install -e .)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.files, args.seed)
        command = [exe, "check", str(folder), "--format", "json"]
        times, summary = [], {}
        for _ in range(args.runs + 1):  # the first run warms the file cache
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            summary = json.loads(done.stdout)["summary"]
        median = statistics.median(times[1:])
    code = done.returncode
    print(f"command: distadvisor check DIR --format json ({args.files} files, exit {code})")
    print(f"summary: {summary}")
    print(
        f"median {median:.2f} s, best {min(times[1:]):.2f} s over {args.runs} runs: "
        f"{args.files / median:.0f} files/s (goal >= 500)"
    )


if __name__ == "__main__":
    main()
