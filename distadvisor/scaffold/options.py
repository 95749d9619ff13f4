"""Names and option values: what a user may pass to a scaffold, validated.

A class name must be safe to use in generated code and so must its snake_case
module name; option values (CLI strings or YAML values) become the Python values of
their declared type. Every user value is checked here before it reaches a template.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import sys
from collections.abc import Iterable
from typing import NamedTuple

from ..errors import InputError, Location, Problem

# Generated code must pass ruff's default 88-column limit, and the class name
# appears in lines such as `breaker = NAME(failure_threshold=..., ...)`.
MAX_NAME_LENGTH = 40

ASCII_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class OptionSpec(NamedTuple):
    """One constructor parameter a pattern exposes as a CLI option."""

    name: str
    type: str
    default: object
    help: str
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    min_items: int = 0

    @property
    def flag(self) -> str:
        """The CLI flag: kebab-case of the name."""
        return "--" + self.name.replace("_", "-")


def validate_name(name: str) -> str:
    """`name` if it is a usable class name for generated code, else an InputError.

    Beyond being an identifier it must be ASCII, not a keyword or builtin (the
    generated module would shadow it), short enough for the generated lines, and its
    snake_case module name must not be a keyword or shadow a standard-library module.
    """
    where = Location(path="--name")
    expected = (
        "a Python class name such as OrderSaga "
        f"(ASCII letters, digits, _; at most {MAX_NAME_LENGTH} characters)"
    )
    if not isinstance(name, str) or not ASCII_IDENTIFIER.match(name):
        raise InputError.single(
            "not a valid class name", where, expected=expected, found=repr(name)
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InputError.single(
            "a Python keyword cannot be a class name", where, expected=expected, found=repr(name)
        )
    if hasattr(builtins, name):
        raise InputError.single(
            "would shadow a Python builtin", where, expected=expected, found=repr(name)
        )
    if len(name) > MAX_NAME_LENGTH:
        raise InputError.single(
            "class name too long", where, expected=expected, found=f"{len(name)} characters"
        )
    module = snake_case(name)
    if keyword.iskeyword(module) or module in sys.stdlib_module_names or module == "test":
        raise InputError.single(
            f"its module name {module!r} is a Python keyword or standard-library module",
            where,
            expected="a name whose snake_case form is free",
            found=repr(name),
        )
    if _importable(module):
        raise InputError.single(
            f"its module {module}.py would shadow the installed module {module!r}",
            where,
            expected="a name whose snake_case form no installed package uses",
            found=repr(name),
        )
    if module.startswith("test"):
        raise InputError.single(
            f"its module {module}.py would be collected by pytest as a test file",
            where,
            expected="a name not starting with Test",
            found=repr(name),
        )
    return name


def _importable(module: str) -> bool:
    """Whether `module` is an installed top-level module (a third-party package's)."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def snake_case(name: str) -> str:
    """`HTTPCircuitBreaker` -> `http_circuit_breaker`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"_+", "_", spaced).lower().strip("_") or name.lower()


def coerce(option: OptionSpec, value: object, where: Location) -> object:
    """`value` (CLI string or YAML value) as the option's Python value, or InputError."""

    def bad(message: str, expected: str) -> InputError:
        return InputError.single(message, where, expected=expected, found=describe(value))

    if option.type == "int":
        number: int | float | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            number = _read_int(value)
        if number is None:
            raise bad("not an integer", "an integer" + _range_text(option))
        return _check_range(option, number, value, where)
    if option.type == "float":
        try:
            # Read as Python (and click, for the CLI) reads numbers: `1_000.5` is 1000.5.
            number = float(value) if isinstance(value, int | float | str) else math.nan
        except ValueError:
            raise bad("not a number", "a number" + _range_text(option)) from None
        except OverflowError:  # an integer beyond any float
            number = math.inf
        if isinstance(value, bool) or not math.isfinite(number):
            raise bad("not a finite number", "a number" + _range_text(option))
        return _check_range(option, number, value, where)
    if option.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad("not a boolean", "true or false")
    if option.type == "choice":
        if isinstance(value, str) and value in option.choices:
            return value
        raise InputError.single(
            "not one of the choices",
            where,
            expected="one of " + ", ".join(option.choices),
            found=describe(value),
            hint=suggest(str(value), option.choices),
        )
    return _coerce_names(option, value, where)


def _coerce_names(option: OptionSpec, value: object, where: Location) -> tuple[str, ...]:
    """A comma-separated string or a list of identifiers / builtin exception names."""
    exceptions = option.type == "exceptions"
    expected = (
        "comma-separated names of builtin exception classes, e.g. ValueError,KeyError"
        if exceptions
        else "comma-separated Python identifiers, e.g. reserve,charge,ship"
    )
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",")] if value.strip() else []
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value]
    else:
        raise InputError.single(
            "not a list of names", where, expected=expected, found=describe(value)
        )
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in items:
        if item in seen:
            problems.append(Problem("listed more than once", where, expected, repr(item)))
        elif not ASCII_IDENTIFIER.match(item) or keyword.iskeyword(item):
            problems.append(Problem("not a valid name", where, expected, repr(item)))
        elif exceptions and not _is_builtin_exception(item):
            problems.append(
                Problem(
                    "not a builtin exception class",
                    where,
                    expected,
                    repr(item),
                    suggest(item, _builtin_exception_names()),
                )
            )
        seen.add(item)
    least = max(option.min_items, 1 if option.required else 0)
    if len(items) < least:
        problems.append(
            Problem(f"needs at least {least} name(s)", where, expected, describe(value))
        )
    if problems:
        raise InputError(problems)
    return tuple(items)


def _is_builtin_exception(name: str) -> bool:
    candidate = getattr(builtins, name, None)
    return isinstance(candidate, type) and issubclass(candidate, BaseException)


def _builtin_exception_names() -> list[str]:
    return [name for name in dir(builtins) if _is_builtin_exception(name)]


# Beyond any bound an option declares, and far below Python's 4,300-digit limit on
# converting text to an integer.
_BEYOND = 10**30
_MAX_DIGITS = len(str(_BEYOND)) - 1


def _read_int(text: str) -> int | None:
    """`text` as Python (and click, for the CLI) reads an integer (`1_000` is 1000),
    or None; one too long for any range reads as beyond it."""
    digits = text.strip().lstrip("+-").replace("_", "")
    if len(digits) > _MAX_DIGITS and digits.isdecimal():
        return -_BEYOND if text.strip().startswith("-") else _BEYOND
    try:
        return int(text)
    except ValueError:
        return None


def _check_range(
    option: OptionSpec, number: int | float, raw: object, where: Location
) -> int | float:
    if (option.min is not None and number < option.min) or (
        option.max is not None and number > option.max
    ):
        kind = "an integer" if option.type == "int" else "a number"
        raise InputError.single(
            "out of range", where, expected=f"{kind}{_range_text(option)}", found=describe(raw)
        )
    return number


def _range_text(option: OptionSpec) -> str:
    if option.min is not None and option.max is not None:
        return f" from {option.min} to {option.max}"
    if option.min is not None:
        return f" >= {option.min}"
    if option.max is not None:
        return f" <= {option.max}"
    return ""


def suggest(word: str, candidates: Iterable[str], *, prefix: str = "", kebab: bool = False) -> str:
    """A problem's hint: `did you mean ...?` naming the closest candidate, or ""."""
    import difflib  # only a mistake pays for it

    matches = difflib.get_close_matches(word, list(candidates), n=1)
    if not matches:
        return ""
    match = matches[0].replace("_", "-") if kebab else matches[0]
    return f"did you mean {prefix}{match}?"


def describe(value: object) -> str:
    """A problem's `found`: `value` with its type, as the user wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, int) and abs(value) >= _BEYOND:
        # repr() of an integer past 4,300 digits raises
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    shown = repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"
    if len(shown) > 60:  # a value pasted by mistake is named, not repeated whole
        return f"{shown[:40]}... ({len(shown)} characters)"
    return shown
