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
_RULE_INDEX = {name: i for i, name in enumerate(rules.Rule._fields)}
_EXPR_FIELDS = ("when", "value")  # the rule's checked expressions; `message` is a template


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
    """Every field in order; records and tuples become lists as JSON has them."""
    fields: list[Any] = list(rule)
    for name in _EXPR_FIELDS:
        node = getattr(rule, name)
        fields[_RULE_INDEX[name]] = None if node is None else _expr(node, types)
    fields[_RULE_INDEX["message"]] = _template(rule.message, types)
    return fields


def encode(ruleset: rules.RuleSet) -> dict[str, Any]:
    """The rule set as JSON values; `decode` rebuilds an equal one. The reference data
    are records of plain values, which JSON writes as lists in field order."""
    types = _Types()
    position = {id(rule): i for i, rule in enumerate(ruleset.rules)}
    pairs, places, *rest = ruleset.network
    return {
        "rules": [_rule(rule, types) for rule in ruleset.rules],
        "types": types.table,
        "slot_order": ruleset.slot_order,
        "slot_rules": {
            slot: [position[id(rule)] for rule in chosen]
            for slot, chosen in ruleset.slot_rules.items()
        },
        "files": [str(path) for path in ruleset.files],
        "stores": ruleset.catalogue.stores,
        "network": [
            [[*sorted(pair), ms] for pair, ms in pairs.items()],
            list(places.items()),
            *rest,
        ],
        "figures": ruleset.figures.by_name,
        "failures": ruleset.failures,
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
        _exact(rules.Rule, raw)
        fields = [_tuples(value) for value in raw]
        for name in _EXPR_FIELDS:
            node = raw[_RULE_INDEX[name]]
            fields[_RULE_INDEX[name]] = None if node is None else self.expr(node)
        message = raw[_RULE_INDEX["message"]]
        fields[_RULE_INDEX["message"]] = Template(
            [p if isinstance(p, str) else self.expr(p) for p in message]
        )
        fields[_RULE_INDEX["source"]] = Location(*raw[_RULE_INDEX["source"]])
        return rules.Rule(*fields)


def _exact(record: Any, raw: list[Any]) -> None:
    """An entry written for other fields is refused, never filled in with defaults."""
    if not isinstance(raw, list) or len(raw) != len(record._fields):
        raise ValueError(f"not a {record.__name__}")


def _tuples(value: Any) -> Any:
    """JSON's lists as the tuples the records hold."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _limits(raw: list[Any]) -> tuple[Limit, ...]:
    for limit in raw:
        _exact(Limit, limit)
    return tuple(Limit(*_tuples(limit)) for limit in raw)


def _level(raw: list[Any]) -> Level:
    _exact(Level, raw)
    level = Level(*_tuples(raw))
    return level._replace(limits=_limits(raw[Level._fields.index("limits")]))


def _store(raw: list[Any]) -> Store:
    _exact(Store, raw)
    store = Store(*_tuples(raw))
    return store._replace(
        levels=tuple(_level(level) for level in raw[Store._fields.index("levels")]),
        limits=_limits(raw[Store._fields.index("limits")]),
    )


def decode(raw: dict[str, Any]) -> rules.RuleSet:
    """The rule set `encode` gave `raw` for; raises on anything malformed."""
    catalogue = Catalogue(tuple(_store(store) for store in raw["stores"]))
    pairs, places, *rest = raw["network"]
    network_fields = [
        {frozenset(pair[:-1]): pair[-1] for pair in pairs},
        {name: tuple(place) for name, place in places},
        *rest,
    ]
    _exact(NetworkTable, network_fields)
    network = NetworkTable(*network_fields)
    for figure in raw["figures"].values():
        _exact(Figure, figure)
    figures = Figures({name: Figure(*_tuples(f)) for name, f in raw["figures"].items()})
    _exact(Failures, raw["failures"])
    failures = Failures(*raw["failures"])
    functions = build_functions(catalogue, network, figures, failures)
    decoder = _Decoder(_types(raw["types"]), functions)
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
