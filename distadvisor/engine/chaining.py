"""The rule engine: forward chaining over checked rules; it knows no framework.

For each kind of data, fields are concluded in dependency order (so CAP rules see
the consistency chosen, quorum rules the replication...). For each field the rules
that conclude it are tried by priority, then specificity, then id, and the first
whose condition holds decides; its conclusion becomes a fact for the rules after it.
Pattern and finding rules run last, over every subject of their scope, and all that
hold contribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.requirements import Requirements
from ..model.vocabulary import PATTERNS, SEVERITIES
from ..recommendation import (
    Considered,
    EntityAdvice,
    Finding,
    PatternAdvice,
    Reason,
    Recommendation,
    accept_findings,
)
from . import facts as factlib
from .rules import Rule, RuleSet
from .slots import ENTITY_SLOTS


def _conclude(ruleset: RuleSet, subject: factlib.Subject, explain: bool = False) -> EntityAdvice:
    facts = dict(subject.facts)
    reasons: dict[str, Reason] = {}
    considered: list[Considered] = []
    for slot in ruleset.slot_order:
        tried = ruleset.for_slot(slot)
        for i, rule in enumerate(tried):
            if rule.when.evaluate(facts):
                assert rule.value is not None
                facts[f"entity.{slot}"] = rule.value.evaluate(facts)
                reasons[slot] = Reason(rule.id, rule.message.render(facts), slot)
                if explain:
                    considered += _losers(rule, tried[i + 1 :], slot, facts)
                break
    conclusions = {slot: facts[f"entity.{slot}"] for slot in ENTITY_SLOTS}
    because = tuple(reasons[slot] for slot in ruleset.slot_order)
    return EntityAdvice(subject.name, subject.path, conclusions, because, tuple(considered))


def _losers(
    winner: Rule, rest: tuple[Rule, ...], slot: str, facts: dict[str, Any]
) -> list[Considered]:
    """Rules for `slot` whose condition also held, with another conclusion, but that come
    after the winner in the order rules are tried; fallbacks (no condition) are not
    options anyone weighed."""
    chosen = facts[f"entity.{slot}"]
    out = []
    for rule in rest:
        if not rule.when_source or not rule.when.evaluate(facts):
            continue
        assert rule.value is not None
        value = rule.value.evaluate(facts)
        if value == chosen:
            continue
        if rule.priority < winner.priority:
            why = f"priority {rule.priority}, below {winner.id} ({winner.priority})"
        elif rule.when.comparisons() < winner.when.comparisons():
            why = f"same priority as {winner.id}, whose condition is more specific"
        else:
            why = f"same priority and specificity as {winner.id}, which comes first by id"
        text = rule.message.render(facts | {f"entity.{slot}": value})
        out.append(Considered(rule.id, slot, value, text, why))
    return out


def _subject_facts(
    req: Requirements, scope: str, entities: Mapping[str, EntityAdvice]
) -> list[factlib.Subject]:
    subjects = list(factlib.subjects(req, scope))
    if scope != "entity":
        return subjects
    # Pattern and finding rules about data also see what was concluded for it.
    return [
        factlib.Subject(
            s.scope,
            s.name,
            s.path,
            s.facts | factlib.concluded(req, req.data[s.facts["entity.index"]], entities[s.name]),
        )
        for s in subjects
    ]


def _target_path(subject: factlib.Subject, rule: Rule) -> str:
    if not rule.field:
        return subject.path
    return f"{subject.path}.{rule.field}" if subject.path else rule.field


def _finding(rule: Rule, subject: factlib.Subject) -> Finding:
    assert rule.severity is not None
    text = rule.message.render(subject.facts)
    return Finding(rule.severity, rule.id, text, _target_path(subject, rule), title=rule.summary())


def _finding_order(finding: Finding) -> tuple[int, str, str]:
    return (SEVERITIES.index(finding.severity), finding.path, finding.rule)


def advise(
    ruleset: RuleSet,
    req: Requirements,
    scaffolds: Mapping[str, str] | None = None,
    *,
    explain: bool = False,
) -> Recommendation:
    """Run every rule over the requirements; `scaffolds` maps a pattern to its scaffold.
    `explain` also records the options that lost (decision records list them); `check`
    leaves it off, since it costs a condition per remaining rule."""
    entities = {s.name: _conclude(ruleset, s, explain) for s in factlib.subjects(req, "entity")}
    patterns: dict[tuple[str, str], tuple[str, list[Reason]]] = {}
    findings: list[Finding] = []
    for scope in factlib.SCOPES:
        subjects = _subject_facts(req, scope, entities)
        for rule in ruleset.rules:
            if rule.scope != scope or rule.slot or rule.predicted:
                continue
            for subject in subjects:
                if not rule.when.evaluate(subject.facts):
                    continue
                if rule.pattern:
                    reason = Reason(rule.id, rule.message.render(subject.facts))
                    key = (rule.pattern, subject.path or subject.name)
                    patterns.setdefault(key, (subject.name, []))[1].append(reason)
                else:
                    findings.append(_finding(rule, subject))
    # Keyed by path: a kind of data and a transaction may share a name.
    pattern_list = [
        PatternAdvice(name, subject, path, (scaffolds or {}).get(name), tuple(reasons))
        for (name, path), (subject, reasons) in sorted(
            patterns.items(), key=lambda item: (PATTERNS.index(item[0][0]), item[1][0], item[0][1])
        )
    ]
    findings.sort(key=_finding_order)
    recommendation = Recommendation(
        req.system,
        req.description,
        tuple(entities.values()),
        tuple(pattern_list),
        tuple(findings),
    )
    # Findings the file accepts stay in the report, marked, and never fail a build.
    return recommendation.accepting(req.accept)


def predicted_findings(
    ruleset: RuleSet, req: Requirements, rec: Recommendation, predicted: factlib.Predicted
) -> tuple[Finding, ...]:
    """The findings of the rules that read predictions (`prediction.*` facts), over the
    subjects `predicted` covers, each seeing its advice too; accepted ones are marked."""
    entities = {e.name: e for e in rec.entities}
    findings: list[Finding] = []
    for scope in factlib.SCOPES:
        rules = [r for r in ruleset.rules if r.predicted and r.scope == scope]
        figures = predicted.of(scope)
        if not rules or not figures:
            continue
        for subject in _subject_facts(req, scope, entities):
            if subject.name not in figures:
                continue
            seen = subject._replace(facts=subject.facts | figures[subject.name])
            findings += [_finding(r, seen) for r in rules if r.when.evaluate(seen.facts)]
    findings.sort(key=_finding_order)
    return accept_findings(findings, req.accept)
