"""The pattern scaffolder: pattern specs, option validation, rendering and safe writes.

It knows nothing about any particular pattern. Each pattern is a folder under the
templates directory holding a `pattern.yaml` and the Jinja templates it names (see
docs/scaffolds.md). Every user value is validated here before it reaches a
template, and templates render values only through the `py` filter (a Python
literal), so no user string is ever pasted into generated code unchecked.

jinja2 is imported inside `render` only: most commands never render anything and
start-up time matters.
"""

from __future__ import annotations

import builtins
import difflib
import keyword
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, parsecache
from .errors import InputError, Location, Problem
from .resources import templates_dir
from .vocabulary import PATTERNS

OPTION_TYPES = ("int", "float", "bool", "choice", "identifiers", "exceptions")

# Generated code must pass ruff's default 88-column limit, and the class name
# appears in lines such as `breaker = NAME(failure_threshold=..., ...)`.
MAX_NAME_LENGTH = 40
HEADER_WIDTH = 88

# Option names the scaffold command itself uses for its own flags.
RESERVED_OPTION_NAMES = frozenset({"name", "out", "force", "dry_run", "is_async", "list", "help"})

_PATTERN_KEYS = ("pattern", "summary", "implements", "async", "options", "files", "advise")
_ADVISE_KEYS = ("per", "suffix", "options")
_OPTION_KEYS = (
    "name", "type", "default", "help", "min", "max", "choices", "required", "min_items",
)  # fmt: skip
_FILE_KEYS = ("template", "target")
_ASCII_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PATTERN_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


@dataclass(frozen=True)
class OptionSpec:
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


@dataclass(frozen=True)
class FileSpec:
    """A template and the file name it renders to (`{module}` is replaced)."""

    template: str
    target: str


@dataclass(frozen=True)
class AdviseSpec:
    """How `advise --scaffold` writes this pattern for a recommendation.

    `per: subject` writes one module per subject the pattern is recommended for (a
    saga per transaction); `per: system` one module for the whole system (one breaker
    class serves every dependency). The class is the CamelCase subject or system name
    plus `suffix`; `options` maps an option to the subject's requirements field that
    supplies it (a saga's steps come from its transaction's steps).
    """

    per: str = "system"
    suffix: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PatternSpec:
    """A scaffoldable pattern, as declared by its `pattern.yaml`."""

    pattern: str
    summary: str
    implements: tuple[str, ...]
    supports_async: bool
    options: tuple[OptionSpec, ...]
    files: tuple[FileSpec, ...]
    directory: Path
    advise: AdviseSpec = AdviseSpec()

    def option(self, name: str) -> OptionSpec:
        return next(option for option in self.options if option.name == name)


# --------------------------------------------------------------------------- loading


def load_patterns(templates: Path | None = None) -> dict[str, PatternSpec]:
    """Every pattern under `templates` (default: the shipped folder), by CLI name.

    A folder without a pattern.yaml, or a malformed one, is an InputError naming the
    file and the field: a half-declared pattern must not silently disappear.
    """
    root = templates if templates is not None else templates_dir()
    if not root.is_dir():
        raise InputError.single(
            "templates folder not found", Location(str(root)), expected="a directory"
        )
    patterns: dict[str, PatternSpec] = {}
    problems: list[Problem] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        spec_file = folder / "pattern.yaml"
        if not spec_file.is_file():
            problems.append(
                Problem("pattern folder has no pattern.yaml", Location(str(folder)))
            )
            continue
        try:
            data = parsecache.load(spec_file).data
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        try:
            spec = _parse_pattern(data, spec_file)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        patterns[spec.pattern] = spec
    if problems:
        raise InputError(problems)
    return patterns


def get_pattern(patterns: Mapping[str, PatternSpec], name: str) -> PatternSpec:
    """The pattern called `name`, or an InputError suggesting the closest one."""
    if name in patterns:
        return patterns[name]
    raise InputError.single(
        "unknown pattern",
        Location(path="PATTERN"),
        expected="one of " + ", ".join(sorted(patterns)),
        found=repr(name),
        hint=_suggest(name, patterns),
    )


class _Fields:
    """Reads one mapping of a pattern.yaml, recording problems with their field path."""

    def __init__(self, data: object, file: Path, path: str, keys: tuple[str, ...]) -> None:
        self.file = file
        self.path = path
        self.problems: list[Problem] = []
        if not isinstance(data, dict):
            self.data: dict[str, object] = {}
            self.fail("", "must be a mapping", found=type(data).__name__)
            return
        self.data = data
        for key in data:
            if key not in keys:
                self.fail(
                    str(key), "unknown field", expected="one of " + ", ".join(keys),
                    hint=_suggest(str(key), keys),
                )

    def where(self, key: str) -> Location:
        path = f"{self.path}.{key}" if self.path and key else self.path or key
        return Location(str(self.file), path=path)

    def fail(self, key: str, message: str, *, expected: str = "", found: str = "",
             hint: str = "") -> None:
        self.problems.append(Problem(message, self.where(key), expected, found, hint))

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "missing or not text", expected="a non-empty string",
                      found=_describe(value))
            return ""
        return value.strip()

    def names(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of names", found=_describe(value))
            return ()
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false", found=_describe(value))
            return False
        return value

    def number(self, key: str) -> int | float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, "must be a number", found=_describe(value))
            return None
        return value


def _parse_pattern(data: object, file: Path) -> PatternSpec:
    fields = _Fields(data, file, "", _PATTERN_KEYS)
    name = fields.text("pattern")
    if name and not _PATTERN_NAME.match(name):
        fields.fail("pattern", "invalid pattern name", expected="kebab-case like circuit-breaker",
                    found=repr(name))
    if name and name != file.parent.name:
        fields.fail("pattern", "does not match its folder name", expected=repr(file.parent.name),
                    found=repr(name))
    summary = fields.text("summary")
    implements = fields.names("implements")
    for pattern in implements:
        if pattern not in PATTERNS:
            fields.fail("implements", "not a pattern the advisor recommends",
                        expected="names from: " + ", ".join(PATTERNS), found=repr(pattern))
    supports_async = fields.flag("async")

    options: list[OptionSpec] = []
    raw_options = fields.data.get("options", [])
    if not isinstance(raw_options, list):
        fields.fail("options", "must be a list", found=_describe(raw_options))
        raw_options = []
    for index, raw in enumerate(raw_options):
        option = _parse_option(raw, file, f"options[{index}]", fields.problems)
        if option is None:
            continue
        if any(o.name == option.name for o in options):
            fields.fail(f"options[{index}].name", "duplicate option name", found=option.name)
        options.append(option)

    files: list[FileSpec] = []
    raw_files = fields.data.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        fields.fail("files", "must be a non-empty list", found=_describe(raw_files))
        raw_files = []
    for index, raw in enumerate(raw_files):
        entry = _Fields(raw, file, f"files[{index}]", _FILE_KEYS)
        template, target = entry.text("template"), entry.text("target")
        if template and not (file.parent / template).is_file():
            entry.fail("template", "template file not found", expected=f"a file in {file.parent}",
                       found=repr(template))
        if target and not _is_plain_file_name(target.replace("{module}", "module")):
            entry.fail("target", "must be a plain file name, optionally using {module}",
                       found=repr(target))
        fields.problems.extend(entry.problems)
        files.append(FileSpec(template, target))

    advise = _parse_advise(fields.data.get("advise", {}), file, {o.name for o in options},
                           fields.problems)
    if fields.problems:
        raise InputError(fields.problems)
    return PatternSpec(name, summary, implements, supports_async, tuple(options), tuple(files),
                       file.parent, advise)


def _parse_advise(raw: object, file: Path, option_names: set[str],
                  problems: list[Problem]) -> AdviseSpec:
    fields = _Fields(raw, file, "advise", _ADVISE_KEYS)
    per = fields.data.get("per", "system")
    if per not in ("subject", "system"):
        fields.fail("per", "unknown value", expected="subject | system", found=repr(per))
    suffix = fields.data.get("suffix", "")
    if not isinstance(suffix, str) or (suffix and not _ASCII_IDENTIFIER.match(suffix)):
        fields.fail("suffix", "must be an identifier", found=_describe(suffix))
        suffix = ""
    bound = fields.data.get("options", {})
    if not isinstance(bound, dict) or not all(
        isinstance(v, str) and _ASCII_IDENTIFIER.match(v) for v in bound.values()
    ):
        fields.fail("options", "must map options to requirement field names", found=repr(bound))
        bound = {}
    for option in bound:
        if option not in option_names:
            fields.fail("options", f"unknown option {option!r}",
                        expected="one of " + ", ".join(sorted(option_names)))
    problems.extend(fields.problems)
    return AdviseSpec(str(per), suffix, tuple(bound.items()))


def _parse_option(raw: object, file: Path, path: str, problems: list[Problem]) -> OptionSpec | None:
    fields = _Fields(raw, file, path, _OPTION_KEYS)
    name = fields.text("name")
    valid = _ASCII_IDENTIFIER.match(name) and not keyword.iskeyword(name)
    if name and (not valid or name != name.lower()):
        fields.fail("name", "invalid option name", expected="a lower-case Python identifier",
                    found=repr(name))
    elif name in RESERVED_OPTION_NAMES:
        fields.fail("name", "option name is taken by the scaffold command itself",
                    expected="none of " + ", ".join(sorted(RESERVED_OPTION_NAMES)),
                    found=repr(name))
    kind = fields.text("type")
    if kind and kind not in OPTION_TYPES:
        fields.fail("type", "unknown option type", expected="one of " + ", ".join(OPTION_TYPES),
                    found=repr(kind), hint=_suggest(kind, OPTION_TYPES))
    help_text = fields.text("help")
    low, high = fields.number("min"), fields.number("max")
    choices = fields.names("choices")
    if kind == "choice" and not choices:
        fields.fail("choices", "a choice option needs a non-empty list of choices")
    required = fields.flag("required")
    min_items = fields.data.get("min_items", 0)
    if isinstance(min_items, bool) or not isinstance(min_items, int) or min_items < 0:
        fields.fail("min_items", "must be a non-negative integer", found=_describe(min_items))
        min_items = 0
    if "default" not in fields.data and not required:
        fields.fail("default", "missing; an option needs a default unless it is required")
    problems.extend(fields.problems)
    if fields.problems:
        return None

    option = OptionSpec(name, kind, None, help_text, low, high, choices, required, min_items)
    if "default" in fields.data:
        try:
            default = _coerce(option, fields.data["default"], fields.where("default"))
        except InputError as exc:
            problems.extend(exc.problems)
            return None
        option = OptionSpec(name, kind, default, help_text, low, high, choices, required,
                            min_items)
    return option


# --------------------------------------------------------------------------- validation


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
    if not isinstance(name, str) or not _ASCII_IDENTIFIER.match(name):
        raise InputError.single("not a valid class name", where, expected=expected,
                                found=repr(name))
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InputError.single("a Python keyword cannot be a class name", where,
                                expected=expected, found=repr(name))
    if hasattr(builtins, name):
        raise InputError.single("would shadow a Python builtin", where, expected=expected,
                                found=repr(name))
    if len(name) > MAX_NAME_LENGTH:
        raise InputError.single("class name too long", where, expected=expected,
                                found=f"{len(name)} characters")
    module = snake_case(name)
    if keyword.iskeyword(module) or module in sys.stdlib_module_names or module == "test":
        raise InputError.single(
            f"its module name {module!r} is a Python keyword or standard-library module",
            where, expected="a name whose snake_case form is free", found=repr(name),
        )
    if module.startswith("test"):
        raise InputError.single(
            f"its module {module}.py would be collected by pytest as a test file",
            where, expected="a name not starting with Test", found=repr(name),
        )
    return name


def snake_case(name: str) -> str:
    """`HTTPCircuitBreaker` -> `http_circuit_breaker`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"_+", "_", spaced).lower().strip("_") or name.lower()


def resolve_options(spec: PatternSpec, raw: Mapping[str, object]) -> dict[str, object]:
    """Validated values for every option of `spec`, defaults filled in.

    `raw` maps option names (snake_case or kebab-case) to CLI strings or YAML values.
    All problems are reported together.
    """
    known = {option.name for option in spec.options}
    problems: list[Problem] = []
    given: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_").lstrip("_")
        if name not in known:
            problems.append(Problem(
                f"unknown option for {spec.pattern}", Location(path=str(key)),
                expected="one of " + (", ".join(o.flag for o in spec.options) or "none"),
                found=repr(key), hint=_suggest(name, sorted(known), prefix="--", kebab=True),
            ))
            continue
        given[name] = value
    resolved: dict[str, object] = {}
    for option in spec.options:
        where = Location(path=option.flag)
        if option.name not in given:
            if option.required:
                problems.append(Problem("required option missing", where, expected=option.help))
            else:
                resolved[option.name] = option.default
            continue
        try:
            resolved[option.name] = _coerce(option, given[option.name], where)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return resolved


def _coerce(option: OptionSpec, value: object, where: Location) -> object:
    """`value` (CLI string or YAML value) as the option's Python value, or InputError."""
    def bad(message: str, expected: str) -> InputError:
        return InputError.single(message, where, expected=expected, found=_describe(value))

    if option.type == "int":
        number: int | float
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            number = int(value)
        else:
            raise bad("not an integer", "an integer" + _range_text(option))
        return _check_range(option, number, value, where)
    if option.type == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(value) if isinstance(value, str) else math.nan
            except ValueError:
                number = math.nan
        if not math.isfinite(number):
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
            "not one of the choices", where, expected="one of " + ", ".join(option.choices),
            found=_describe(value), hint=_suggest(str(value), option.choices),
        )
    return _coerce_names(option, value, where)


def _coerce_names(option: OptionSpec, value: object, where: Location) -> tuple[str, ...]:
    """A comma-separated string or a list of identifiers / builtin exception names."""
    exceptions = option.type == "exceptions"
    expected = (
        "comma-separated names of builtin exception classes, e.g. ValueError,KeyError"
        if exceptions else "comma-separated Python identifiers, e.g. reserve,charge,ship"
    )
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",")] if value.strip() else []
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value]
    else:
        raise InputError.single("not a list of names", where, expected=expected,
                                found=_describe(value))
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in items:
        if item in seen:
            problems.append(Problem("listed more than once", where, expected, repr(item)))
        elif not _ASCII_IDENTIFIER.match(item) or keyword.iskeyword(item):
            problems.append(Problem("not a valid name", where, expected, repr(item)))
        elif exceptions and not _is_builtin_exception(item):
            problems.append(Problem("not a builtin exception class", where, expected, repr(item),
                                    _suggest(item, _builtin_exception_names())))
        seen.add(item)
    least = max(option.min_items, 1 if option.required else 0)
    if len(items) < least:
        problems.append(Problem(f"needs at least {least} name(s)", where, expected,
                                _describe(value)))
    if problems:
        raise InputError(problems)
    return tuple(items)


def _is_builtin_exception(name: str) -> bool:
    candidate = getattr(builtins, name, None)
    return isinstance(candidate, type) and issubclass(candidate, BaseException)


def _builtin_exception_names() -> list[str]:
    return [name for name in dir(builtins) if _is_builtin_exception(name)]


def _check_range(option: OptionSpec, number: int | float, raw: object,
                 where: Location) -> int | float:
    if (option.min is not None and number < option.min) or (
        option.max is not None and number > option.max
    ):
        kind = "an integer" if option.type == "int" else "a number"
        raise InputError.single("out of range", where,
                                expected=f"{kind}{_range_text(option)}", found=_describe(raw))
    return number


def _range_text(option: OptionSpec) -> str:
    if option.min is not None and option.max is not None:
        return f" from {option.min} to {option.max}"
    if option.min is not None:
        return f" >= {option.min}"
    if option.max is not None:
        return f" <= {option.max}"
    return ""


# --------------------------------------------------------------------------- rendering


def py_literal(value: object) -> str:
    """The Jinja `py` filter: the Python literal of an already validated value."""
    if isinstance(value, tuple):
        for item in value:
            py_literal(item)
        return repr(value)
    if isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    raise TypeError(f"py filter: refusing to render {type(value).__name__} {value!r}")


def option_argument(option: OptionSpec, value: object) -> list[str]:
    """The CLI arguments that reproduce `value` for `option`."""
    if option.type == "bool":
        return [option.flag if value else "--no-" + option.flag[2:]]
    if isinstance(value, tuple):
        return [option.flag, ",".join(value)]
    return [option.flag, repr(value) if isinstance(value, float) else str(value)]


def build_header(spec: PatternSpec, class_name: str, options: Mapping[str, object], *,
                 is_async: bool = False) -> str:
    """Comment lines naming the distadvisor version and the command that made the file.

    The command is wrapped with shell line continuations to stay within ruff's
    88-column limit; an option whose value alone is too long goes on the last line,
    which carries `# noqa: E501` (also a shell comment, so copying still works).
    """
    import shlex

    chunks = [
        ["distadvisor", "scaffold", spec.pattern], ["--name", class_name], ["--out", "."],
        ["--force"],
    ]
    if is_async:
        chunks.append(["--async"])
    chunks += [option_argument(option, options[option.name]) for option in spec.options]
    prefix = "#   "
    lines = [""]
    overlong: list[str] = []
    for chunk in map(shlex.join, chunks):
        if len(prefix) + 2 + len(chunk) + 2 > HEADER_WIDTH:
            overlong.append(chunk)
        elif not lines[-1]:
            lines[-1] = chunk
        elif len(prefix) + len(lines[-1]) + 1 + len(chunk) + 2 > HEADER_WIDTH:
            lines.append("  " + chunk)
        else:
            lines[-1] += " " + chunk
    if overlong:
        lines.append("  " + " ".join(overlong) + "  # noqa: E501")
    body = " \\\n".join(prefix + line for line in lines)
    return (
        f"# Generated by distadvisor {__version__}; edit freely, it is your code now.\n"
        "# Regenerate it (run in this file's folder) with:\n"
        f"{body}"
    )


def render(spec: PatternSpec, class_name: str, options: Mapping[str, object], *,
           is_async: bool = False) -> dict[str, str]:
    """The files of `spec` rendered for `class_name`: target file name -> content.

    Templates get the pattern's diagram drawn by `diagrams.scaffolds`, the one place
    that draws it, so a module's docstring shows the machine its options make.
    """
    import jinja2

    from .diagrams import scaffolds as diagrams

    class_name = validate_name(class_name)
    if is_async and not spec.supports_async:
        raise InputError.single(f"{spec.pattern} has no async variant", Location(path="--async"),
                                expected="no --async for this pattern")
    missing = [option.name for option in spec.options if option.name not in options]
    if missing or set(options) - {option.name for option in spec.options}:
        raise ValueError(f"render() needs resolve_options() output, got {sorted(options)}")
    module = snake_case(class_name)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(spec.directory),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    context: dict[str, Any] = {
        "class_name": class_name,
        "module": module,
        "options": dict(options),
        "is_async": is_async,
        "header": build_header(spec, class_name, options, is_async=is_async),
        "version": __version__,
        "diagram": diagrams.draw(spec.pattern, class_name, options),
    }
    files: dict[str, str] = {}
    for entry in spec.files:
        target = entry.target.replace("{module}", module)
        content = env.get_template(entry.template).render(context)
        if target.endswith(".py"):
            _check_name_is_free(content, class_name, spec, target)
        files[target] = content
    return files


def _check_name_is_free(source: str, class_name: str, spec: PatternSpec, target: str) -> None:
    """Reject a NAME that the generated module also uses for something else."""
    import ast

    tree = ast.parse(source, filename=target)
    bound: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            bound.append(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.extend((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound.extend(t.id for t in targets if isinstance(t, ast.Name))
    if bound.count(class_name) > 1:
        raise InputError.single(
            f"clashes with a name the {spec.pattern} scaffold already uses in {target}",
            Location(path="--name"), expected="another class name", found=repr(class_name),
        )


# --------------------------------------------------------------------------- writing


def write_files(files: Mapping[str, str], out: Path, *, force: bool = False,
                dry_run: bool = False) -> list[Path]:
    """Write `files` (name -> content) into `out`, each atomically; return the paths.

    Everything is checked before the first byte is written: `out` must be a
    directory or creatable, names must be plain file names (nothing lands outside
    `out`), and no file may already exist unless `force`.
    """
    problems: list[Problem] = []
    if out.exists() and not out.is_dir():
        raise InputError.single("not a directory", Location(str(out), path="--out"),
                                expected="an existing directory or a path that can be created",
                                found="a file")
    if not out.exists():
        ancestor = next(p for p in out.absolute().parents if p.exists())
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError.single(
                "cannot create the output directory", Location(str(out), path="--out"),
                expected="a path that can be created",
                found=f"{ancestor} is not a writable directory",
            )
    paths: list[Path] = []
    for name in files:
        path = out / name
        paths.append(path)
        if not _is_plain_file_name(name):
            problems.append(Problem("refusing to write outside the output directory",
                                    Location(name), expected="a plain file name"))
        elif path.is_dir():
            problems.append(Problem("a directory is in the way", Location(str(path)),
                                    expected="a file path"))
        elif (path.exists() or path.is_symlink()) and not force:
            problems.append(Problem("file already exists", Location(str(path)),
                                    hint="pass --force to overwrite it"))
    if problems:
        raise InputError(problems)
    if dry_run:
        return paths
    # All or nothing: every file is first written to a temporary beside its target;
    # then the files being overwritten are moved aside, the new ones moved in, and only
    # then are the old ones deleted. A failure at any step puts everything back.
    temps: list[Path] = []
    moved_aside: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    target = out
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, content in zip(paths, files.values(), strict=True):
            target = path
            temps.append(_write_temporary(path, content))
        for path in paths:
            if path.exists() or path.is_symlink():
                target = path
                backup = path.with_name(f".{path.name}.{os.getpid()}.old")
                os.replace(path, backup)
                moved_aside.append((path, backup))
        for temp, path in zip(temps, paths, strict=True):
            target = path
            os.replace(temp, path)
            placed.append(path)
    except OSError as exc:
        for path in placed:
            path.unlink(missing_ok=True)
        for path, backup in moved_aside:
            os.replace(backup, path)
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise InputError.single(f"cannot write: {exc.strerror or exc}", Location(str(target)),
                                expected="a writable path") from exc
    for _, backup in moved_aside:
        backup.unlink(missing_ok=True)
    return paths


def _write_temporary(path: Path, content: str) -> Path:
    """Write `content` to a synced temporary file in `path`'s folder; return its path."""
    import tempfile

    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Path(temp_name)


def _is_plain_file_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and Path(name).name == name and "\\" not in name \
        and not name.startswith(".")


# --------------------------------------------------------------------------- helpers


def _suggest(word: str, candidates: Iterable[str], *, prefix: str = "",
             kebab: bool = False) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1)
    if not matches:
        return ""
    match = matches[0].replace("_", "-") if kebab else matches[0]
    return f"did you mean {prefix}{match}?"


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    return f"{type(value).__name__} {value!r}"
