"""Checking many requirements files in one run, as CI does: find them, advise each, sum up.

The rules load once for the run. Each file is read, validated and advised on its own,
so a bad file is reported with its located problems while the others are still
checked. Directories and globs take only the YAML files that look like requirements
files (a top-level `version:` key beside `system:` or `data:`), so a repository's
other YAML (CI configs, docker-compose files, rule fixtures) is left alone; files
named one by one are always checked, unless `only_requirements` asks to filter them
too (a pre-commit hook passes every staged YAML file).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from .engine import chaining
from .engine.rules import Rule, RuleSet
from .engine.selection import Selection
from .errors import InputError, Location, Problem, did_you_mean
from .model import requirements, yamlsource
from .model.vocabulary import SEVERITIES
from .model.yamlsource import PathKey
from .recommendation import Finding, Recommendation

YAML_SUFFIXES = (".yaml", ".yml")
_SNIFF_BYTES = 65_536
# A key at the start of a line, or after `{` or `,` in a flow mapping; quoted or not.
_KEY = r"(?:^|[{{,])\s*[\"']?(?:{names})[\"']?\s*:"
_VERSION_KEY = re.compile(_KEY.format(names="version"), re.M)
_MODEL_KEY = re.compile(_KEY.format(names="system|data"), re.M)
_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def looks_like_requirements(path: Path) -> bool:
    """A regular file with `version:` and `system:` or `data:` keys (cheap: no parsing).

    Keys may be quoted or in a flow mapping, and a byte-order mark may lead; only the
    file's head is read, and devices or FIFOs are never opened.
    """
    try:
        return _sniff(path)
    except OSError:
        return False


def _sniff(path: Path) -> bool:
    """looks_like_requirements, letting an error reading the file through."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    return bool(_VERSION_KEY.search(head) and _MODEL_KEY.search(head))


def _unreadable(path: str, error: OSError) -> Problem:
    """A file or folder that cannot be read: reported, never skipped in silence."""
    return Problem(f"cannot read: {error.strerror or error}", Location(path))


def _folder(folder: Path) -> tuple[list[str], list[Problem]]:
    """The requirements files below a folder, and the files or folders it cannot read."""
    unlisted: list[Problem] = []
    found, problems = _requirements_among(
        _walk(folder, lambda e: unlisted.append(_unreadable(str(e.filename), e)))
    )
    return found, unlisted + problems


def _requirements_among(files: Iterable[Path]) -> tuple[list[str], list[Problem]]:
    """The files that look like requirements files, and those that cannot be read."""
    found: list[str] = []
    problems: list[Problem] = []
    for file in files:
        try:
            if _sniff(file):
                found.append(str(file))
        except OSError as error:
            problems.append(_unreadable(str(file), error))
    return found, problems


def _target_problem(target: str) -> Problem | None:
    """Why a target names nothing that can be looked at (empty, too long, unreadable)."""
    if not target:
        return Problem("empty path", Location("''"), "a file, folder or glob")
    try:
        os.lstat(target)
    except FileNotFoundError:
        return None  # a glob, or a file reported as not found when read
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return Problem(f"cannot read: {reason}", Location(target[:200]))
    return None


def path_key(path: str) -> PathKey:
    """`data[0].conflicts` -> `("data", 0, "conflicts")`, the inverse of format_path."""
    return tuple(name if name else int(index) for name, index in _PATH_PART.findall(path))


def _walk(folder: Path, onerror: Callable[[OSError], None]) -> Iterator[Path]:
    """YAML files below a folder, in name order, skipping hidden folders (.git, .venv);
    `onerror` hears of each folder that cannot be listed."""
    for root, dirs, files in os.walk(folder, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(root) / name


def discover(
    targets: Sequence[str], *, only_requirements: bool = False
) -> tuple[list[str], list[Problem]]:
    """The files to check, in order and once each, and the targets that named none."""
    files: list[str] = []
    problems: list[Problem] = []
    for target in targets:
        problem = _target_problem(target)
        if problem is not None:
            problems.append(problem)
            continue
        path = Path(target)
        if path.is_dir():
            found, unreadable = _folder(path)
            problems.extend(unreadable)
            what = "no requirements files in this folder"
        elif not path.exists() and any(c in target for c in "*?["):
            yaml_files = [m for m in _glob(target) if m.name.endswith(YAML_SUFFIXES)]
            found, unreadable = _requirements_among(yaml_files)
            problems.extend(unreadable)
            what = "no requirements files match this pattern"
        else:
            if not (only_requirements and path.is_file() and not looks_like_requirements(path)):
                files.append(target)
            continue
        if not found and not unreadable:
            problems.append(
                Problem(what, Location(target), "YAML files with a top-level 'version:' key")
            )
        files.extend(found)
    # Once each, however it was named (relative, absolute, through a link).
    unique: dict[str, str] = {}
    for file in files:  # realpath, unlike Path.resolve, does not raise on a symlink loop
        unique.setdefault(os.path.realpath(file), file)
    return list(unique.values()), problems


def _glob(pattern: str) -> list[Path]:
    """Matches of a glob, `**` included, in name order. pathlib's `**` does not descend
    into linked folders, so a symlink loop cannot make it run forever."""
    path = Path(pattern)
    base = Path(path.anchor) if path.is_absolute() else Path()
    relative = str(path.relative_to(base)) if path.is_absolute() else pattern
    return sorted(base.glob(relative))


class FileResult(NamedTuple):
    """One file: its recommendation (suppressions applied), or why it is bad input."""

    file: str
    document: yamlsource.Document | None
    recommendation: Recommendation | None
    problems: tuple[Problem, ...] = ()
    requirements: requirements.Requirements | None = None

    @property
    def bad(self) -> bool:
        return self.recommendation is None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.recommendation.findings if self.recommendation else ()

    def failing(self, fail_on: str) -> list[Finding]:
        """Findings at or above `fail_on`; accepted ones never fail."""
        return self.recommendation.failing(fail_on) if self.recommendation else []

    def locate(self, finding: Finding) -> Location:
        """Where the finding's field is in the file (its nearest written ancestor)."""
        if self.document is None:
            return Location(self.file, path=finding.path)
        return self.document.locate(path_key(finding.path))

    def status(self, fail_on: str) -> str:
        if self.bad:
            return "bad-input"
        return "failed" if self.failing(fail_on) else "passed"


class Report(NamedTuple):
    results: tuple[FileResult, ...]
    rules: tuple[Rule, ...]  # the finding rules that ran over every file (no prediction)
    fail_on: str

    @property
    def exit_code(self) -> int:
        """Contract §3: 2 when any file is bad input, else 1 when any finding fails."""
        if any(r.bad for r in self.results):
            return 2
        return 1 if any(r.failing(self.fail_on) for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        statuses = [r.status(self.fail_on) for r in self.results]
        findings = {key: 0 for key in (*SEVERITIES, "suppressed")}
        for result in self.results:
            if result.recommendation is not None:
                for key, count in result.recommendation.counts().items():
                    findings[key] += count
        return {
            "files": len(self.results),
            "passed": statuses.count("passed"),
            "failed": statuses.count("failed"),
            "bad_input": statuses.count("bad-input"),
            **findings,
        }


def _check_accepted_rules(
    req: requirements.Requirements, doc: yamlsource.Document, finding_ids: Sequence[str]
) -> None:
    """An accepted rule must be a finding rule of this run: a typo must not pass silently."""
    problems = []
    for i, accepted in enumerate(req.accept):
        if accepted.rule not in finding_ids:
            hint = did_you_mean(accepted.rule, finding_ids)
            problems.append(
                Problem(
                    f"no finding rule '{accepted.rule}'",
                    doc.locate(("accept", i, "rule")),
                    "the id of a rule that reports findings (distadvisor rules list)",
                    hint=hint,
                )
            )
    if problems:
        raise InputError(problems)


def check_file(
    file: str,
    ruleset: RuleSet,
    scaffolds: Mapping[str, str] | None = None,
    finding_ids: Sequence[str] | None = None,
    selection: Selection | None = None,
    explain: bool = False,
) -> FileResult:
    """Validate and advise one file; bad input becomes a result, never an exception.

    `advise` runs one file through here too, so both commands accept the same files
    and refuse the same mistakes (an accepted rule that does not exist, say)."""
    ids = finding_ids if finding_ids is not None else [r.id for r in ruleset.of_kind("finding")]
    doc = None
    try:
        doc = yamlsource.load(file)
        req = requirements.from_document(doc)
        _check_accepted_rules(req, doc, ids)
    except InputError as error:
        return FileResult(file, doc, None, tuple(error.problems))
    rec = chaining.advise(ruleset, req, scaffolds, explain=explain)
    if selection is not None:
        rec = rec._replace(findings=tuple(f for f in rec.findings if selection.keeps(f.rule)))
    return FileResult(file, doc, rec, (), req)


def check(
    targets: Sequence[str],
    ruleset: RuleSet,
    *,
    fail_on: str = "error",
    scaffolds: Mapping[str, str] | None = None,
    only_requirements: bool = False,
    selection: Selection | None = None,
    keep: Callable[[list[str]], list[str]] | None = None,
) -> Report:
    """Check every file the targets name, with one rule set.

    `keep` filters the files found in folders and globs (ignored and excluded files);
    a file named as a target is always checked. `selection` says which finding rules
    report; an accepted rule outside it is still a rule, not a typo."""
    files, missing = discover(targets, only_requirements=only_requirements)
    if keep is not None:
        named = set(targets)
        found = set(keep([f for f in files if f not in named]))
        files = [f for f in files if f in named or f in found]
    ids = [r.id for r in ruleset.of_kind("finding")]  # what `accept:` may name
    # The rules that run here: those reading predictions run in `simulate` only.
    finding_rules = tuple(r for r in ruleset.of_kind("finding") if not r.predicted)
    results = [FileResult(p.location.file, None, None, (p,)) for p in missing]
    results += [check_file(f, ruleset, scaffolds, ids, selection) for f in files]
    if selection is not None:
        finding_rules = tuple(r for r in finding_rules if selection.keeps(r.id))
    return Report(tuple(results), finding_rules, fail_on)
