"""The questions of `distadvisor init`, as data: `rules/questions.yaml`, loaded and checked.

Each question fills one field of the requirements model. Loading checks the file
against the model (fields, types, choices, defaults, `when` conditions and prompt
templates), so a broken question file is an InputError naming the file, the line,
the column and the question's id before anything is asked.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..engine.conditions import (
    BOOL,
    LIST,
    NUMBER,
    STRING,
    ConditionError,
    Expr,
    Template,
    Type,
    parse_condition,
    parse_template,
)
from ..errors import InputError, Location, Problem, did_you_mean
from ..model import requirements, yamlsource
from ..model.fieldpaths import (
    NO_DEFAULT,
    model_default,
    model_field,
    model_path,
    parse_path,
    put,
    shape,
)
from ..model.requirements import Requirements
from ..model.yamlsource import PathKey

_SECTION_KEYS = (
    "title",
    "loop",
    "over",
    "item",
    "add",
    "another",
    "questions",
    "quick",
    "quick_after",
    "names",
)
_QUESTION_KEYS = (
    "id",
    "field",
    "type",
    "prompt",
    "help",
    "choices",
    "choices_from",
    "default",
    "when",
    "defaults",
    "within",
    "ask_if",
    "together",
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A minimal valid document: a default is checked by placing it into this and validating.
_SKELETON: dict[str, Any] = {
    "version": 1,
    "system": "s",
    "data": [{"name": "d"}],
    "services": [{"name": "s"}],
    "transactions": [{"name": "t", "steps": ["a"], "services": ["s"]}],
}


def _count(value: Any) -> int:
    """Regions given as a number or as names: how many."""
    return value if isinstance(value, int) else len(value)


# Facts computed from an answer, for later conditions: `deployment.region_count` is known
# whether the regions were given as a number or by name.
DERIVED: dict[PathKey, tuple[str, Any]] = {
    ("deployment", "regions"): ("deployment.region_count", _count),
}


class Question(NamedTuple):
    """One question, checked against the field of the model it fills."""

    id: str
    field: PathKey  # the field, relative to its loop's item when in a loop
    type: str
    prompt: Template
    help: str
    choices: tuple[tuple[str, str], ...]  # (value, label)
    choices_from: str  # a loop whose item names are the choices
    default: Any  # NO_DEFAULT when the field is required
    when: Expr | None
    hint: Any  # the model field's type
    location: Location
    # Defaults that follow earlier answers: the first whose condition holds wins over
    # `default` (money => reads are never stale).
    defaults: tuple[tuple[Expr, Any], ...] = ()
    within: PathKey = ()  # a top-level answer whose names this list's names must be among
    # Asked only when this holds; otherwise answered as without a terminal (the files'
    # answer or the default), so a file passed through keeps what it says.
    ask_if: Expr | None = None
    # For a yes-or-no question of a loop with `names`: one prompt ticking the items it
    # holds for ("Which of them hold money?"), instead of a prompt per item.
    together: str = ""

    @property
    def is_list(self) -> bool:
        """Whether the field holds names (a text answer is then split on commas)."""
        return self.hint is not str and self.type in ("text", "multiselect")


class Section(NamedTuple):
    """Questions asked together: once, per item added to a list, or over a list's items."""

    title: str
    questions: tuple[Question, ...]
    loop: str = ""  # the model list this section adds items to
    over: str = ""  # the model list whose items this section goes over again
    item: str = ""  # how `when` conditions and prompts name the item
    add: str = ""  # asked before the first item of a list that may be empty
    another: str = ""  # asked after each item
    min_items: int = 0
    # "Accept the defaults for the rest?": asked before the section's first question, or
    # after `quick_after`; yes answers the rest from the files and defaults, unasked.
    quick: Template | None = None
    quick_after: str = ""
    # On a terminal, a loop may ask every item's name at once ("payments, carts"),
    # instead of a name and "another?" per item.
    names: str = ""


class Questionnaire(NamedTuple):
    sections: tuple[Section, ...]
    source: str
    kept: tuple[PathKey, ...] = ()  # fields not asked, carried over from the answers given

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def leaves(self) -> dict[PathKey, Question]:
        """Question paths with loop indices written as 0: data[0].money."""
        return {
            ((s.loop or s.over, 0, *q.field) if s.loop or s.over else q.field): q
            for s, q in self.questions()
        }

    def loops(self) -> tuple[str, ...]:
        return tuple(s.loop for s in self.sections if s.loop)


# --- question types and the fields they fill ----------------------------------------


def _types_for(hint: Any) -> tuple[str, ...]:
    """The question types that can fill a field of this type."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _types_for(inner[0]) if len(inner) == 1 else ("text",)  # a count or names
    if origin is Literal:
        return ("select",)
    if origin is tuple:
        return ("text", "multiselect") if args[0] is str else ()
    return {bool: ("bool",), int: ("int",), float: ("float",), str: ("text",)}.get(hint, ())


def _literal_values(hint: Any) -> tuple[str, ...]:
    """The values of a Literal field, optional or not (`freshness` may be left out)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return tuple(str(a) for a in typing.get_args(hint))


def _fact_type(question: Question) -> Type | None:
    """The type of a question's answer in `when` conditions and prompts."""
    if question.type == "bool":
        return BOOL
    if question.type in ("int", "float"):
        return NUMBER._replace(nullable=question.default is None)
    if question.type == "select":
        return Type("string", tuple(v for v, _ in question.choices))
    if question.type == "multiselect" or question.is_list:
        return LIST if typing.get_origin(question.hint) is tuple else None
    return STRING


# --- loading the question file ------------------------------------------------------


class _Loader:
    def __init__(self, doc: yamlsource.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.ids: set[str] = set()
        self.facts: dict[str, Type] = {}  # answers before the question being read
        self.item_facts: dict[str, dict[str, Type]] = {}  # per loop
        self.kept: list[PathKey] = []
        self.sections_so_far: list[Section] = []

    def fail(
        self, path: PathKey, message: str, expected: str = "", found: str = "", hint: str = ""
    ) -> None:
        self.problems.append(Problem(message, self.doc.locate(path), expected, found, hint))

    def keys(
        self, raw: Mapping[str, Any], known: tuple[str, ...], path: PathKey, what: str
    ) -> None:
        for key in raw:
            if key not in known:
                hint = did_you_mean(str(key), known)
                self.fail(
                    (*path, key),
                    f"{what}: unknown key {key!r}",
                    "one of " + ", ".join(known),
                    hint=hint,
                )

    def text(
        self, raw: Mapping[str, Any], key: str, path: PathKey, what: str, required: bool = True
    ) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(
                (*path, key),
                f"{what}: '{key}' must be text",
                "non-empty text",
                "nothing" if value == "" else repr(value),
            )
            return ""
        return value

    def load(self) -> tuple[Section, ...]:
        data = self.doc.data
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            self.fail((), "a question file is a mapping with a list of 'sections'")
            return ()
        self.keys(data, ("sections", "kept"), (), "question file")
        kept = data.get("kept", [])
        for i, name in enumerate(kept if isinstance(kept, list) else [kept]):
            path = parse_path(str(name))
            if path and len(path) > 1 and model_path((path[0], 0)):  # data.design
                path = (path[0], 0, *path[1:])
            if path is None or not model_path(path):
                self.fail(
                    ("kept", i),
                    f"kept field '{name}' is not a field of the model",
                    "a field path such as accept or data.design",
                )
            else:
                self.kept.append(shape(path))
        sections: list[Section] = []
        for i, raw in enumerate(data["sections"]):
            section = self.section(raw, ("sections", i), sections)
            if section is not None:
                sections.append(section)
                self.sections_so_far.append(section)
        return tuple(sections)

    def section(self, raw: Any, path: PathKey, earlier: list[Section]) -> Section | None:
        if not isinstance(raw, dict):
            self.fail(path, "a section must be a mapping")
            return None
        what = f"section {path[-1]}"
        self.keys(raw, _SECTION_KEYS, path, what)
        title = self.text(raw, "title", path, what)
        loop, over = raw.get("loop", ""), raw.get("over", "")
        cls: type = Requirements
        section = Section(title, ())
        if loop and over:
            self.fail(path, f"{what}: 'loop' and 'over' exclude each other")
            return None
        if loop:
            found = model_field(Requirements, (str(loop),))
            if (
                found is None
                or typing.get_origin(found[0]) is not tuple
                or not dataclasses.is_dataclass(typing.get_args(found[0])[0])
            ):
                self.fail(
                    (*path, "loop"),
                    f"{what}: 'loop' must name a list of the model",
                    "data, services or transactions",
                    repr(loop),
                )
                return None
            cls = typing.get_args(found[0])[0]
            item = self.text(raw, "item", path, what)
            if item and not _IDENTIFIER.match(item):
                self.fail((*path, "item"), f"{what}: 'item' must be a plain name", found=item)
            min_items = int(found[1].metadata.get("min_items", 0))
            section = section._replace(
                loop=loop,
                item=item,
                min_items=min_items,
                another=self.text(raw, "another", path, what),
                add=self.text(raw, "add", path, what, min_items == 0),
                names=self.text(raw, "names", path, what, False),
            )
            self.item_facts[loop] = {}
        elif over:
            looped = next((s for s in earlier if s.loop == over), None)
            if looped is None:
                self.fail(
                    (*path, "over"), f"{what}: 'over' must name an earlier loop", found=repr(over)
                )
                return None
            found = model_field(Requirements, (over,))
            assert found is not None
            cls = typing.get_args(found[0])[0]
            section = section._replace(over=over, item=looped.item)
        questions = raw.get("questions")
        if not isinstance(questions, list) or not questions:
            self.fail((*path, "questions"), f"{what}: 'questions' must be a non-empty list")
            return None
        scope = section.loop or section.over
        built = []
        for j, q in enumerate(questions):
            question = self.question(q, (*path, "questions", j), cls, section)
            if question is None:
                continue
            built.append(question)
            kind = _fact_type(question)
            name = ".".join(map(str, question.field))
            if kind is not None and scope:
                self.item_facts[scope][f"{section.item}.{name}"] = kind
            elif kind is not None:
                self.facts[name] = kind
            if not scope and question.field in DERIVED:
                self.facts[DERIVED[question.field][0]] = NUMBER
        section = section._replace(questions=tuple(built))
        if "quick" in raw:
            section = self.quick(raw, path, what, section)
        return section

    def quick(self, raw: Mapping[str, Any], path: PathKey, what: str, section: Section) -> Section:
        scope = section.loop or section.over
        schema = self.facts | (self.item_facts.get(scope, {}) if scope else {})
        try:
            quick = parse_template(self.text(raw, "quick", path, what), schema, {})
        except ConditionError as exc:
            self.fail((*path, "quick"), f"{what}: {exc}")
            return section
        after = raw.get("quick_after", "")
        if after and after not in [q.id for q in section.questions]:
            self.fail(
                (*path, "quick_after"),
                f"{what}: 'quick_after' names no question of the section",
                "a question id of this section",
                repr(after),
            )
        return section._replace(quick=quick, quick_after=str(after))

    def question(self, raw: Any, path: PathKey, cls: type, section: Section) -> Question | None:
        if not isinstance(raw, dict):
            self.fail(path, "a question must be a mapping")
            return None
        qid = raw.get("id")
        if not isinstance(qid, str) or not qid:
            self.fail((*path, "id"), "every question needs an 'id'", "text", repr(qid))
            return None
        what = f"question '{qid}'"
        if qid in self.ids:
            self.fail((*path, "id"), f"{what}: duplicate id")
        self.ids.add(qid)
        count = len(self.problems)
        self.keys(raw, _QUESTION_KEYS, path, what)
        field_text = self.text(raw, "field", path, what)
        names: PathKey = tuple(field_text.split(".")) if field_text else ()
        found = model_field(cls, names) if names else None
        if (
            found is None
            or dataclasses.is_dataclass(found[0])
            or names == ("version",)
            or (
                typing.get_origin(found[0]) is tuple
                and dataclasses.is_dataclass(typing.get_args(found[0])[0])
            )
        ):
            self.fail(
                (*path, "field"),
                f"{what}: 'field' is not a field of the model",
                f"a field of {cls.__name__}",
                repr(field_text),
            )
            return None
        hint, declared = found
        qtype = raw.get("type")
        if qtype not in _types_for(hint):
            allowed = " or ".join(_types_for(hint)) or "no question type"
            self.fail(
                (*path, "type"),
                f"{what}: the type does not fit field '{field_text}'",
                allowed,
                repr(qtype),
            )
            return None
        choices = self.choices(raw, path, what, qtype, hint)
        choices_from = raw.get("choices_from", "")
        if choices_from and (
            qtype != "multiselect"
            or choices_from not in (section.loop, section.over, *self.item_facts)
        ):
            self.fail(
                (*path, "choices_from"),
                f"{what}: 'choices_from' names a loop for a multiselect",
                "an earlier loop",
                repr(choices_from),
            )
        if qtype in ("select", "multiselect") and not choices and not choices_from:
            self.fail((*path, "choices"), f"{what}: a {qtype} question needs choices")
        scope = section.loop or section.over
        schema = self.facts | (self.item_facts.get(scope, {}) if scope else {})
        prompt_text = self.text(raw, "prompt", path, what)
        try:
            prompt = parse_template(prompt_text, schema, {})
        except ConditionError as exc:
            self.fail((*path, "prompt"), f"{what}: {exc}")
            prompt = Template([prompt_text])
        when = None
        if "when" in raw:
            try:
                when = parse_condition(raw["when"], schema, {})
            except ConditionError as exc:
                self.fail(
                    (*path, "when"),
                    f"{what}: 'when': {exc}",
                    hint="a condition reads the answers asked before it",
                )
        ask_if = None
        if "ask_if" in raw:
            try:
                ask_if = parse_condition(raw["ask_if"], schema, {})
            except ConditionError as exc:
                self.fail((*path, "ask_if"), f"{what}: 'ask_if': {exc}")
        default = self.default(raw, path, what, declared, section, names)
        defaults = []
        for k, item in enumerate(raw.get("defaults", [])):
            at = (*path, "defaults", k)
            if not isinstance(item, dict) or set(item) != {"when", "value"}:
                self.fail(at, f"{what}: each of 'defaults' is {{when, value}}")
                continue
            try:
                condition = parse_condition(item["when"], schema, {})
            except ConditionError as exc:
                self.fail((*at, "when"), f"{what}: 'defaults': {exc}")
                continue
            value = self.default({"default": item["value"]}, at, what, declared, section, names)
            defaults.append((condition, value))
        within: PathKey = ()
        if "within" in raw:
            within = tuple(str(raw["within"]).split("."))
            if (
                within not in [q.field for s in self.sections_so_far for q in s.questions]
                or typing.get_origin(hint) is not tuple
            ):
                self.fail(
                    (*path, "within"),
                    f"{what}: 'within' names an earlier top-level answer, for a list of names",
                    "e.g. deployment.regions",
                    repr(raw["within"]),
                )
        together = self.text(raw, "together", path, what, required=False)
        if together and (qtype != "bool" or not section.loop or when is not None):
            self.fail(
                (*path, "together"),
                f"{what}: 'together' asks a yes-or-no question of a loop's items at once",
                "a bool question of a loop, without 'when'",
            )
        question = Question(
            qid,
            names,
            qtype,
            prompt,
            self.text(raw, "help", path, what, required=False),
            choices,
            choices_from,
            default,
            when,
            hint,
            self.doc.locate(path),
            tuple(defaults),
            within,
            ask_if,
            together,
        )
        return question if len(self.problems) == count else None

    def choices(
        self, raw: Mapping[str, Any], path: PathKey, what: str, qtype: str, hint: Any
    ) -> tuple[tuple[str, str], ...]:
        given = raw.get("choices")
        if given is None:
            return ()
        if qtype not in ("select", "multiselect"):
            self.fail((*path, "choices"), f"{what}: only select and multiselect take choices")
            return ()
        if isinstance(given, list):
            pairs = [(v, v) for v in given]
        elif isinstance(given, dict):
            pairs = list(given.items())
        else:
            self.fail(
                (*path, "choices"),
                f"{what}: 'choices' must be a list or a mapping of value to label",
            )
            return ()
        if not all(isinstance(v, str) and isinstance(label, str) for v, label in pairs):
            self.fail((*path, "choices"), f"{what}: choices and labels must be text")
            return ()
        if qtype == "select":
            allowed = _literal_values(hint)
            for value, _ in pairs:
                if value not in allowed:
                    self.fail(
                        (*path, "choices", value),
                        f"{what}: '{value}' is not a value of the field",
                        "one of " + " | ".join(allowed),
                    )
        return tuple(pairs)

    def default(
        self,
        raw: Mapping[str, Any],
        path: PathKey,
        what: str,
        declared: dataclasses.Field[Any],
        section: Section,
        names: PathKey,
    ) -> Any:
        default = model_default(declared)
        if "default" not in raw:
            return default
        if default is NO_DEFAULT:
            self.fail((*path, "default"), f"{what}: a required field takes no default")
            return default
        # Checked by the model itself, placed into a minimal valid document.
        scope = section.loop or section.over
        target: PathKey = (scope, 0, *names) if scope else names
        document = copy.deepcopy(_SKELETON)
        put(document, target, raw["default"])
        try:
            requirements.from_document(yamlsource.Document(document, "", {}))
        except InputError as error:
            for problem in error.problems:
                self.fail(
                    (*path, "default"),
                    f"{what}: invalid default: {problem.message}",
                    problem.expected,
                    problem.found,
                )
        value = raw["default"]
        return list(value) if isinstance(value, tuple) else value


def load(path: Path | None = None) -> Questionnaire:
    """Load and check a question file (the shipped one by default)."""
    if path is None:
        from ..resources import rules_dir

        path = rules_dir() / "questions.yaml"
    doc = yamlsource.load(str(path))
    loader = _Loader(doc)
    sections = loader.load()
    if loader.problems:
        raise InputError(loader.problems)
    return Questionnaire(sections, str(path), tuple(loader.kept))
