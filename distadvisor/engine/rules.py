"""Rule files: loading, checking and ordering them.

A rule file holds one framework's rules:

    framework: consistency
    scope: entity      # default scope of its rules: entity | service | transaction | system
    rules:
      - id: consistency.money
        priority: 100
        when: entity.money
        set: {consistency: linearizable}
        message: Money is involved in {entity.name}, ...
        references: ["Kleppmann, DDIA ch. 9"]

A rule concludes a field of a kind of data (`set` a literal of the contract's
vocabulary, or `compute` it with an expression), recommends a `pattern`, or reports
a finding (`severity`, optionally the `field` it is about). Everything is checked
on load: unknown keys, facts, functions, vocabulary values, that every concluded
field has an unconditional fallback, and that no two fields depend on each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, Location, Problem, did_you_mean
from ..model import yamlsource
from ..model.requirements import has_control_characters
from ..model.vocabulary import PATTERNS, SEVERITIES
from . import parsecache
from .availability import Failures, load_failures
from .catalogue import Catalogue, load_catalogue
from .conditions import (
    ConditionError,
    Expr,
    Function,
    Literal,
    Template,
    Type,
    parse_condition,
    parse_expression,
    parse_template,
)
from .facts import PLACEMENT_FACTS, SCOPES, reads_predictions, schema_for
from .figures import FILES as FIGURE_FILES
from .figures import Figures, load_figures
from .functions import build as build_functions
from .network import NetworkTable, load_network
from .slots import ENTITY_SLOTS

RULE_KEYS = (
    "id",
    "scope",
    "priority",
    "when",
    "set",
    "compute",
    "pattern",
    "severity",
    "field",
    "message",
    "references",
    "title",
)
FILE_KEYS = ("framework", "description", "scope", "rules")
# Files in a rules folder that are not rule files.
RESERVED = ("questions.yaml",)
FIXTURE_SUFFIX = ".test.yaml"
_FRAMEWORK = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_RULE_ID = re.compile(r"[a-z][a-z0-9_-]{0,39}\.[a-z0-9][a-z0-9_.-]{0,79}")


class Rule(NamedTuple):
    id: str
    framework: str
    scope: str
    priority: int
    when: Expr
    message: Template
    message_source: str
    references: tuple[str, ...]
    source: Location
    when_source: str  # the condition as written, for `rules show`
    outcome_source: str  # the outcome as written
    slot: str | None = None  # the entity field it concludes
    value: Expr | None = None  # the literal or computed value for that field
    pattern: str | None = None
    severity: str | None = None
    field: str | None = None  # for findings: the field under the subject's path
    title: str = ""  # one plain sentence, without placeholders, naming what it reports
    # It reads `prediction.*` facts: it runs in `distadvisor simulate`, after the advice.
    predicted: bool = False

    @property
    def kind(self) -> str:
        if self.slot:
            return "conclusion"
        return "pattern" if self.pattern else "finding"

    def outcome_text(self) -> str:
        if self.slot:
            return f"{self.slot} = {self.outcome_source}"
        if self.pattern:
            return f"pattern {self.pattern}"
        target = f" on {self.field}" if self.field else ""
        return f"{self.severity} finding{target}"

    def summary(self) -> str:
        """One sentence naming what the rule reports, readable without a system: its
        title, else the message's first sentence with each placeholder as an ellipsis."""
        if self.title:
            return self.title
        head, dot, _ = self.message_source.partition(". ")
        return _PLACEHOLDER.sub("…", head + "." if dot else head)

    def doc(self, marks: tuple[str, str] = ("<", ">")) -> str:
        """The message as documentation: each placeholder shown between `marks` (`<entity.name>`;
        markdown passes backticks), so it reads without a system and holds no template."""
        left, right = marks
        return _PLACEHOLDER.sub(
            lambda m: f"{left}{m.group(0)[1:-1].strip()}{right}", self.message_source
        )

    def needs(self) -> set[str]:
        """Facts that must be known before this rule runs. Its message may mention the
        field it concludes itself: the message is rendered after the conclusion."""
        needs = self.when.facts() | self.message.facts()
        if self.value is not None:
            needs = (needs - {f"entity.{self.slot}"}) | self.value.facts() | self.when.facts()
        return needs

    def sort_key(self) -> tuple[int, int, str]:
        """Higher priority first; then the more specific condition; then the id."""
        return (-self.priority, -self.when.comparisons(), self.id)


class RuleSet(NamedTuple):
    rules: tuple[Rule, ...]
    slot_order: tuple[str, ...]  # entity fields in the order they can be concluded
    catalogue: Catalogue
    network: NetworkTable
    files: tuple[Path, ...]
    # Each field's rules in the order they are tried, sorted once at load: the engine
    # asks for them once per kind of data of every file it checks.
    slot_rules: dict[str, tuple[Rule, ...]]
    figures: Figures
    failures: Failures

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def for_slot(self, slot: str) -> tuple[Rule, ...]:
        return self.slot_rules.get(slot, ())

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def rule_files(folder: Path) -> list[Path]:
    """The rule files of a folder, in name order (fixtures and reserved files excluded)."""
    if not folder.is_dir():
        raise InputError.single(
            "rules folder not found", Location(str(folder)), expected="a folder"
        )
    return sorted(
        p
        for p in folder.glob("*.yaml")
        if not p.name.endswith(FIXTURE_SUFFIX) and p.name not in RESERVED
    )


class _FileLoader:
    def __init__(self, doc: yamlsource.Document, functions: dict[str, Function]) -> None:
        self.doc = doc
        self.functions = functions
        self.problems: list[Problem] = []

    def problem(
        self,
        path: tuple[str | int, ...],
        message: str,
        expected: str = "",
        found: str = "",
        hint: str = "",
    ) -> None:
        self.problems.append(Problem(message, self.doc.locate(path), expected, found, hint))

    def unknown_keys(
        self, raw: dict[str, Any], allowed: Iterable[str], path: tuple[str | int, ...]
    ) -> None:
        allowed = list(allowed)
        for key in raw:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problem(
                    (*path, key),
                    f"unknown key {key!r}",
                    "one of " + ", ".join(allowed),
                    hint=hint,
                )

    def load(self) -> list[Rule]:
        raw = self.doc.data
        if not isinstance(raw, dict):
            self.problem((), "a rule file must be a mapping", "framework, scope, rules")
            return []
        self.unknown_keys(raw, FILE_KEYS, ())
        framework = raw.get("framework")
        if not isinstance(framework, str) or not _FRAMEWORK.fullmatch(framework):
            self.problem(
                ("framework",),
                "missing or malformed 'framework'",
                "a lower-case name such as 'consistency'",
                repr(framework),
            )
            framework = "?"
        scope = raw.get("scope", "entity")
        if scope not in SCOPES:
            self.problem(("scope",), "unknown scope", " | ".join(SCOPES), repr(scope))
            scope = "entity"
        items = raw.get("rules")
        if not isinstance(items, list) or not items:
            self.problem(("rules",), "missing or empty 'rules'", "a list of rules")
            return []
        rules = []
        for i, item in enumerate(items):
            rule = self.rule(item, ("rules", i), framework, scope)
            if rule is not None:
                rules.append(rule)
        return rules

    def expr_problem(self, path: tuple[str | int, ...], rule_id: str, exc: ConditionError) -> None:
        self.problem(path, f"rule '{rule_id}': {exc}")

    def rule(
        self, raw: Any, path: tuple[str | int, ...], framework: str, default_scope: str
    ) -> Rule | None:
        if not isinstance(raw, dict):
            self.problem(path, "a rule must be a mapping")
            return None
        before = len(self.problems)
        self.unknown_keys(raw, RULE_KEYS, path)
        rule_id = raw.get("id")
        if not (
            isinstance(rule_id, str)
            and rule_id.startswith(f"{framework}.")
            and _RULE_ID.fullmatch(rule_id)
        ):
            self.problem(
                (*path, "id"),
                "rule id missing, malformed or not in its framework",
                f"'{framework}.<name>' in lower-case letters, digits, '_', '-' and '.'",
                repr(rule_id),
            )
            rule_id = f"{framework}.?"
        scope = raw.get("scope", default_scope)
        if scope not in SCOPES:
            self.problem((*path, "scope"), f"rule '{rule_id}': unknown scope", " | ".join(SCOPES))
            return None
        schema = schema_for(scope)
        priority = raw.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            self.problem((*path, "priority"), f"rule '{rule_id}': priority must be an integer")
            priority = 0
        when: Expr = Literal(True, Type("bool"))
        if "when" in raw:
            try:
                when = parse_condition(raw["when"], schema, self.functions)
            except ConditionError as exc:
                self.expr_problem((*path, "when"), rule_id, exc)
        message_text = raw.get("message")
        message = Template()
        if not isinstance(message_text, str) or len(message_text.strip()) < 20:
            self.problem(
                (*path, "message"),
                f"rule '{rule_id}': message missing or too short",
                "a sentence that explains the rule (20 characters or more)",
            )
            message_text = ""
        elif has_control_characters(message_text):
            self.problem(
                (*path, "message"),
                f"rule '{rule_id}': message contains control characters",
                "printable text (tabs and newlines allowed)",
            )
        else:
            try:
                message = parse_template(message_text.strip(), schema, self.functions)
            except ConditionError as exc:
                self.expr_problem((*path, "message"), rule_id, exc)
        references = raw.get("references")
        if (
            not isinstance(references, list)
            or not references
            or not all(
                isinstance(r, str) and r.strip() and not has_control_characters(r)
                for r in references
            )
        ):
            self.problem(
                (*path, "references"),
                f"rule '{rule_id}': references missing",
                "a non-empty list of sources, in printable text",
            )
            references = []
        title = raw.get("title", "")
        if not isinstance(title, str) or "{" in title:
            self.problem(
                (*path, "title"),
                f"rule '{rule_id}': title must be plain text",
                "one sentence without {placeholders}",
                repr(title),
            )
            title = ""
        outcome = self.outcome(raw, path, rule_id, scope, schema)
        computed = (outcome or {}).get("value")
        read = when.facts() | message.facts() | (computed.facts() if computed else set())
        predicted = reads_predictions(read)
        if predicted and outcome is not None and "severity" not in outcome:
            self.problem(
                path,
                f"rule '{rule_id}': only findings may read predictions",
                "a severity: predictions are made from the advice, after every "
                "conclusion and pattern",
            )
        placed = read & set(PLACEMENT_FACTS)
        if placed and outcome is not None and "slot" in outcome:
            self.problem(
                path,
                f"rule '{rule_id}': only patterns and findings may read "
                + ", ".join(sorted(placed)),
                "a pattern or a finding: where replicas sit follows from the conclusions",
            )
        if len(self.problems) > before or outcome is None:
            return None
        return Rule(
            id=rule_id,
            framework=framework,
            scope=scope,
            priority=priority,
            when=when,
            message=message,
            message_source=" ".join(message_text.split()),
            references=tuple(references),
            source=self.doc.locate(path),
            when_source=_source_text(raw.get("when", "")),
            outcome_source=_outcome_source(raw),
            title=" ".join(title.split()),
            predicted=predicted,
            **outcome,
        )

    def outcome(
        self,
        raw: dict[str, Any],
        path: tuple[str | int, ...],
        rule_id: str,
        scope: str,
        schema: dict[str, Type],
    ) -> dict[str, Any] | None:
        kinds = [k for k in ("set", "compute", "pattern", "severity") if k in raw]
        if len(kinds) != 1:
            self.problem(
                path,
                f"rule '{rule_id}' must have exactly one outcome",
                "one of set, compute, pattern, severity",
                ", ".join(kinds) if kinds else "none",
            )
            return None
        kind = kinds[0]
        if kind == "pattern":
            if raw["pattern"] not in PATTERNS:
                self.problem(
                    (*path, "pattern"),
                    f"rule '{rule_id}': unknown pattern",
                    " | ".join(PATTERNS),
                    repr(raw["pattern"]),
                )
                return None
            return {"pattern": raw["pattern"]}
        if kind == "severity":
            if raw["severity"] not in SEVERITIES:
                self.problem(
                    (*path, "severity"),
                    f"rule '{rule_id}': unknown severity",
                    " | ".join(SEVERITIES),
                    repr(raw["severity"]),
                )
                return None
            target = raw.get("field")
            if target is not None and not (isinstance(target, str) and target):
                self.problem((*path, "field"), f"rule '{rule_id}': field must be a name")
                return None
            return {"severity": raw["severity"], "field": target}
        if "field" in raw:
            self.problem((*path, "field"), f"rule '{rule_id}': 'field' belongs to findings")
            return None
        if scope != "entity":
            self.problem(
                (*path, kind),
                f"rule '{rule_id}': conclusions are about kinds of data",
                "scope: entity",
                scope,
            )
            return None
        body = raw[kind]
        if not isinstance(body, dict) or len(body) != 1:
            self.problem(
                (*path, kind), f"rule '{rule_id}': '{kind}' takes one field", "{field: value}"
            )
            return None
        ((slot, value),) = body.items()
        if slot not in ENTITY_SLOTS:
            self.problem(
                (*path, kind, slot),
                f"rule '{rule_id}': unknown field '{slot}'",
                " | ".join(ENTITY_SLOTS),
            )
            return None
        wanted = ENTITY_SLOTS[slot]
        if kind == "set":
            if not wanted.choices or value not in wanted.choices:
                expected = (
                    " | ".join(wanted.choices) if wanted.choices else f"compute: {{{slot}: ...}}"
                )
                self.problem(
                    (*path, kind, slot),
                    f"rule '{rule_id}': not a value of '{slot}'",
                    expected,
                    repr(value),
                )
                return None
            return {"slot": slot, "value": Literal(value, wanted)}
        if wanted.choices or not isinstance(value, str):
            self.problem(
                (*path, kind, slot),
                f"rule '{rule_id}': '{slot}' is set from its vocabulary, not computed"
                if wanted.choices
                else f"rule '{rule_id}': compute takes an expression",
            )
            return None
        try:
            expr = parse_expression(value, schema, self.functions)
        except ConditionError as exc:
            self.expr_problem((*path, kind, slot), rule_id, exc)
            return None
        if expr.type.kind != wanted.kind or expr.type.nullable:
            self.problem(
                (*path, kind, slot),
                f"rule '{rule_id}': '{slot}' must be {wanted}",
                found=str(expr.type),
            )
            return None
        return {"slot": slot, "value": expr}


def _slot_order(rules: list[Rule]) -> tuple[list[str], list[Problem]]:
    """Order entity fields so each is concluded after every field its rules read."""
    needs: dict[str, set[str]] = {slot: set() for slot in ENTITY_SLOTS}
    for rule in rules:
        if rule.slot:
            for fact in rule.needs():
                head, _, name = fact.partition(".")
                if head == "entity" and name in ENTITY_SLOTS:
                    needs[rule.slot].add(name)
    order: list[str] = []
    visiting: list[str] = []
    problems: list[Problem] = []

    def visit(slot: str) -> None:
        if slot in order:
            return
        if slot in visiting:
            cycle = [*visiting[visiting.index(slot) :], slot]
            culprits = [r.id for r in rules if r.slot in cycle]
            problems.append(
                Problem(
                    "rules depend on each other in a cycle: " + " -> ".join(cycle),
                    expected="fields concluded in an order",
                    found=", ".join(culprits),
                )
            )
            return
        visiting.append(slot)
        for dep in sorted(needs[slot]):
            visit(dep)
        visiting.pop()
        order.append(slot)

    for slot in ENTITY_SLOTS:
        visit(slot)
    return order, problems


def load(folders: Iterable[Path]) -> RuleSet:
    """Load the rule files of every folder, later folders overriding rules by id.

    The reference data comes from the first folder (the shipped rules).
    """
    folders = list(folders)
    base = folders[0]
    problems: list[Problem] = []
    catalogue = load_catalogue(base / "data" / "datastores.yaml")
    network = load_network(base / "data" / "network.yaml")
    figures = load_figures(base / "data" / name for name in FIGURE_FILES)
    failures = load_failures(base / "data" / "failures.yaml")
    functions = build_functions(catalogue, network, figures, failures)
    by_id: dict[str, Rule] = {}
    files: list[Path] = []
    for folder in folders:
        seen_here: dict[str, Location] = {}
        for path in rule_files(folder):
            files.append(path)
            try:
                doc = parsecache.load(path)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            loader = _FileLoader(doc, functions)
            for rule in loader.load():
                if rule.id in seen_here:
                    problems.append(
                        Problem(
                            f"duplicate rule id '{rule.id}'",
                            rule.source,
                            hint=f"first defined at {seen_here[rule.id]}",
                        )
                    )
                seen_here[rule.id] = rule.source
                by_id[rule.id] = rule  # a later folder overrides by id
            problems.extend(loader.problems)
    rules = list(by_id.values())
    for slot in ENTITY_SLOTS:
        if not any(r.slot == slot and _always(r) for r in rules):
            problems.append(
                Problem(
                    f"no rule always concludes '{slot}'",
                    Location(str(base)),
                    expected=f"a rule with no 'when' that sets '{slot}', as the fallback",
                )
            )
    order, cycle_problems = _slot_order(rules)
    problems.extend(cycle_problems)
    if problems:
        raise InputError(problems)
    slot_rules = {
        slot: tuple(sorted((r for r in rules if r.slot == slot), key=Rule.sort_key))
        for slot in ENTITY_SLOTS
    }
    return RuleSet(
        tuple(rules),
        tuple(order),
        catalogue,
        network,
        tuple(files),
        slot_rules,
        figures,
        failures,
    )


def _source_text(raw: Any) -> str:
    """A condition as written: expression strings as they are, mappings in flow style."""
    if isinstance(raw, str):
        return " ".join(raw.split())
    if isinstance(raw, dict):
        return ", ".join(
            f"{k}: [{_source_text(v)}]" if isinstance(v, list) else f"{k}: {_source_text(v)}"
            for k, v in raw.items()
        )
    if isinstance(raw, list):
        return "; ".join(_source_text(v) for v in raw)
    return str(raw)


def _outcome_source(raw: dict[str, Any]) -> str:
    body = raw.get("set") or raw.get("compute")
    if isinstance(body, dict) and body:
        return _source_text(next(iter(body.values())))
    return ""


def _always(rule: Rule) -> bool:
    return isinstance(rule.when, Literal) and rule.when.value is True
