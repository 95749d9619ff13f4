"""Pattern specs: the `templates/<pattern>/pattern.yaml` files, loaded and checked.

It knows nothing about any particular pattern. Each pattern is a folder under the
templates directory holding a `pattern.yaml` and the Jinja templates it names (see
docs/scaffolds.md); a malformed spec is an InputError naming the file and field.

It is on `advise`'s start-up path (`cli.common.scaffold_names`), so it imports
nothing heavy: rendering lives in `scaffold`, writing in `safewrite`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from ..engine import parsecache
from ..errors import InputError, Location, Problem
from ..model.vocabulary import PATTERNS
from ..resources import templates_dir
from .options import ASCII_IDENTIFIER, OptionSpec, coerce, describe, suggest
from .safewrite import is_plain_file_name

OPTION_TYPES = ("int", "float", "bool", "choice", "identifiers", "exceptions")

# Option names the scaffold command itself uses for its own flags.
RESERVED_OPTION_NAMES = frozenset({"name", "out", "force", "dry_run", "is_async", "list", "help"})

_PATTERN_KEYS = ("pattern", "summary", "implements", "async", "options", "files", "advise")
_ADVISE_KEYS = ("per", "suffix", "options")
_OPTION_KEYS = (
    "name", "type", "default", "help", "min", "max", "choices", "required", "min_items",
)  # fmt: skip
_FILE_KEYS = ("template", "target", "owner")
FILE_OWNERS = ("tool", "user")
# Subcommands of `scaffold` itself, so no pattern may be called that.
RESERVED_PATTERN_NAMES = frozenset({"check", "update"})
_PATTERN_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")


class FileSpec(NamedTuple):
    """A template and the file name it renders to (`{module}` is replaced).

    `owner: user` marks the one file of a generation-gap pattern the user fills in:
    written once, never rewritten; the tool owns every other file and
    `scaffold update` may rewrite it (see `scaffold.gap`).
    """

    template: str
    target: str
    owner: str = "tool"


class AdviseSpec(NamedTuple):
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


class PatternSpec(NamedTuple):
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

    def user_files(self, module: str) -> frozenset[str]:
        """The file names the user owns for `module`: created once, never rewritten."""
        return frozenset(
            entry.target.replace("{module}", module)
            for entry in self.files
            if entry.owner == "user"
        )


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
            problems.append(Problem("pattern folder has no pattern.yaml", Location(str(folder))))
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
        hint=suggest(name, patterns),
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
                    str(key),
                    "unknown field",
                    expected="one of " + ", ".join(keys),
                    hint=suggest(str(key), keys),
                )

    def where(self, key: str) -> Location:
        path = f"{self.path}.{key}" if self.path and key else self.path or key
        return Location(str(self.file), path=path)

    def fail(
        self, key: str, message: str, *, expected: str = "", found: str = "", hint: str = ""
    ) -> None:
        self.problems.append(Problem(message, self.where(key), expected, found, hint))

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(
                key, "missing or not text", expected="a non-empty string", found=describe(value)
            )
            return ""
        return value.strip()

    def names(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of names", found=describe(value))
            return ()
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false", found=describe(value))
            return False
        return value

    def number(self, key: str) -> int | float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, "must be a number", found=describe(value))
            return None
        return value


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
            problems.append(
                Problem(
                    f"unknown option for {spec.pattern}",
                    Location(path=str(key)),
                    expected="one of " + (", ".join(o.flag for o in spec.options) or "none"),
                    found=repr(key),
                    hint=suggest(name, sorted(known), prefix="--", kebab=True),
                )
            )
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
            resolved[option.name] = coerce(option, given[option.name], where)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return resolved


def default_options(pattern: str) -> dict[str, object]:
    """The shipped `pattern`'s options with their defaults, as a plain scaffold uses."""
    return resolve_options(load_patterns()[pattern], {})


def _parse_pattern(data: object, file: Path) -> PatternSpec:
    fields = _Fields(data, file, "", _PATTERN_KEYS)
    name = fields.text("pattern")
    if name and not _PATTERN_NAME.match(name):
        fields.fail(
            "pattern",
            "invalid pattern name",
            expected="kebab-case like circuit-breaker",
            found=repr(name),
        )
    if name in RESERVED_PATTERN_NAMES:
        fields.fail(
            "pattern",
            "the name of a scaffold subcommand",
            expected="none of " + ", ".join(sorted(RESERVED_PATTERN_NAMES)),
            found=repr(name),
        )
    if name and name != file.parent.name:
        fields.fail(
            "pattern",
            "does not match its folder name",
            expected=repr(file.parent.name),
            found=repr(name),
        )
    summary = fields.text("summary")
    implements = fields.names("implements")
    for pattern in implements:
        if pattern not in PATTERNS:
            fields.fail(
                "implements",
                "not a pattern the advisor recommends",
                expected="names from: " + ", ".join(PATTERNS),
                found=repr(pattern),
            )
    supports_async = fields.flag("async")

    options: list[OptionSpec] = []
    raw_options = fields.data.get("options", [])
    if not isinstance(raw_options, list):
        fields.fail("options", "must be a list", found=describe(raw_options))
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
        fields.fail("files", "must be a non-empty list", found=describe(raw_files))
        raw_files = []
    for index, raw in enumerate(raw_files):
        entry = _Fields(raw, file, f"files[{index}]", _FILE_KEYS)
        template, target = entry.text("template"), entry.text("target")
        if template and not (file.parent / template).is_file():
            entry.fail(
                "template",
                "template file not found",
                expected=f"a file in {file.parent}",
                found=repr(template),
            )
        if target and not is_plain_file_name(target.replace("{module}", "module")):
            entry.fail(
                "target", "must be a plain file name, optionally using {module}", found=repr(target)
            )
        owner = entry.data.get("owner", "tool")
        if owner not in FILE_OWNERS:
            entry.fail("owner", "unknown owner", expected="tool | user", found=repr(owner))
        fields.problems.extend(entry.problems)
        files.append(FileSpec(template, target, str(owner)))

    advise = _parse_advise(
        fields.data.get("advise", {}), file, {o.name for o in options}, fields.problems
    )
    if fields.problems:
        raise InputError(fields.problems)
    return PatternSpec(
        name, summary, implements, supports_async, tuple(options), tuple(files), file.parent, advise
    )


def _parse_advise(
    raw: object, file: Path, option_names: set[str], problems: list[Problem]
) -> AdviseSpec:
    fields = _Fields(raw, file, "advise", _ADVISE_KEYS)
    per = fields.data.get("per", "system")
    if per not in ("subject", "system"):
        fields.fail("per", "unknown value", expected="subject | system", found=repr(per))
    suffix = fields.data.get("suffix", "")
    if not isinstance(suffix, str) or (suffix and not ASCII_IDENTIFIER.match(suffix)):
        fields.fail("suffix", "must be an identifier", found=describe(suffix))
        suffix = ""
    bound = fields.data.get("options", {})
    if not isinstance(bound, dict) or not all(
        isinstance(v, str) and ASCII_IDENTIFIER.match(v) for v in bound.values()
    ):
        fields.fail("options", "must map options to requirement field names", found=repr(bound))
        bound = {}
    for option in bound:
        if option not in option_names:
            fields.fail(
                "options",
                f"unknown option {option!r}",
                expected="one of " + ", ".join(sorted(option_names)),
            )
    problems.extend(fields.problems)
    return AdviseSpec(str(per), suffix, tuple(bound.items()))


def _parse_option(raw: object, file: Path, path: str, problems: list[Problem]) -> OptionSpec | None:
    fields = _Fields(raw, file, path, _OPTION_KEYS)
    name = fields.text("name")
    valid = ASCII_IDENTIFIER.match(name) and not keyword.iskeyword(name)
    if name and (not valid or name != name.lower()):
        fields.fail(
            "name",
            "invalid option name",
            expected="a lower-case Python identifier",
            found=repr(name),
        )
    elif name in RESERVED_OPTION_NAMES:
        fields.fail(
            "name",
            "option name is taken by the scaffold command itself",
            expected="none of " + ", ".join(sorted(RESERVED_OPTION_NAMES)),
            found=repr(name),
        )
    kind = fields.text("type")
    if kind and kind not in OPTION_TYPES:
        fields.fail(
            "type",
            "unknown option type",
            expected="one of " + ", ".join(OPTION_TYPES),
            found=repr(kind),
            hint=suggest(kind, OPTION_TYPES),
        )
    help_text = fields.text("help")
    low, high = fields.number("min"), fields.number("max")
    choices = fields.names("choices")
    if kind == "choice" and not choices:
        fields.fail("choices", "a choice option needs a non-empty list of choices")
    required = fields.flag("required")
    min_items = fields.data.get("min_items", 0)
    if isinstance(min_items, bool) or not isinstance(min_items, int) or min_items < 0:
        fields.fail("min_items", "must be a non-negative integer", found=describe(min_items))
        min_items = 0
    if "default" not in fields.data and not required:
        fields.fail("default", "missing; an option needs a default unless it is required")
    problems.extend(fields.problems)
    if fields.problems:
        return None

    option = OptionSpec(name, kind, None, help_text, low, high, choices, required, min_items)
    if "default" in fields.data:
        try:
            default = coerce(option, fields.data["default"], fields.where("default"))
        except InputError as exc:
            problems.extend(exc.problems)
            return None
        option = OptionSpec(name, kind, default, help_text, low, high, choices, required, min_items)
    return option
