"""Rule fixtures: requirement snippets with what must and must not follow.

Beside each rule file `<framework>.yaml` sits `<framework>.test.yaml`:

    cases:
      - name: money needs linearizability
        requirements:                 # `version` and `system` may be left out
          data: [{name: balance, money: true}]
        fires: [consistency.money]    # rules that must shape the recommendation
        silent: [consistency.default] # rules that must not
        expect:                       # optional: parts of the JSON that must match
          entities: {balance: {consistency: linearizable}}
          patterns: [{pattern: idempotency-key, for: balance}]
          findings: [{rule: findings.money-last-write-wins, path: "data[0].conflicts"}]

Every rule of the file must appear in some case's `fires` and some case's `silent`,
so each rule is proven both where it fires and where it must not. A case that names a
rule reading predictions (`prediction.*`) is also simulated, by the `predict` the
caller passes (the engine cannot simulate: that layer sits above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, Problem
from ..model import requirements, yamlsource
from ..recommendation import Recommendation
from . import chaining
from .facts import Predicted
from .rules import FIXTURE_SUFFIX, Rule, RuleSet

# What a requirements file and its advice are predicted to do, as facts.
Predictor = Callable[[Recommendation, requirements.Requirements], Predicted]

CASE_KEYS = ("name", "requirements", "fires", "silent", "expect")
EXPECT_KEYS = ("entities", "patterns", "findings")


@dataclass(frozen=True)
class Case:
    name: str
    file: Path
    location: Location
    document: yamlsource.Document  # the requirements, positioned in the fixture file
    fires: tuple[str, ...]
    silent: tuple[str, ...]
    expect: dict[str, Any]


@dataclass
class Outcome:
    case: Case
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _strings(raw: Any) -> tuple[str, ...] | None:
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    return None


def load_cases(path: Path, ruleset: RuleSet) -> list[Case]:
    """Parse a fixture file; a malformed one is an InputError naming file and case."""
    doc = yamlsource.load(str(path))
    problems: list[Problem] = []
    cases: list[Case] = []
    raw_cases = doc.data.get("cases") if isinstance(doc.data, dict) else None
    if not isinstance(raw_cases, list) or not raw_cases:
        raise InputError.single("a fixture file needs a non-empty 'cases' list", doc.locate(()))
    for i, raw in enumerate(raw_cases):
        at: tuple[str | int, ...] = ("cases", i)
        if not isinstance(raw, dict):
            problems.append(Problem("a case must be a mapping", doc.locate(at)))
            continue
        for key in raw:
            if key not in CASE_KEYS:
                problems.append(
                    Problem(
                        f"unknown key {key!r}",
                        doc.locate((*at, key)),
                        "one of " + ", ".join(CASE_KEYS),
                    )
                )
        name = raw.get("name")
        fires = _strings(raw.get("fires", []))
        silent = _strings(raw.get("silent", []))
        expect = raw.get("expect", {})
        reqs = raw.get("requirements")
        if not isinstance(name, str) or not name:
            problems.append(Problem("a case needs a 'name'", doc.locate(at)))
        if fires is None or silent is None:
            problems.append(Problem("'fires' and 'silent' are lists of rule ids", doc.locate(at)))
            continue
        for rule_id in fires + silent:
            if ruleset.by_id(rule_id) is None:
                problems.append(Problem(f"case names unknown rule '{rule_id}'", doc.locate(at)))
        if not _valid_expect(expect):
            problems.append(
                Problem(
                    "malformed 'expect'",
                    doc.locate((*at, "expect")),
                    "entities: {name: {field: value}}, patterns: [{...}], findings: [{...}]",
                )
            )
            continue
        if not isinstance(reqs, dict):
            problems.append(Problem("a case needs 'requirements' (a mapping)", doc.locate(at)))
            continue
        data = {"version": 1, "system": "fixture"} | reqs
        prefix = (*at, "requirements")
        marks = {k[len(prefix) :]: v for k, v in doc.marks.items() if k[: len(prefix)] == prefix}
        sub = yamlsource.Document(data, doc.source, marks)
        try:  # a case whose requirements are invalid is a broken fixture, not a failure
            requirements.from_document(sub)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        cases.append(Case(str(name), path, doc.locate(at), sub, fires, silent, expect))
    if problems:
        raise InputError(problems)
    return cases


def _valid_expect(expect: Any) -> bool:
    if not isinstance(expect, dict) or any(k not in EXPECT_KEYS for k in expect):
        return False
    entities = expect.get("entities", {})
    if not isinstance(entities, dict) or not all(isinstance(v, dict) for v in entities.values()):
        return False
    return all(
        isinstance(expect.get(kind, []), list)
        and all(isinstance(item, dict) for item in expect.get(kind, []))
        for kind in ("patterns", "findings")
    )


def _contributors(rec: Recommendation) -> set[str]:
    ids = {r.rule for e in rec.entities for r in e.because}
    ids |= {r.rule for p in rec.patterns for r in p.because}
    ids |= {f.rule for f in rec.findings}
    return ids


def _matches(actual: Any, expected: Any) -> bool:
    """Partial match: every key expected is present with a matching value."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _matches(actual[k], v) for k, v in expected.items()
        )
    return bool(actual == expected)


def run_case(case: Case, ruleset: RuleSet, predict: Predictor | None = None) -> Outcome:
    outcome = Outcome(case)
    req = requirements.from_document(case.document)
    rec = chaining.advise(ruleset, req)
    named = [ruleset.by_id(rule_id) for rule_id in case.fires + case.silent]
    predicted = any(rule is not None and rule.predicted for rule in named)
    if predicted and predict is not None:
        found = chaining.predicted_findings(ruleset, req, rec, predict(rec, req))
        rec = rec._replace(findings=rec.findings + found)
    produced = rec.to_dict()
    fired = _contributors(rec)
    for rule_id in case.fires:
        if rule_id not in fired:
            rule = ruleset.by_id(rule_id)
            unmade = predict is None and rule is not None and rule.predicted
            why = "; it reads predictions, which this run does not make" if unmade else ""
            outcome.failures.append(f"expected {rule_id} to fire; it did not{why}")
    for rule_id in case.silent:
        if rule_id in fired:
            outcome.failures.append(f"expected {rule_id} to stay silent; it fired")
    for name, fields in case.expect.get("entities", {}).items():
        if not _matches(produced["entities"].get(name), fields):
            got = {k: v for k, v in produced["entities"].get(name, {}).items() if k != "because"}
            outcome.failures.append(f"entity {name}: expected {fields}, got {got}")
    for kind in ("patterns", "findings"):
        for wanted in case.expect.get(kind, []):
            if not any(_matches(item, wanted) for item in produced[kind]):
                outcome.failures.append(f"no {kind[:-1]} matching {wanted}")
    return outcome


def uncovered(cases: list[Case], ruleset: RuleSet, framework: str) -> list[str]:
    """Rules of a framework missing a case where they fire or one where they stay silent."""
    fires = {r for c in cases for r in c.fires}
    silent = {r for c in cases for r in c.silent}
    gaps = []
    for rule in ruleset.rules:
        if rule.framework != framework:
            continue
        if rule.id not in fires:
            gaps.append(f"{rule.id} has no case where it fires")
        if rule.id not in silent and not _cannot_be_silent(rule, ruleset):
            gaps.append(f"{rule.id} has no case where it stays silent")
    return gaps


def _cannot_be_silent(rule: Rule, ruleset: RuleSet) -> bool:
    """The only rule concluding a field, unconditionally, fires on every document."""
    if rule.slot is None or rule.when.facts():
        return False
    return len(ruleset.for_slot(rule.slot)) == 1


@dataclass
class FileReport:
    path: Path
    outcomes: list[Outcome]
    gaps: list[str]

    @property
    def passed(self) -> bool:
        return not self.gaps and all(o.passed for o in self.outcomes)


def run_folder(
    folder: Path, ruleset: RuleSet, predict: Predictor | None = None
) -> Iterator[FileReport]:
    """Run every fixture file of a folder; each rule file must have one. `predict`
    simulates the cases that name a rule reading predictions."""
    for rule_file in sorted(folder.glob("*.yaml")):
        if rule_file.name.endswith(FIXTURE_SUFFIX) or rule_file not in ruleset.files:
            continue
        fixture = rule_file.with_name(rule_file.name[: -len(".yaml")] + FIXTURE_SUFFIX)
        framework = next(
            (r.framework for r in ruleset.rules if r.source.file == str(rule_file)), None
        )
        if not fixture.exists():
            yield FileReport(fixture, [], [f"{rule_file.name} has no fixture file"])
            continue
        cases = load_cases(fixture, ruleset)
        outcomes = [run_case(c, ruleset, predict) for c in cases]
        gaps = uncovered(cases, ruleset, framework) if framework else []
        yield FileReport(fixture, outcomes, gaps)
