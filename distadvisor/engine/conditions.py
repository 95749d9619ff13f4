"""The condition language of the rules: parsed, type-checked on load, never `eval`.

A condition is either an expression string or a YAML mapping `all: [...]`,
`any: [...]` or `not: ...` over conditions. Expressions read facts by dotted path
(`entity.money`, `availability.target`), compare them with literals, do arithmetic
and call a small set of named pure functions:

    entity.stale_reads == 'bounded' and entity.max_staleness_s <= 5
    entity.read_write_ratio >= 10 or workload.reads_per_sec / workload.writes_per_sec >= 10
    round_trip_ms(deployment.region_names, deployment.region_count) > latency_budget_ms.write

Strings are quoted. Missing optional numbers are `null`: arithmetic on null gives
null, ordering comparisons with null are false, and division by zero gives null, so
a checked condition evaluates on every valid document without raising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..errors import did_you_mean

# --- types ---------------------------------------------------------------------------


class Type(NamedTuple):
    """The static type of a fact or expression."""

    kind: str  # bool | number | string | list | object
    choices: tuple[str, ...] = ()  # the vocabulary of an enumerated string
    nullable: bool = False
    fields: tuple[tuple[str, Type], ...] = ()  # for objects

    def __str__(self) -> str:
        text = self.kind
        if self.choices:
            text += " (" + " | ".join(self.choices) + ")"
        return text + (" or null" if self.nullable else "")


BOOL = Type("bool")
NUMBER = Type("number")
STRING = Type("string")
LIST = Type("list")


class Function(NamedTuple):
    """A pure function rules may call by name, with its signature for checking."""

    params: tuple[Type, ...]
    returns: Type
    impl: Callable[..., Any]
    doc: str


class ConditionError(Exception):
    """A condition that does not parse or does not type-check."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message if column is None else f"{message} (at column {column})")


# --- lexing --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<string>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)"
    r")"
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}

# Bounds for rule files from elsewhere (a shared policy folder): generous for any real
# rule (the shipped ones use at most ~40 tokens), small enough that no expression can
# exhaust the parser's recursion or build numbers too large to print.
MAX_TOKENS = 200
MAX_NESTING = 20
MAX_NUMBER_DIGITS = 15
MAX_STRING = 200


class _Token(NamedTuple):
    kind: str
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ConditionError(f"unexpected character {text[column - 1]!r}", column)
        kind = match.lastgroup or ""
        value = match.group(kind)
        column = match.start(kind) + 1
        if kind == "name" and value in _KEYWORDS:
            kind = "keyword"
        tokens.append(_Token(kind, value, column))
        if len(tokens) > MAX_TOKENS:
            raise ConditionError(f"expression too long: more than {MAX_TOKENS} terms", column)
        if kind == "number" and len(value.replace(".", "")) > MAX_NUMBER_DIGITS:
            raise ConditionError(f"number longer than {MAX_NUMBER_DIGITS} digits", column)
        if kind == "string" and len(value) > MAX_STRING + 2:
            raise ConditionError(f"string longer than {MAX_STRING} characters", column)
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# --- syntax tree ---------------------------------------------------------------------


Evaluator = Callable[[Mapping[str, Any]], Any]


class Expr:
    """A checked expression node. Evaluation runs a tree of closures built once from
    the nodes (`compile`), not a walk over them: `check` evaluates rules thousands of
    times a second. Nodes are plain classes, not dataclasses: they are on the start-up
    path, where a dataclass costs its generated methods at import."""

    type: Type
    _evaluator: Evaluator | None = None

    def evaluate(self, facts: Mapping[str, Any]) -> Any:
        evaluator = self._evaluator
        if evaluator is None:
            evaluator = self._evaluator = self.compile()
        return evaluator(facts)

    def compile(self) -> Evaluator:
        raise NotImplementedError

    def facts(self) -> set[str]:
        """Every fact path this expression reads (for rule ordering)."""
        return set()

    def comparisons(self) -> int:
        """How many comparisons it makes: the specificity used to break priority ties."""
        return 0


class Literal(Expr):
    def __init__(self, value: Any, type: Type) -> None:
        self.value = value
        self.type = type

    def compile(self) -> Evaluator:
        value = self.value
        return lambda facts: value


class Fact(Expr):
    def __init__(self, root: str, keys: tuple[str, ...], type: Type) -> None:
        self.root = root  # the fact in the schema, e.g. entity.quorum
        self.keys = keys  # object fields below it, e.g. ("n",)
        self.type = type

    def compile(self) -> Evaluator:
        root, keys = self.root, self.keys
        if not keys:
            return lambda facts: facts.get(root)

        def nested(facts: Mapping[str, Any]) -> Any:
            value = facts.get(root)
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            return value

        return nested

    def facts(self) -> set[str]:
        return {self.root}


class Call(Expr):
    def __init__(self, name: str, function: Function, args: list[Expr], type: Type) -> None:
        self.name = name
        self.function = function
        self.args = args
        self.type = type

    def compile(self) -> Evaluator:
        impl, args = self.function.impl, [a.compile() for a in self.args]
        return lambda facts: impl(*[a(facts) for a in args])

    def facts(self) -> set[str]:
        return set().union(*(a.facts() for a in self.args)) if self.args else set()

    def comparisons(self) -> int:
        return sum(a.comparisons() for a in self.args)


class ListExpr(Expr):
    def __init__(self, items: list[Expr], type: Type = LIST) -> None:
        self.items = items
        self.type = type

    def compile(self) -> Evaluator:
        items = [i.compile() for i in self.items]
        return lambda facts: [i(facts) for i in items]

    def facts(self) -> set[str]:
        return set().union(*(i.facts() for i in self.items)) if self.items else set()


class Not(Expr):
    def __init__(self, operand: Expr, type: Type = BOOL) -> None:
        self.operand = operand
        self.type = type

    def compile(self) -> Evaluator:
        operand = self.operand.compile()
        return lambda facts: not operand(facts)

    def facts(self) -> set[str]:
        return self.operand.facts()

    def comparisons(self) -> int:
        return self.operand.comparisons()


class Logic(Expr):
    def __init__(self, op: str, operands: list[Expr], type: Type = BOOL) -> None:
        self.op = op  # and | or
        self.operands = operands
        self.type = type

    def compile(self) -> Evaluator:
        operands = tuple(o.compile() for o in self.operands)
        if len(operands) == 2:  # the common case, without a generator per call
            first, second = operands
            if self.op == "and":
                return lambda facts: bool(first(facts) and second(facts))
            return lambda facts: bool(first(facts) or second(facts))
        if self.op == "and":
            return lambda facts: all(operand(facts) for operand in operands)
        return lambda facts: any(operand(facts) for operand in operands)

    def facts(self) -> set[str]:
        return set().union(*(o.facts() for o in self.operands)) if self.operands else set()

    def comparisons(self) -> int:
        return sum(o.comparisons() for o in self.operands)


def _ordered(less: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """An ordering comparison that is false when either side is null."""
    return lambda left, right: left is not None and right is not None and less(left, right)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda left, right: bool(left == right),
    "!=": lambda left, right: bool(left != right),
    "in": lambda left, right: (
        left is not None and isinstance(right, list | tuple) and left in right
    ),
    "<": _ordered(lambda left, right: bool(left < right)),
    "<=": _ordered(lambda left, right: bool(left <= right)),
    ">": _ordered(lambda left, right: bool(left > right)),
    ">=": _ordered(lambda left, right: bool(left >= right)),
}


def _arith(op: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    try:
        if op == "+":
            result = left + right
        elif op == "-":
            result = left - right
        elif op == "*":
            result = left * right
        else:
            result = None if right == 0 else left / right
    except OverflowError:  # a product or quotient beyond a float: no value
        return None
    if isinstance(result, float) and not math.isfinite(result):
        return None  # float arithmetic overflows to an infinity without raising
    return result


class Binary(Expr):
    def __init__(self, op: str, left: Expr, right: Expr, type: Type) -> None:
        self.op = op
        self.left = left
        self.right = right
        self.type = type

    def compile(self) -> Evaluator:
        op, left, right = self.op, self.left.compile(), self.right.compile()
        if op in ("+", "-", "*", "/"):
            return lambda facts: _arith(op, left(facts), right(facts))
        compare = _COMPARISONS[op]
        if isinstance(self.right, Literal):  # the usual `fact == 'value'`: no call for it
            constant = self.right.value
            return lambda facts: compare(left(facts), constant)
        return lambda facts: compare(left(facts), right(facts))

    def facts(self) -> set[str]:
        return self.left.facts() | self.right.facts()

    def comparisons(self) -> int:
        own = 0 if self.op in ("+", "-", "*", "/") else 1
        return own + self.left.comparisons() + self.right.comparisons()


# --- parsing and checking ------------------------------------------------------------


class _Parser:
    """Recursive descent over: or > and > not > comparison > sum > product > atom."""

    def __init__(
        self, text: str, schema: Mapping[str, Type], functions: Mapping[str, Function]
    ) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.schema = schema
        self.functions = functions
        self.depth = 0  # open parentheses, brackets and calls

    @property
    def current(self) -> _Token:
        return self.tokens[self.pos]

    def take(self, text: str | None = None) -> _Token:
        token = self.current
        if text is not None and token.text != text:
            found = repr(token.text) if token.text else "the end"
            raise ConditionError(f"expected {text!r}, found {found}", token.column)
        self.pos += 1
        return token

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ConditionError(f"expression nests deeper than {MAX_NESTING} levels", token.column)

    def parse(self) -> Expr:
        expr = self.logic()
        if self.current.kind != "end":
            raise ConditionError(f"unexpected {self.current.text!r}", self.current.column)
        return expr

    def logic(self, op: str = "or") -> Expr:
        lower: Callable[[], Expr] = (lambda: self.logic("and")) if op == "or" else self.negation
        column = self.current.column
        operands = [lower()]
        while self.current.kind == "keyword" and self.current.text == op:
            self.take()
            operands.append(lower())
        if len(operands) == 1:
            return operands[0]
        for operand in operands:
            _expect(operand, BOOL, f"each side of '{op}'", column)
        return Logic(op, operands)

    def negation(self) -> Expr:
        if self.current.kind == "keyword" and self.current.text == "not":
            column = self.take().column
            operand = self.negation()
            _expect(operand, BOOL, "the operand of 'not'", column)
            return Not(operand)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.sum()
        token = self.current
        if token.text in ("==", "!=", "<", "<=", ">", ">=", "in") and token.kind != "string":
            self.take()
            right = self.sum()
            _check_comparison(token.text, left, right, token.column)
            return Binary(token.text, left, right, BOOL)
        return left

    def sum(self) -> Expr:
        left = self.product()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            token = self.take()
            left = _arithmetic(token, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.atom()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            token = self.take()
            left = _arithmetic(token, left, self.atom())
        return left

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            return Literal(float(token.text) if "." in token.text else int(token.text), NUMBER)
        if token.kind == "string":
            return Literal(token.text[1:-1], STRING)
        if token.kind == "keyword" and token.text in ("true", "false"):
            return Literal(token.text == "true", BOOL)
        if token.kind == "keyword" and token.text == "null":
            return Literal(None, Type("null", nullable=True))
        if token.text == "(":
            self.enter(token)
            inner = self.logic()
            self.take(")")
            self.depth -= 1
            return inner
        if token.text == "[":
            self.enter(token)
            items: list[Expr] = []
            while self.current.text != "]":
                items.append(self.sum())
                if self.current.text != "]":
                    self.take(",")
            self.take("]")
            self.depth -= 1
            return ListExpr(items)
        if token.text == "-":
            operand = self.atom()
            _expect(operand, NUMBER, "the operand of '-'", token.column)
            return Binary("-", Literal(0, NUMBER), operand, NUMBER)
        if token.kind == "name":
            if self.current.text == "(":
                return self.call(token)
            return self.fact(token)
        found = repr(token.text) if token.text else "the end"
        raise ConditionError(f"expected a value, found {found}", token.column)

    def call(self, name: _Token) -> Expr:
        function = self.functions.get(name.text)
        if function is None:
            known = ", ".join(sorted(self.functions))
            raise ConditionError(f"unknown function '{name.text}' (known: {known})", name.column)
        self.enter(self.take("("))
        args: list[Expr] = []
        while self.current.text != ")":
            args.append(self.logic())
            if self.current.text != ")":
                self.take(",")
        self.take(")")
        self.depth -= 1
        if len(args) != len(function.params):
            raise ConditionError(
                f"'{name.text}' takes {len(function.params)} arguments, got {len(args)}",
                name.column,
            )
        for i, (arg, param) in enumerate(zip(args, function.params, strict=True), 1):
            _expect(arg, param, f"argument {i} of '{name.text}'", name.column)
        return Call(name.text, function, args, function.returns)

    def fact(self, token: _Token) -> Expr:
        parts = token.text.split(".")
        for cut in range(len(parts), 0, -1):
            root = ".".join(parts[:cut])
            if root in self.schema:
                kind = self.schema[root]
                for key in parts[cut:]:
                    fields = dict(kind.fields)
                    if key not in fields:
                        raise ConditionError(f"'{root}' has no field '{key}'", token.column)
                    kind = fields[key]
                return Fact(root, tuple(parts[cut:]), kind)
        if len(parts) == 1:
            raise ConditionError(
                f"unknown name '{token.text}' (quote strings: '{token.text}')", token.column
            )
        hint = did_you_mean(token.text, list(self.schema))
        hint = f"; {hint}" if hint else ""
        raise ConditionError(f"unknown fact '{token.text}'{hint}", token.column)


def _compatible(actual: Type, wanted: Type) -> bool:
    if actual.kind == "null":
        return wanted.nullable
    return actual.kind == wanted.kind and (wanted.nullable or not actual.nullable)


def _expect(expr: Expr, wanted: Type, what: str, column: int) -> None:
    if not _compatible(expr.type, wanted):
        raise ConditionError(f"{what} must be {wanted}, not {expr.type}", column)
    _check_choice(expr, wanted, what, column)


def _check_choice(expr: Expr, wanted: Type, what: str, column: int) -> None:
    """A string literal checked against an enumerated fact's vocabulary: typos fail on load."""
    if isinstance(expr, ListExpr):
        for item in expr.items:
            _check_choice(item, wanted, what, column)
        return
    if not (isinstance(expr, Literal) and isinstance(expr.value, str)):
        return
    if wanted.choices and expr.value not in wanted.choices:
        choices = " | ".join(wanted.choices)
        raise ConditionError(f"{what}: '{expr.value}' is not one of {choices}", column)


def _arithmetic(token: _Token, left: Expr, right: Expr) -> Expr:
    wanted = Type("number", nullable=True)
    _expect(left, wanted, f"the left side of '{token.text}'", token.column)
    _expect(right, wanted, f"the right side of '{token.text}'", token.column)
    nullable = left.type.nullable or right.type.nullable or token.text == "/"
    return Binary(token.text, left, right, Type("number", nullable=nullable))


def _check_comparison(op: str, left: Expr, right: Expr, column: int) -> None:
    if op == "in":
        if right.type.kind != "list":
            raise ConditionError(f"the right side of 'in' must be a list, not {right.type}", column)
        if isinstance(right, ListExpr):
            for item in right.items:
                _same_kind(left, item, op, column)
        return
    _same_kind(left, right, op, column)
    if op in ("<", "<=", ">", ">=") and left.type.kind != "number":
        raise ConditionError(f"'{op}' compares numbers, not {left.type}", column)


def _same_kind(left: Expr, right: Expr, op: str, column: int) -> None:
    kinds = {left.type.kind, right.type.kind} - {"null"}
    if len(kinds) > 1:
        raise ConditionError(f"'{op}' compares {left.type} with {right.type}", column)
    _check_choice(right, left.type, f"'{op}'", column)
    _check_choice(left, right.type, f"'{op}'", column)


def parse_expression(
    text: str, schema: Mapping[str, Type], functions: Mapping[str, Function]
) -> Expr:
    """Parse and type-check one expression string."""
    if not text.strip():
        raise ConditionError("empty expression")
    try:
        return _Parser(text, schema, functions).parse()
    except RecursionError:
        raise ConditionError("expression nests too deeply") from None


def parse_condition(
    raw: Any, schema: Mapping[str, Type], functions: Mapping[str, Function]
) -> Expr:
    """Parse a condition: an expression string or an all/any/not mapping of them."""
    try:
        return _condition(raw, schema, functions)
    except RecursionError:
        raise ConditionError("condition nests too deeply") from None


def _condition(raw: Any, schema: Mapping[str, Type], functions: Mapping[str, Function]) -> Expr:
    if isinstance(raw, bool):
        return Literal(raw, BOOL)
    if isinstance(raw, str):
        expr = parse_expression(raw, schema, functions)
        if expr.type.kind != "bool" or expr.type.nullable:
            raise ConditionError(f"a condition must be true or false, not {expr.type}")
        return expr
    if isinstance(raw, dict) and len(raw) == 1:
        ((key, value),) = raw.items()
        if key == "not":
            return Not(_condition(value, schema, functions))
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"'{key}' takes a non-empty list of conditions")
            parts = [_condition(v, schema, functions) for v in value]
            return Logic("and" if key == "all" else "or", parts)
    raise ConditionError(
        "a condition is an expression string or one of {all: [...]}, {any: [...]}, {not: ...}"
    )


class Template:
    """A message with `{fact.path}` placeholders, checked on load like a condition."""

    def __init__(self, parts: list[str | Expr] | None = None) -> None:
        self.parts: list[str | Expr] = [] if parts is None else parts

    def render(self, facts: Mapping[str, Any]) -> str:
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(_show(part.evaluate(facts)))
        return "".join(out)

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts if isinstance(p, Expr)))


def _show(value: Any) -> str:
    if isinstance(value, float):
        # Six significant digits: enough for 99.9997%, no float noise.
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items())
    if isinstance(value, bool):
        # Spelled as in a requirements file, not as Python prints it.
        return "true" if value else "false"
    if value is None:
        return "not given"
    return str(value)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def parse_template(
    text: str, schema: Mapping[str, Type], functions: Mapping[str, Function]
) -> Template:
    """Split a message into text and checked `{expression}` placeholders."""
    template = Template()
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        template.parts.append(text[pos : match.start()])
        try:
            template.parts.append(parse_expression(match.group(1), schema, functions))
        except ConditionError as exc:
            raise ConditionError(f"in placeholder {{{match.group(1)}}}: {exc}") from None
        pos = match.end()
    template.parts.append(text[pos:])
    return template
