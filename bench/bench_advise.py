"""Start-up benchmark: `distadvisor advise FILE --format json` against the bare imports
of its framework (`python -c "import typer, rich.console, yaml"`), in one run.

Goal: advise takes at most 1.3x the bare imports. Run:

    .venv/bin/python bench/bench_advise.py [--runs 40] [FILE]

Commands alternate so drift in machine load hits both alike; the median is reported.
advise reads the shipped rule set from its cache (the warm-up run writes it); the
last row is the same command with the cache off, as on the first run after an install.
The package is byte-compiled first, as `pip install` does for a wheel: an editable
install under PYTHONDONTWRITEBYTECODE would otherwise recompile every module per run.
(`hyperfine -N -w 3 '<cmd1>' '<cmd2>'` measures the same two commands.)
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    """Seconds one run takes; a leading NAME=VALUE sets that variable for the run."""
    env = dict(os.environ)
    while "=" in command[0]:
        name, _, value = command[0].partition("=")
        env[name] = value
        command = command[1:]
    start = time.perf_counter()
    subprocess.run(
        command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples/order-platform.yaml"))
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    import distadvisor

    compileall.compile_dir(Path(distadvisor.__file__).parent, quiet=1)
    exe = shutil.which("distadvisor", path=str(Path(sys.executable).parent))
    if exe is None:
        sys.exit("error: distadvisor is not installed beside this Python (pip install -e .)")
    commands = {
        "imports only": [sys.executable, "-c", "import typer, rich.console, yaml"],
        "advise --format json": [exe, "advise", args.file, "--format", "json"],
        # The first run after an install or a rules change: every file parsed and checked.
        "  without the cache": [
            "DISTADVISOR_NO_CACHE=1",
            exe,
            "advise",
            args.file,
            "--format",
            "json",
        ],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache and bytecode
        timed(command)
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(timed(command))
    base = statistics.median(samples["imports only"])
    print(f"{'command':<24}{'median ms':>10}{'min ms':>9}{'ratio':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<24}{median * 1000:>10.1f}{min(values) * 1000:>9.1f}{median / base:>8.2f}")
    print(f"goal: advise <= 1.30x the imports ({args.runs} runs each, {Path(args.file).name})")


if __name__ == "__main__":
    main()
