"""A cache of the shipped rule set, checked: what `advise` would otherwise rebuild per run.

Parsing the YAML is only part of loading the rules: every condition and message is
also tokenised, parsed and type-checked, and the reference data checked, each run.
The shipped rules cannot change without their files changing, so the checked result
is stored once as plain JSON (never pickle: the file lives in the user's cache
folder, and reading it must not run code) and rebuilt from it.

An entry (parsecache.derived) is keyed by the bytes of every file the rule set is
made from: the rule files, the reference data and the engine's own code. Any doubt —
a missing, stale, corrupt, tampered or unreadable entry — means loading the rules as
usual; writing is atomic and its failures are silent. A user's own rule folders are
never cached: they are checked afresh and their errors reported as ever.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from . import parsecache, rules
from .availability import Failures
from .catalogue import Catalogue, Level, Limit, Store
from .conditions import (
    Binary,
    Call,
    Expr,
    Fact,
    Function,
    ListExpr,
    Literal,
    Logic,
    Not,
    Template,
    Type,
)
from .figures import FILES as FIGURE_FILES
from .figures import Figure, Figures
from .functions import build as build_functions
from .network import NetworkTable

FORMAT = 1
DATA_FILES = ("datastores.yaml", "network.yaml", *FIGURE_FILES, "failures.yaml")
_CODE = Path(__file__).resolve().parent.parent  # the package: engine/ and model/ decide
_CODE_FOLDERS = ("engine", "model")


def load(base: Path) -> rules.RuleSet:
    """The rule set of the shipped folder `base`, as rules.load([base]) gives it."""
    try:
        inputs = [
            *rules.rule_files(base),
            *(base / "data" / name for name in DATA_FILES),
            *sorted(p for sub in _CODE_FOLDERS for p in (_CODE / sub).glob("*.py")),
            _CODE / "errors.py",
        ]
    except InputError:
        return rules.load([base])  # no such folder: loading reports it as usual
    # One entry per folder (locations name it): a new version replaces the old.
    name = f"ruleset-{FORMAT}-{parsecache.digest(str(base).encode())}"
    return parsecache.derived(name, inputs, lambda: rules.load([base]), encode, decode)


# --- encoding: the rule set as JSON values ----------------------------------------------


class _Types:
    """Types numbered once each: a fact's type, with its vocabulary, recurs in many rules."""

    def __init__(self) -> None:
        self.index: dict[Type, int] = {}
        self.table: list[list[Any]] = []

    def ref(self, kind: Type) -> int:
        found = self.index.get(kind)
        if found is None:
            fields = [[name, self.ref(sub)] for name, sub in kind.fields]
            found = self.index[kind] = len(self.table)
            self.table.append([kind.kind, list(kind.choices), kind.nullable, fields])
        return found


def _expr(node: Expr, types: _Types) -> list[Any]:
    kind = types.ref(node.type)
    if isinstance(node, Literal):
        return ["literal", kind, node.value]
    if isinstance(node, Fact):
        return ["fact", kind, node.root, list(node.keys)]
    if isinstance(node, Call):
        return ["call", kind, node.name, [_expr(a, types) for a in node.args]]
    if isinstance(node, ListExpr):
        return ["list", kind, [_expr(i, types) for i in node.items]]
    if isinstance(node, Not):
        return ["not", kind, _expr(node.operand, types)]
    if isinstance(node, Logic):
        return ["logic", kind, node.op, [_expr(o, types) for o in node.operands]]
    if isinstance(node, Binary):
        return ["binary", kind, node.op, _expr(node.left, types), _expr(node.right, types)]
    raise TypeError(f"no encoding for {type(node).__name__}")


def _template(template: Template, types: _Types) -> list[Any]:
    return [part if isinstance(part, str) else _expr(part, types) for part in template.parts]


def _rule(rule: rules.Rule, types: _Types) -> list[Any]:
    return [
        rule.id,
        rule.framework,
        rule.scope,
        rule.priority,
        _expr(rule.when, types),
        _template(rule.message, types),
        rule.message_source,
        list(rule.references),
        list(rule.source),
        rule.when_source,
        rule.outcome_source,
        rule.slot,
        None if rule.value is None else _expr(rule.value, types),
        rule.pattern,
        rule.severity,
        rule.field,
        rule.title,
    ]


def _limit(limit: Limit) -> list[Any]:
    value = limit.value
    if isinstance(value, tuple):  # region sets: tuples of region names
        value = [list(names) for names in value]
    return [limit.kind, value, limit.note, limit.source, limit.unknown_excludes]


def _store(store: Store) -> list[Any]:
    levels = [
        [
            level.name,
            level.consistency,
            level.pacelc,
            list(level.replication),
            list(level.conflicts),
            list(level.deployments),
            level.transactions,
            [_limit(x) for x in level.limits],
            list(level.sources),
        ]
        for level in store.levels
    ]
    return [
        store.name,
        store.tier,
        store.scale,
        store.pacelc,
        list(store.access),
        list(store.partitioning),
        [list(pair) for pair in store.isolation],
        levels,
        [_limit(x) for x in store.limits],
        list(store.sources),
    ]


def encode(ruleset: rules.RuleSet) -> dict[str, Any]:
    """The rule set as JSON values; `decode` rebuilds an equal one."""
    types = _Types()
    position = {id(rule): i for i, rule in enumerate(ruleset.rules)}
    network = ruleset.network
    return {
        "rules": [_rule(rule, types) for rule in ruleset.rules],
        "types": types.table,
        "slot_order": list(ruleset.slot_order),
        "slot_rules": {
            slot: [position[id(rule)] for rule in chosen]
            for slot, chosen in ruleset.slot_rules.items()
        },
        "files": [str(path) for path in ruleset.files],
        "stores": [_store(store) for store in ruleset.catalogue.stores],
        "network": [
            [[*sorted(pair), ms] for pair, ms in network.pairs.items()],
            [[name, *place] for name, place in network.places.items()],
            network.fibre_km_per_ms,
            network.route_factor,
            network.source,
        ],
        "figures": [
            [name, f.value, f.unit, f.meaning, list(f.sources)]
            for name, f in ruleset.figures.by_name.items()
        ],
        "failures": list(ruleset.failures),
    }


# --- decoding ---------------------------------------------------------------------------


def _types(table: list[list[Any]]) -> list[Type]:
    built: list[Type] = []
    for kind, choices, nullable, fields in table:  # a type's fields come before it
        built.append(
            Type(
                str(kind),
                tuple(choices),
                bool(nullable),
                tuple((str(name), built[ref]) for name, ref in fields),
            )
        )
    return built


class _Decoder:
    def __init__(self, types: list[Type], functions: dict[str, Function]) -> None:
        self.types = types
        self.functions = functions

    def expr(self, raw: list[Any]) -> Expr:
        tag, kind = raw[0], self.types[raw[1]]
        if tag == "literal":
            return Literal(raw[2], kind)
        if tag == "fact":
            return Fact(raw[2], tuple(raw[3]), kind)
        if tag == "call":
            return Call(raw[2], self.functions[raw[2]], [self.expr(a) for a in raw[3]], kind)
        if tag == "list":
            return ListExpr([self.expr(i) for i in raw[2]], kind)
        if tag == "not":
            return Not(self.expr(raw[2]), kind)
        if tag == "logic":
            return Logic(raw[2], [self.expr(o) for o in raw[3]], kind)
        if tag == "binary":
            return Binary(raw[2], self.expr(raw[3]), self.expr(raw[4]), kind)
        raise ValueError(f"unknown node {tag!r}")

    def rule(self, raw: list[Any]) -> rules.Rule:
        (
            rule_id,
            framework,
            scope,
            priority,
            when,
            message,
            message_source,
            references,
            source,
            when_source,
            outcome_source,
            slot,
            value,
            pattern,
            severity,
            field,
            title,
        ) = raw
        return rules.Rule(
            id=rule_id,
            framework=framework,
            scope=scope,
            priority=priority,
            when=self.expr(when),
            message=Template([p if isinstance(p, str) else self.expr(p) for p in message]),
            message_source=message_source,
            references=tuple(references),
            source=Location(*source),
            when_source=when_source,
            outcome_source=outcome_source,
            slot=slot,
            value=None if value is None else self.expr(value),
            pattern=pattern,
            severity=severity,
            field=field,
            title=title,
        )


def _limits(raw: list[list[Any]]) -> tuple[Limit, ...]:
    return tuple(
        Limit(
            kind,
            tuple(tuple(s) for s in value) if isinstance(value, list) else value,
            note,
            source,
            unknown,
        )
        for kind, value, note, source, unknown in raw
    )


def _stores(raw: list[list[Any]]) -> tuple[Store, ...]:
    return tuple(
        Store(
            name,
            tier,
            scale,
            pacelc,
            tuple(access),
            tuple(partitioning),
            tuple((level, setting) for level, setting in isolation),
            tuple(
                Level(
                    lname,
                    consistency,
                    lpacelc,
                    tuple(replication),
                    tuple(conflicts),
                    tuple(deployments),
                    transactions,
                    _limits(llimits),
                    tuple(lsources),
                )
                for (
                    lname,
                    consistency,
                    lpacelc,
                    replication,
                    conflicts,
                    deployments,
                    transactions,
                    llimits,
                    lsources,
                ) in levels
            ),
            _limits(limits),
            tuple(sources),
        )
        for (
            name,
            tier,
            scale,
            pacelc,
            access,
            partitioning,
            isolation,
            levels,
            limits,
            sources,
        ) in raw
    )


def decode(raw: dict[str, Any]) -> rules.RuleSet:
    """The rule set `encode` gave `raw` for; raises on anything malformed."""
    catalogue = Catalogue(_stores(raw["stores"]))
    pairs, places, fibre, route, source = raw["network"]
    network = NetworkTable(
        {frozenset(pair[:-1]): float(pair[-1]) for pair in pairs},
        {name: (float(lat), float(lon)) for name, lat, lon in places},
        float(fibre),
        float(route),
        str(source),
    )
    figures = Figures(
        {
            name: Figure(value, unit, meaning, tuple(sources))
            for name, value, unit, meaning, sources in raw["figures"]
        }
    )
    failures = Failures(*raw["failures"])
    decoder = _Decoder(_types(raw["types"]), build_functions(catalogue, network, figures, failures))
    decoded = tuple(decoder.rule(r) for r in raw["rules"])
    return rules.RuleSet(
        decoded,
        tuple(raw["slot_order"]),
        catalogue,
        network,
        tuple(Path(p) for p in raw["files"]),
        {slot: tuple(decoded[i] for i in chosen) for slot, chosen in raw["slot_rules"].items()},
        figures,
        failures,
    )
