"""Drive one input through distadvisor and say what went wrong, by kind of finding.

In process: the loader, the validator, the engine and every renderer (advise's text,
JSON and markdown; check's text, JSON, SARIF, JUnit, GitHub and PR markdown). Through
the command line: `check` and `advise` in a fresh process, and `init --data`. Each
run is checked for: an exception or traceback, an exit status other than 0, 1 or 2,
more than MAX_SECONDS of CPU or MAX_MB of memory, an output line a CI runner would read
as a workflow command, and a control character in a report.
"""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, NamedTuple

MAX_SECONDS = 2.0
MAX_MB = 200

# C0 controls but tab and newline, DEL and C1 controls; the report formats may keep
# tab and newline (CR too in none of them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The only workflow commands distadvisor writes, in its github format.
_OWN_COMMAND = re.compile(r"::(error|warning|notice) [^\n]*?::")

KINDS = ("crash", "exit", "slow", "memory", "workflow-command", "control-character")


class Finding(NamedTuple):
    kind: str  # one of KINDS
    where: str  # the stage or output format
    detail: str


def output_findings(fmt: str, output: str) -> list[Finding]:
    """Workflow-command lines and control characters in one rendered output."""
    found = []
    for line in output.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("::") and not (fmt == "github" and _OWN_COMMAND.match(line)):
            found.append(Finding("workflow-command", fmt, stripped[:120]))
            break
    match = _CONTROL.search(output)
    if match:
        found.append(Finding("control-character", fmt, f"{match.group()!r}"))
    return found


class InProcess:
    """Loads the rules once; `run(text)` drives one input through every stage."""

    def __init__(self, folder: Path) -> None:
        from distadvisor.cli.common import load_ruleset, scaffold_names

        self.ruleset = load_ruleset(None)
        self.scaffolds = scaffold_names()
        self.file = folder / "fuzz.yaml"

    def run(self, text: str, terminal: bool = True) -> list[Finding]:
        """Every stage and output; the terminal report (the slowest, ~40 ms) only when
        `terminal` is set, so a large run samples it."""
        start = time.process_time()
        try:
            findings = self._stages(text, terminal)
        except Exception:  # any exception at all is what the fuzzer looks for
            findings = [Finding("crash", "in-process", traceback.format_exc(limit=-3))]
        seconds = time.process_time() - start
        if seconds > MAX_SECONDS:
            findings.append(Finding("slow", "in-process", f"{seconds:.1f} s of CPU"))
        return findings

    def _stages(self, text: str, terminal: bool) -> list[Finding]:
        from rich.console import Console

        from distadvisor import pipeline
        from distadvisor.render import (
            check_json,
            check_text,
            github,
            junit,
            markdown,
            pr_markdown,
            sarif,
        )
        from distadvisor.render import json as json_report
        from distadvisor.render import text as text_report

        self.file.write_text(text, encoding="utf-8", errors="surrogatepass")
        report = pipeline.check([str(self.file)], self.ruleset, scaffolds=self.scaffolds)
        outputs: dict[str, str] = {
            "check-text": check_text.render(report),
            "check-json": check_json.render(report),
            "sarif": sarif.render(report),
            "junit": junit.render(report),
            "github": github.render(report),
            "pr-markdown": pr_markdown.render(report),
        }
        [result] = report.results
        if result.recommendation is not None:
            rec, req = result.recommendation, result.requirements
            outputs["json"] = json_report.render(rec)
            outputs["markdown"] = markdown.render(rec, req=req)
            if terminal:
                shown = io.StringIO()
                console = Console(file=shown, width=100, force_terminal=False, color_system=None)
                text_report.render(rec, console, req)
                outputs["text"] = shown.getvalue()
        findings = []
        for fmt, output in outputs.items():
            findings += output_findings(fmt, output)
        return findings


_RUNNER: list[InProcess] = []  # one per worker process, made on its first batch


def run_batch(seed: int, index: int, size: int, terminal_every: int) -> list[tuple[str, Finding]]:
    """One batch of the in-process inputs of `seed`, as a worker process runs it: the
    failing inputs with their findings, a memory finding when the worker grew past
    MAX_MB."""
    from . import mutator

    if not _RUNNER:
        _RUNNER.append(InProcess(Path(tempfile.mkdtemp(prefix="distadvisor-fuzz-"))))
    runner = _RUNNER[0]
    baseline = peak_mb()
    found = []
    for i, text in enumerate(mutator.batch(seed, index, size)):
        found += [(text, f) for f in runner.run(text, terminal=i % terminal_every == 0)]
        if peak_mb() - baseline > MAX_MB:
            found.append((text, Finding("memory", "in-process", f"{peak_mb():.0f} MB")))
            baseline = peak_mb()
    return found


def peak_mb() -> float:
    """The peak memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Runs the command and, on the way out, writes its own CPU time and peak memory to a
# file: figures per process, right when several run side by side.
_WRAPPER = """
import atexit, os, resource, runpy, sys
def _report():
    used = resource.getrusage(resource.RUSAGE_SELF)
    peak = used.ru_maxrss  # Linux keeps the parent's across exec: VmHWM is this process's
    with open("/proc/self/status") as status:
        peak = next((int(l.split()[1]) for l in status if l.startswith("VmHWM:")), peak)
    with open(os.environ["DISTADVISOR_FUZZ_RUSAGE"], "w") as out:
        out.write(f"{used.ru_utime + used.ru_stime} {peak}")
atexit.register(_report)
sys.argv = ["distadvisor", *sys.argv[1:]]
runpy.run_module("distadvisor", run_name="__main__", alter_sys=True)
"""


def command_line(args: list[str], stdin: str | None = None) -> list[Finding]:
    """One run of the distadvisor command in a fresh process."""
    where = " ".join(args[:1] + [a for a in args[1:] if a.startswith("--format")])
    with tempfile.NamedTemporaryFile(suffix=".rusage") as usage:
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "DISTADVISOR_FUZZ_RUSAGE": usage.name,
        }
        try:
            # A command line is bytes: a lone surrogate in a mutated value reaches the
            # program as the bytes a shell would pass, never as text it cannot encode.
            argv = [a.encode("utf-8", "surrogatepass") for a in args]
            ran = subprocess.run(
                [sys.executable, "-c", _WRAPPER, *argv],
                input=None if stdin is None else stdin.encode("utf-8", "surrogatepass"),
                capture_output=True,
                env=env,
                timeout=60,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [Finding("slow", where, "did not end within 60 s")]
        done = subprocess.CompletedProcess(
            ran.args,
            ran.returncode,
            ran.stdout.decode("utf-8", "surrogateescape"),
            ran.stderr.decode("utf-8", "surrogateescape"),
        )
        figures = Path(usage.name).read_text().split()
    findings = []
    if len(figures) == 2:
        cpu, peak = float(figures[0]), int(figures[1]) / 1024
        if cpu > MAX_SECONDS:
            findings.append(Finding("slow", where, f"{cpu:.1f} s of CPU"))
        if peak > MAX_MB:
            findings.append(Finding("memory", where, f"{peak:.0f} MB"))
    if done.returncode not in (0, 1, 2):
        findings.append(Finding("exit", where, f"status {done.returncode}: {done.stderr[-300:]}"))
    if "Traceback" in done.stderr:
        findings.append(Finding("crash", where, done.stderr[-600:]))
    fmt = next((a.split("=", 1)[1] for a in args if a.startswith("--format=")), "text")
    findings += output_findings(fmt, done.stdout)
    findings += output_findings("stderr", done.stderr)
    return findings


def cli_run(text: str, choice: int, folder: Path) -> list[Finding]:
    """One of the commands a CI job or a user runs on the input."""
    file = folder / f"fuzz-{choice}.yaml"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    formats = ["text", "json", "sarif", "junit", "github", "markdown"]
    if choice % 4 == 0:
        fmt = ["text", "json", "markdown"][choice % 3]
        return command_line(["advise", str(file), f"--format={fmt}"])
    if choice % 4 == 1:
        return command_line(["check", "-", f"--format={formats[choice % 6]}"], stdin=text)
    if choice % 4 == 2:
        value = text.splitlines()[0] if text.strip() else ""
        with tempfile.TemporaryDirectory() as out:
            return command_line(
                [
                    "init",
                    "--defaults",
                    "--data",
                    "system=s",
                    "--data",
                    f"data[0].name={value[:200]}",
                    "--data",
                    f"availability.target={value[-100:]}",
                    "--out",
                    str(Path(out) / "r.yaml"),
                ]
            )
    return command_line(["check", str(file), f"--format={formats[choice % 6]}"])


def summary(findings: list[Finding]) -> dict[str, int]:
    return {kind: sum(f.kind == kind for f in findings) for kind in KINDS}


def describe(findings: list[Any]) -> str:
    return "\n".join(f"{f.kind} in {f.where}: {f.detail}" for f in findings[:10])
