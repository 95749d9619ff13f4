"""The shared scaffold harness: every case of every `scaffold_cases/*.yaml` file.

Each case is generated through the scaffold CLI twice: into a flat folder and into a
package inside a repository (`repo/src/pkg/sub/`, `__init__.py` files above it), the
two layouts users put modules in. Then, once for all cases, the generated tests run
under plain pytest in both layouts (and with `--import-mode=importlib` in the
package), and every generated file goes through `ruff check --isolated` with our
rule selection and at ruff's defaults, `ruff format --check` and `mypy --strict` (one
run per layout, which is why class and module names are unique across case files).
Each case then gets its own verdict per check. The tool runs are the slow part (mypy's
cache lives in pytest's cache folder); they run by default.

Nothing is skipped silently: a malformed case file, a case file naming a pattern
without a template, or a pattern without a case file is a failure. A case file may
list `pending` checks its pattern does not pass yet: they run as strict expected
failures, so the day they pass the entry must go.
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
from typing import Any

import pytest
import yaml
from test_scaffolder import run_scaffold

from distadvisor import __version__
from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.specs import load_patterns

CASES_DIR = Path(__file__).parent / "scaffold_cases"
RUFF_RULES = "E,F,W,I,B,UP,SIM,RUF"
TOOL_TIMEOUT = 600
# Where each layout's files land, relative to the harness's temporary folder.
LAYOUTS = {"flat": Path("flat"), "package": Path("repo/src/pkg/sub")}
# The checks a case file may list as `pending`.
CHECKS = (
    "pytest",
    "pytest-package",
    "pytest-importlib",
    "ruff",
    "ruff-defaults",
    "ruff-format",
    "mypy",
    "mypy-package",
)
_CASE_KEYS = {"name", "options", "async", "drivers"}


@dataclass(frozen=True)
class Case:
    pattern: str
    name: str
    options: dict[str, object]
    is_async: bool
    source: str
    drivers: tuple[str, ...] = ()  # top-level imports allowed beside the standard library
    pending: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return snake_case(self.name)

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
        pending = data.get("pending", [])
        if not isinstance(pending, list) or set(pending) - set(CHECKS):
            problems.append(f"{path.name}: pending must list checks from {', '.join(CHECKS)}")
            pending = []
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
                or set(entry) - _CASE_KEYS
            ):
                problems.append(
                    f"{path.name}: cases[{index}] needs name, and only options, async, drivers"
                )
                continue
            cases.append(
                Case(
                    data["pattern"],
                    entry["name"],
                    dict(entry.get("options") or {}),
                    entry.get("async", False),
                    path.name,
                    tuple(entry.get("drivers", [])),
                    tuple(pending),
                )
            )
    return cases, problems


CASES, CASE_FILE_PROBLEMS = read_cases()


def case_id(case: Case) -> str:
    return f"{case.pattern}:{case.name}"


def cases_for(check: str) -> list[Any]:
    """The cases as parameters of `check`: strict expected failures where pending."""
    return [
        pytest.param(
            case,
            id=case_id(case),
            marks=pytest.mark.xfail(strict=True, reason=f"{case.source} lists {check} as pending"),
        )
        if check in case.pending
        else pytest.param(case, id=case_id(case))
        for case in CASES
    ]


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
    """Everything produced once for all cases, looked up per case by the tests.

    Tool findings are keyed by the file's path relative to `folder`, test verdicts
    by the pytest run and the test file's name.
    """

    folder: Path
    cli: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)  # case name -> file names
    test_results: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    pytest_output: dict[str, str] = field(default_factory=dict)
    findings: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def path(self, layout: str, name: str) -> Path:
        return self.folder / LAYOUTS[layout] / name

    def found(self, check: str, layout: str, name: str) -> list[str]:
        return self.findings.get(check, {}).get(str(LAYOUTS[layout] / name), [])


def tool_env() -> dict[str, str]:
    """The environment for generated code: no access to distadvisor's own sources.

    Generated tests of server variants read REDIS_URL / POSTGRES_DSN, as a user's CI
    would set them; the harness points them at the servers the suite was given.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MYPYPATH"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for ours, theirs in (
        ("DISTADVISOR_TEST_REDIS_URL", "REDIS_URL"),
        ("DISTADVISOR_TEST_POSTGRES_DSN", "POSTGRES_DSN"),
    ):
        if os.environ.get(ours):
            env[theirs] = os.environ[ours]
    return env


def run_tool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -P -m TOOL`: -P keeps the working folder off sys.path, as the plain
    `pytest` or `mypy` command a user types would."""
    return subprocess.run(
        [sys.executable, "-P", "-m", *args],
        cwd=cwd,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )


def _run_pytest(result: Generated, run: str, cwd: Path, *extra: str) -> None:
    junit = result.folder / f"junit-{run}.xml"
    outcome = run_tool(
        [
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            "--continue-on-collection-errors",
            *extra,
        ],
        cwd,
    )
    result.pytest_output[run] = outcome.stdout + outcome.stderr
    verdicts = result.test_results.setdefault(run, {})
    test_files = {
        name for names in result.files.values() for name in names if name.startswith("test_")
    }
    if not junit.exists():
        return
    for testcase in ET.parse(junit).getroot().iter("testcase"):
        verdict = next(
            (child.tag for child in testcase if child.tag in ("failure", "error", "skipped")),
            "passed",
        )
        parts = testcase.get("classname", "").split(".")
        file = next((p + ".py" for p in parts if p + ".py" in test_files), "?")
        verdicts.setdefault(file, []).append((testcase.get("name", ""), verdict))


# Each layout's root is where a user runs ruff: it decides what is first-party.
RUFF_ROOTS = ("flat", "repo")


def _run_ruff(result: Generated, check: str, *args: str) -> None:
    findings = result.findings.setdefault(check, {})
    for root in RUFF_ROOTS:
        ruff = run_tool(["ruff", *args, "--output-format", "json", "."], result.folder / root)
        for item in json.loads(ruff.stdout or "[]"):
            file = str(Path(item["filename"]).resolve().relative_to(result.folder.resolve()))
            findings.setdefault(file, []).append(
                f"{item['code']} line {item['location']['row']}: {item['message']}"
            )


def _run_format_check(result: Generated) -> None:
    ruff = run_tool(["ruff", "format", "--isolated", "--check", *RUFF_ROOTS], result.folder)
    findings = result.findings.setdefault("ruff-format", {})
    for line in (ruff.stdout + ruff.stderr).splitlines():
        match = re.match(r"Would reformat: (.+)", line)
        if match:
            findings.setdefault(match.group(1), []).append("would be reformatted")


def _run_mypy(result: Generated, check: str, cwd: Path, target: str, cache: Path) -> None:
    mypy = run_tool(
        ["mypy", "--strict", "--no-error-summary", "--cache-dir", str(cache), target], cwd
    )
    findings = result.findings.setdefault(check, {})
    prefix = cwd.relative_to(result.folder)
    for line in (mypy.stdout + mypy.stderr).splitlines():
        match = re.match(r"(?:\./)?([^:]+\.py):\d+: (error|note)", line)
        if match and match.group(2) == "error":
            file = str(Path(os.path.normpath(prefix / match.group(1))))
            findings.setdefault(file, []).append(line)
        elif line.strip() and not match:
            findings.setdefault("<mypy>", []).append(line)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Generated:
    folder = tmp_path_factory.mktemp("scaffolds")
    result = Generated(folder)
    package = folder / LAYOUTS["package"]
    package.mkdir(parents=True)
    for init in (package / "__init__.py", package.parent / "__init__.py"):
        init.write_text("")
    (folder / "flat").mkdir()
    for root in (folder / "flat", folder / "repo"):
        (root / "pytest.ini").write_text("[pytest]\n")
    for case in CASES:
        for layout in LAYOUTS:
            outcome = run_scaffold(*case.cli_args(folder / LAYOUTS[layout]))
            result.cli[case.name, layout] = (outcome.exit_code, outcome.stderr)
            if layout == "flat":
                result.files[case.name] = sorted(
                    Path(line.split(" ", 1)[1]).name
                    for line in outcome.stdout.splitlines()
                    if line.startswith("wrote ")
                )

    _run_pytest(result, "pytest", folder / "flat")
    _run_pytest(result, "pytest-package", folder / "repo")
    _run_pytest(result, "pytest-importlib", folder / "repo", "--import-mode=importlib")
    _run_ruff(result, "ruff", "check", "--isolated", "--select", RUFF_RULES)
    _run_ruff(result, "ruff-defaults", "check", "--isolated")
    _run_format_check(result)
    # pytest's cache (absent under -p no:cacheprovider) keeps mypy warm between runs.
    pytest_cache = getattr(pytestconfig, "cache", None)
    cache = pytest_cache.mkdir("scaffold-mypy") if pytest_cache else folder / ".mypy"
    _run_mypy(result, "mypy", folder / "flat", ".", cache / "flat")
    _run_mypy(result, "mypy-package", folder / "repo", "src", cache / "package")
    return result


per_case = pytest.mark.parametrize("case", CASES, ids=case_id)


@per_case
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_cli_generates_the_module_and_its_tests(
    case: Case, layout: str, generated: Generated
) -> None:
    exit_code, stderr = generated.cli[case.name, layout]
    assert exit_code == 0, stderr
    names = generated.files[case.name]
    assert f"{case.module}.py" in names
    assert f"test_{case.module}.py" in names
    for name in names:
        assert generated.path(layout, name).is_file()


@per_case
def test_files_have_header_docstring_and_only_allowed_imports(
    case: Case, generated: Generated
) -> None:
    names = generated.files[case.name]
    siblings = {Path(name).stem for name in names}
    diagrams = 0
    for name in names:
        source = generated.path("flat", name).read_text()
        assert re.match(
            rf"# (Generated|Created) by distadvisor {re.escape(__version__)}\b", source
        ), name
        tree = ast.parse(source)
        docstring = ast.get_docstring(tree) or ""
        diagrams += len(docstring.splitlines()) >= 5 and not name.startswith("test_")
        # A server variant's tests may use its driver too, to set up and clean up.
        allowed = set(sys.stdlib_module_names) | {"__future__"} | siblings
        allowed.update(case.drivers)
        if name.startswith("test_"):
            allowed.add("pytest")
        for node in ast.walk(tree):
            roots = (
                [alias.name.split(".")[0] for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module.split(".")[0]]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
            for root in roots:
                assert root in allowed, f"{name} imports {root}"
    assert diagrams >= 1, "a module docstring with the diagram"
    header = "\n".join(header_lines(generated.path("flat", f"{case.module}.py").read_text()))
    assert f"distadvisor scaffold {case.pattern} --name" in header


def _test_verdicts(case: Case, generated: Generated, run: str) -> None:
    test_file = f"test_{case.module}.py"
    results = generated.test_results.get(run, {}).get(test_file, [])
    output = generated.pytest_output.get(run, "")
    assert results, f"no tests ran for {test_file}:\n{output}"
    allowed = {"passed"} if os.environ.get("CI") else {"passed", "skipped"}
    not_passed = [(name, verdict) for name, verdict in results if verdict not in allowed]
    assert not_passed == [], output


@pytest.mark.parametrize("case", cases_for("pytest"))
def test_generated_tests_pass_under_plain_pytest(case: Case, generated: Generated) -> None:
    _test_verdicts(case, generated, "pytest")


@pytest.mark.parametrize("case", cases_for("pytest-package"))
def test_generated_tests_pass_inside_a_package(case: Case, generated: Generated) -> None:
    _test_verdicts(case, generated, "pytest-package")


@pytest.mark.parametrize("case", cases_for("pytest-importlib"))
def test_generated_tests_pass_under_importlib_import_mode(case: Case, generated: Generated) -> None:
    _test_verdicts(case, generated, "pytest-importlib")


def _no_findings(case: Case, generated: Generated, check: str, layouts: tuple[str, ...]) -> None:
    assert generated.findings.get(check, {}).get("<mypy>", []) == []
    found = {
        f"{layout}/{name}": generated.found(check, layout, name)
        for layout in layouts
        for name in generated.files[case.name]
    }
    assert {file: lines for file, lines in found.items() if lines} == {}


@pytest.mark.parametrize("case", cases_for("ruff"))
def test_generated_files_pass_ruff_with_our_rules(case: Case, generated: Generated) -> None:
    _no_findings(case, generated, "ruff", tuple(LAYOUTS))


@pytest.mark.parametrize("case", cases_for("ruff-defaults"))
def test_generated_files_pass_ruff_defaults(case: Case, generated: Generated) -> None:
    _no_findings(case, generated, "ruff-defaults", tuple(LAYOUTS))


@pytest.mark.parametrize("case", cases_for("ruff-format"))
def test_generated_files_are_ruff_formatted(case: Case, generated: Generated) -> None:
    _no_findings(case, generated, "ruff-format", tuple(LAYOUTS))


@pytest.mark.parametrize("case", cases_for("mypy"))
def test_generated_files_pass_mypy_strict(case: Case, generated: Generated) -> None:
    _no_findings(case, generated, "mypy", ("flat",))


@pytest.mark.parametrize("case", cases_for("mypy-package"))
def test_generated_files_pass_mypy_strict_inside_a_package(
    case: Case, generated: Generated
) -> None:
    _no_findings(case, generated, "mypy-package", ("package",))


@per_case
def test_header_command_regenerates_identical_files(
    case: Case, generated: Generated, tmp_path: Path
) -> None:
    source = generated.path("flat", f"{case.module}.py").read_text()
    args = list(header_command(source))
    assert args[:2] == ["distadvisor", "scaffold"]
    out = args.index("--out")
    args[out + 1] = str(tmp_path)
    outcome = run_scaffold(*args[2:])
    assert outcome.exit_code == 0, outcome.stderr
    for name in generated.files[case.name]:
        assert (tmp_path / name).read_text() == generated.path("flat", name).read_text()


def header_lines(source: str) -> list[str]:
    """The comment block a generated file starts with."""
    return list(itertools.takewhile(lambda line: line.startswith("#"), source.splitlines()))


def header_command(source: str) -> Iterator[str]:
    """The command in a generated header, as a user would paste it into a shell."""
    lines = header_lines(source)
    start = next(i for i, line in enumerate(lines) if "distadvisor scaffold" in line)
    shell = "\n".join(line.removeprefix("#").strip() for line in lines[start:])
    yield from shlex.split(shell.replace("\\\n", " "), comments=True)
