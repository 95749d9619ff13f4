"""The shared scaffold harness: every case of every `scaffold_cases/*.yaml` file.

Each case is generated through the scaffold CLI into one temporary folder. Then,
once for all cases, the generated tests run under plain pytest, and the generated
files go through `ruff check --isolated` and `mypy --strict` (a single mypy run,
which is why class names are unique across case files). Each case then gets its
own pass/fail verdict from those runs. The three tool runs are the slow part
(a few seconds, mypy's cache lives in pytest's cache folder); they run by default.

Nothing is skipped silently: a malformed case file, a case file naming a pattern
without a template, or a pattern without a case file is a failure.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from test_scaffolder import run_scaffold

from distadvisor import __version__
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.specs import load_patterns

CASES_DIR = Path(__file__).parent / "scaffold_cases"
RUFF_RULES = "E,F,W,I,B,UP,SIM,RUF"
TOOL_TIMEOUT = 300


@dataclass(frozen=True)
class Case:
    pattern: str
    name: str
    options: dict[str, object]
    is_async: bool
    source: str
    drivers: tuple[str, ...] = ()  # top-level imports allowed beside the standard library

    @property
    def module(self) -> str:
        return snake_case(self.name)

    @property
    def files(self) -> tuple[str, str]:
        return f"{self.module}.py", f"test_{self.module}.py"

    def cli_args(self, out: Path) -> list[str]:
        args = [self.pattern, "--name", self.name, "--out", str(out)]
        if self.is_async:
            args.append("--async")
        for key, value in self.options.items():
            flag = key.replace("_", "-")
            if isinstance(value, bool):
                args.append(f"--{flag}" if value else f"--no-{flag}")
            else:
                text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
                args += [f"--{flag}", text]
        return args


def read_cases() -> tuple[list[Case], list[str]]:
    """All well-formed cases, and a description of every malformed one."""
    cases: list[Case] = []
    problems: list[str] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: invalid YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("pattern"), str):
            problems.append(f"{path.name}: needs a top-level `pattern: NAME`")
            continue
        if path.stem != data["pattern"]:
            problems.append(f"{path.name}: file must be named {data['pattern']}.yaml")
        entries = data.get("cases")
        if not isinstance(entries, list) or not entries:
            problems.append(f"{path.name}: needs a non-empty `cases` list")
            continue
        for index, entry in enumerate(entries):
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("name"), str)
                or not isinstance(entry.get("options", {}), dict)
                or not isinstance(entry.get("async", False), bool)
                or not isinstance(entry.get("drivers", []), list)
                or set(entry) - {"name", "options", "async", "drivers"}
            ):
                problems.append(f"{path.name}: cases[{index}] needs name, and only "
                                f"options, async, drivers")
                continue
            cases.append(
                Case(data["pattern"], entry["name"], dict(entry.get("options") or {}),
                     entry.get("async", False), path.name, tuple(entry.get("drivers", [])))
            )
    return cases, problems


CASES, CASE_FILE_PROBLEMS = read_cases()


def case_id(case: Case) -> str:
    return f"{case.pattern}:{case.name}"


# --------------------------------------------------------------------------- the case files


def test_case_files_are_well_formed() -> None:
    assert CASE_FILE_PROBLEMS == []
    assert CASES, f"no cases found in {CASES_DIR}"


def test_every_case_file_names_a_pattern_with_templates() -> None:
    patterns = load_patterns()
    orphans = sorted({case.source for case in CASES if case.pattern not in patterns})
    assert orphans == [], f"case files for patterns without templates: {orphans}"


def test_every_pattern_has_a_case_file() -> None:
    covered = {case.pattern for case in CASES}
    assert sorted(set(load_patterns()) - covered) == []


def test_class_and_module_names_are_unique_across_cases() -> None:
    for key in ("name", "module"):
        values = [getattr(case, key) for case in CASES]
        assert sorted({v for v in values if values.count(v) > 1}) == [], key


# --------------------------------------------------------------------------- generation


@dataclass
class Generated:
    """Everything produced once for all cases, looked up per case by the tests."""

    folder: Path
    cli: dict[str, tuple[int, str]] = field(default_factory=dict)
    test_results: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    pytest_output: str = ""
    ruff: dict[str, list[str]] = field(default_factory=dict)
    mypy: dict[str, list[str]] = field(default_factory=dict)


def tool_env() -> dict[str, str]:
    """The environment for generated code: no access to distadvisor's own sources.

    Generated tests of server variants read REDIS_URL / POSTGRES_DSN, as a user's CI
    would set them; the harness points them at the servers the suite was given.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MYPYPATH"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for ours, theirs in (("DISTADVISOR_TEST_REDIS_URL", "REDIS_URL"),
                         ("DISTADVISOR_TEST_POSTGRES_DSN", "POSTGRES_DSN")):
        if os.environ.get(ours):
            env[theirs] = os.environ[ours]
    return env


def run_tool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=tool_env(), capture_output=True,
        text=True, timeout=TOOL_TIMEOUT, check=False,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Generated:
    folder = tmp_path_factory.mktemp("scaffolds")
    result = Generated(folder)
    for case in CASES:
        outcome = run_scaffold(*case.cli_args(folder))
        result.cli[case.name] = (outcome.exit_code, outcome.stderr)
    (folder / "pytest.ini").write_text("[pytest]\n")

    junit = folder.parent / f"{folder.name}-junit.xml"
    run = run_tool(["pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "."],
                   folder)
    result.pytest_output = run.stdout + run.stderr
    if junit.exists():
        for testcase in ET.parse(junit).getroot().iter("testcase"):
            verdict = next((child.tag for child in testcase
                            if child.tag in ("failure", "error", "skipped")), "passed")
            file = testcase.get("classname", "").split(".")[0] + ".py"
            result.test_results.setdefault(file, []).append((testcase.get("name", ""), verdict))

    ruff = run_tool(["ruff", "check", "--isolated", "--select", RUFF_RULES,
                     "--output-format", "json", "."], folder)
    for item in json.loads(ruff.stdout or "[]"):
        file = Path(item["filename"]).name
        result.ruff.setdefault(file, []).append(f"{item['code']} line {item['location']['row']}: "
                                                f"{item['message']}")

    # pytest's cache (absent under -p no:cacheprovider) keeps mypy warm between runs.
    pytest_cache = getattr(pytestconfig, "cache", None)
    cache = pytest_cache.mkdir("scaffold-mypy") if pytest_cache else folder / ".mypy"
    mypy = run_tool(["mypy", "--strict", "--no-error-summary", "--cache-dir", str(cache),
                     "."], folder)
    for line in (mypy.stdout + mypy.stderr).splitlines():
        match = re.match(r"(?:\./)?([^:/]+\.py):\d+: (error|note)", line)
        if match and match.group(2) == "error":
            result.mypy.setdefault(match.group(1), []).append(line)
        elif line.strip() and not match:
            result.mypy.setdefault("<mypy>", []).append(line)
    return result


per_case = pytest.mark.parametrize("case", CASES, ids=case_id)


@per_case
def test_cli_generates_the_module_and_its_tests(case: Case, generated: Generated) -> None:
    exit_code, stderr = generated.cli[case.name]
    assert exit_code == 0, stderr
    for name in case.files:
        assert (generated.folder / name).is_file()


@per_case
def test_module_has_header_docstring_and_only_stdlib_imports(
    case: Case, generated: Generated
) -> None:
    source = (generated.folder / case.files[0]).read_text()
    assert source.startswith(f"# Generated by distadvisor {__version__}")
    header = "\n".join(header_lines(source))
    assert f"distadvisor scaffold {case.pattern} --name" in header
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring.splitlines()) >= 5, "module docstring with the diagram"
    for node in ast.walk(tree):
        roots = (
            [alias.name.split(".")[0] for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module.split(".")[0]]
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
            else []
        )
        for root in roots:
            allowed = {"__future__", *case.drivers}
            assert root in allowed or root in sys.stdlib_module_names, root


@per_case
def test_generated_tests_pass_under_plain_pytest(case: Case, generated: Generated) -> None:
    results = generated.test_results.get(case.files[1], [])
    assert results, f"no tests ran for {case.files[1]}:\n{generated.pytest_output}"
    # A server variant's tests skip without their server: fine locally, not under CI.
    allowed = {"passed"} if os.environ.get("CI") else {"passed", "skipped"}
    not_passed = [(name, verdict) for name, verdict in results if verdict not in allowed]
    assert not_passed == [], generated.pytest_output


@per_case
def test_generated_files_pass_ruff(case: Case, generated: Generated) -> None:
    for name in case.files:
        assert generated.ruff.get(name, []) == [], name


@per_case
def test_generated_files_pass_mypy_strict(case: Case, generated: Generated) -> None:
    assert generated.mypy.get("<mypy>", []) == []
    for name in case.files:
        assert generated.mypy.get(name, []) == [], name


@per_case
def test_header_command_regenerates_identical_files(
    case: Case, generated: Generated, tmp_path: Path
) -> None:
    source = (generated.folder / case.files[0]).read_text()
    args = list(header_command(source))
    assert args[:2] == ["distadvisor", "scaffold"]
    out = args.index("--out")
    args[out + 1] = str(tmp_path)
    outcome = run_scaffold(*args[2:])
    assert outcome.exit_code == 0, outcome.stderr
    for name in case.files:
        assert (tmp_path / name).read_text() == (generated.folder / name).read_text()


def header_lines(source: str) -> list[str]:
    """The comment block a generated file starts with."""
    return list(itertools.takewhile(lambda line: line.startswith("#"), source.splitlines()))


def header_command(source: str) -> Iterator[str]:
    """The command in a generated header, as a user would paste it into a shell."""
    lines = header_lines(source)
    start = next(i for i, line in enumerate(lines) if "distadvisor scaffold" in line)
    shell = "\n".join(line.removeprefix("#").strip() for line in lines[start:])
    yield from shlex.split(shell.replace("\\\n", " "), comments=True)
