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

from collections.abc import Callable
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

    def read_rules(self, raw: list[list[Any]]) -> tuple[rules.Rule, ...]:
        read = _reader(
            rules.Rule,
            when=self.expr,
            value=lambda node: None if node is None else self.expr(node),
            message=lambda parts: Template(
                [p if isinstance(p, str) else self.expr(p) for p in parts]
            ),
            source=lambda where: Location(*where),
        )
        return tuple(read(rule) for rule in raw)


def _reader(record: Any, **fields: Callable[[Any], Any]) -> Callable[[list[Any]], Any]:
    """What reads a `record` from its fields in order: `fields` rebuild the named ones,
    the rest are plain values whose lists were tuples. An entry written for other
    fields is refused, never filled in with defaults."""
    converters = [fields.get(name, _tuples) for name in record._fields]
    size = len(converters)

    def read(raw: list[Any]) -> Any:
        if not isinstance(raw, list) or len(raw) != size:
            raise ValueError(f"not a {record.__name__}")
        return record(*[convert(value) for convert, value in zip(converters, raw, strict=True)])

    return read


def _tuples(value: Any) -> Any:
    return tuple([_tuples(v) for v in value]) if value.__class__ is list else value


def _stores(raw: list[list[Any]]) -> tuple[Store, ...]:
    read_limit = _reader(Limit)

    def limits(items: list[Any]) -> tuple[Limit, ...]:
        return tuple([read_limit(limit) for limit in items])

    read_level = _reader(Level, limits=limits)
    read_store = _reader(
        Store, levels=lambda items: tuple([read_level(i) for i in items]), limits=limits
    )
    return tuple([read_store(store) for store in raw])


def decode(raw: dict[str, Any]) -> rules.RuleSet:
    """The rule set `encode` gave `raw` for; raises on anything malformed."""
    catalogue = Catalogue(_stores(raw["stores"]))
    pairs, places, *rest = raw["network"]
    read_network = _reader(
        NetworkTable,
        pairs=lambda rows: {frozenset(row[:-1]): row[-1] for row in rows},
        places=lambda rows: {name: tuple(place) for name, place in rows},
    )
    network: NetworkTable = read_network([pairs, places, *rest])
    read_figure = _reader(Figure)
    figures = Figures({name: read_figure(f) for name, f in raw["figures"].items()})
    failures: Failures = _reader(Failures)(raw["failures"])
    functions = build_functions(catalogue, network, figures, failures)
    decoder = _Decoder(_types(raw["types"]), functions)
    decoded = decoder.read_rules(raw["rules"])
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
