"""The questionnaire behind `distadvisor init`: questions as data, and the flow over them.

The questions live in `rules/questions.yaml`; each fills one field of the requirements
model. This module checks that file against the model, gathers answers from the
command line, answer files and defaults, asks the rest through a `Prompter` (the
questionary adapter is in `prompts.py`; tests pass a scripted one), and produces the
requirements document. Every answer, whatever its source, is validated by
`requirements.from_document`, so the questionnaire, `--data` and the YAML loader
report errors alike.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import itertools
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import yaml

from . import requirements, yamlsource
from .conditions import (
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
from .errors import InputError, Location, Problem
from .requirements import Requirements
from .yamlsource import PathKey, format_path

_SECTION_KEYS = ("title", "loop", "over", "item", "add", "another", "questions")
_QUESTION_KEYS = (
    "id", "field", "type", "prompt", "help", "choices", "choices_from", "default", "when",
)
_NO_DEFAULT: Any = object()  # a required field: its question has no default
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")
# A minimal valid document: a default is checked by placing it into this and validating.
_SKELETON: dict[str, Any] = {
    "version": 1,
    "system": "s",
    "data": [{"name": "d"}],
    "services": [{"name": "s"}],
    "transactions": [{"name": "t", "steps": ["a"], "services": ["s"]}],
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
    default: Any  # _NO_DEFAULT when the field is required
    when: Expr | None
    hint: Any  # the model field's type
    location: Location

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


class Answer(NamedTuple):
    """A value and where it came from, for error messages."""

    value: Any
    origin: Location


Answers = dict[PathKey, Answer]


class Prompter(Protocol):
    """What the flow needs from a terminal; `prompts.QuestionaryPrompter` provides it."""

    def section(self, title: str) -> None: ...

    def ask(
        self,
        question: Question,
        prompt: str,
        choices: Sequence[tuple[str, str]],
        default: Any,
        error: str,
        check: Callable[[Any], str],
    ) -> Any:
        """The raw answer: text for text and number questions, a bool, a choice's value or
        a list of them. `check(raw)` returns the message for an invalid answer, else ''."""
        ...

    def confirm(self, prompt: str, default: bool) -> bool: ...


# --- the model's fields -------------------------------------------------------------


def _model_field(cls: type, names: PathKey) -> tuple[Any, dataclasses.Field[Any]] | None:
    """The type and declaration of a field by path, e.g. ("deployment", "regions")."""
    hint: Any = cls
    declared: dataclasses.Field[Any] | None = None
    for name in names:
        if not dataclasses.is_dataclass(hint):
            return None
        fields = {f.name: f for f in dataclasses.fields(hint)}
        if name not in fields:
            return None
        declared = fields[name]
        hint = requirements.field_types(typing.cast(type, hint))[name]
    return (hint, declared) if declared is not None else None


def _unwrap(hint: Any) -> Any:
    """`X | None` -> X; other types unchanged."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner[0] if len(inner) == 1 else hint
    return hint


def model_path(path: PathKey) -> bool:
    """Whether a concrete path (`data[0].design.level`) names a field of the model."""
    hint: Any = Requirements
    for key in path:
        hint = _unwrap(hint)
        if isinstance(key, int):
            if typing.get_origin(hint) is not tuple:
                return False
            hint = typing.get_args(hint)[0]
        elif isinstance(hint, type) and dataclasses.is_dataclass(hint) and \
                key in requirements.field_types(hint):
            hint = requirements.field_types(hint)[key]
        else:
            return False
    return bool(path)


def _model_default(declared: dataclasses.Field[Any]) -> Any:
    if declared.metadata.get("required"):
        return _NO_DEFAULT
    if declared.default is not dataclasses.MISSING:
        value = declared.default
    else:
        value = declared.default_factory()  # type: ignore[operator]
    return list(value) if isinstance(value, tuple) else value


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

    def fail(self, path: PathKey, message: str, expected: str = "", found: str = "",
             hint: str = "") -> None:
        self.problems.append(Problem(message, self.doc.locate(path), expected, found, hint))

    def keys(self, raw: Mapping[str, Any], known: tuple[str, ...], path: PathKey,
             what: str) -> None:
        for key in raw:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                self.fail((*path, key), f"{what}: unknown key '{key}'", "one of " +
                          ", ".join(known), hint=f"did you mean '{close[0]}'?" if close else "")

    def text(self, raw: Mapping[str, Any], key: str, path: PathKey, what: str,
             required: bool = True) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail((*path, key), f"{what}: '{key}' must be text", "non-empty text",
                      "nothing" if value == "" else repr(value))
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
                self.fail(("kept", i), f"kept field '{name}' is not a field of the model",
                          "a field path such as accept or data.design")
            else:
                self.kept.append(_shape(path))
        sections: list[Section] = []
        for i, raw in enumerate(data["sections"]):
            section = self.section(raw, ("sections", i), sections)
            if section is not None:
                sections.append(section)
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
            found = _model_field(Requirements, (str(loop),))
            if found is None or typing.get_origin(found[0]) is not tuple or \
                    not dataclasses.is_dataclass(typing.get_args(found[0])[0]):
                self.fail((*path, "loop"), f"{what}: 'loop' must name a list of the model",
                          "data, services or transactions", repr(loop))
                return None
            cls = typing.get_args(found[0])[0]
            item = self.text(raw, "item", path, what)
            if item and not _IDENTIFIER.match(item):
                self.fail((*path, "item"), f"{what}: 'item' must be a plain name", found=item)
            min_items = int(found[1].metadata.get("min_items", 0))
            section = section._replace(loop=loop, item=item, min_items=min_items,
                                       another=self.text(raw, "another", path, what),
                                       add=self.text(raw, "add", path, what, min_items == 0))
            self.item_facts[loop] = {}
        elif over:
            looped = next((s for s in earlier if s.loop == over), None)
            if looped is None:
                self.fail((*path, "over"), f"{what}: 'over' must name an earlier loop",
                          found=repr(over))
                return None
            found = _model_field(Requirements, (over,))
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
        return section._replace(questions=tuple(built))

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
        found = _model_field(cls, names) if names else None
        if found is None or dataclasses.is_dataclass(found[0]) or names == ("version",) or (
            typing.get_origin(found[0]) is tuple
            and dataclasses.is_dataclass(typing.get_args(found[0])[0])
        ):
            self.fail((*path, "field"), f"{what}: 'field' is not a field of the model",
                      f"a field of {cls.__name__}", repr(field_text))
            return None
        hint, declared = found
        qtype = raw.get("type")
        if qtype not in _types_for(hint):
            allowed = " or ".join(_types_for(hint)) or "no question type"
            self.fail((*path, "type"), f"{what}: the type does not fit field '{field_text}'",
                      allowed, repr(qtype))
            return None
        choices = self.choices(raw, path, what, qtype, hint)
        choices_from = raw.get("choices_from", "")
        if choices_from and (qtype != "multiselect" or choices_from not in
                             (section.loop, section.over, *self.item_facts)):
            self.fail((*path, "choices_from"), f"{what}: 'choices_from' names a loop for a "
                      "multiselect", "an earlier loop", repr(choices_from))
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
                self.fail((*path, "when"), f"{what}: 'when': {exc}",
                          hint="a condition reads the answers asked before it")
        default = self.default(raw, path, what, declared, section, names)
        question = Question(
            qid, names, qtype, prompt, self.text(raw, "help", path, what, required=False),
            choices, choices_from, default, when, hint, self.doc.locate(path),
        )
        return question if len(self.problems) == count else None

    def choices(self, raw: Mapping[str, Any], path: PathKey, what: str, qtype: str,
                hint: Any) -> tuple[tuple[str, str], ...]:
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
            self.fail((*path, "choices"), f"{what}: 'choices' must be a list or a mapping "
                      "of value to label")
            return ()
        if not all(isinstance(v, str) and isinstance(label, str) for v, label in pairs):
            self.fail((*path, "choices"), f"{what}: choices and labels must be text")
            return ()
        if qtype == "select":
            allowed = _literal_values(hint)
            for value, _ in pairs:
                if value not in allowed:
                    self.fail((*path, "choices", value), f"{what}: '{value}' is not a value "
                              "of the field", "one of " + " | ".join(allowed))
        return tuple(pairs)

    def default(self, raw: Mapping[str, Any], path: PathKey, what: str,
                declared: dataclasses.Field[Any], section: Section, names: PathKey) -> Any:
        default = _model_default(declared)
        if "default" not in raw:
            return default
        if default is _NO_DEFAULT:
            self.fail((*path, "default"), f"{what}: a required field takes no default")
            return default
        # Checked by the model itself, placed into a minimal valid document.
        scope = section.loop or section.over
        target: PathKey = (scope, 0, *names) if scope else names
        document = copy.deepcopy(_SKELETON)
        _put(document, target, raw["default"])
        try:
            requirements.from_document(yamlsource.Document(document, "", {}))
        except InputError as error:
            for problem in error.problems:
                self.fail((*path, "default"), f"{what}: invalid default: {problem.message}",
                          problem.expected, problem.found)
        value = raw["default"]
        return list(value) if isinstance(value, tuple) else value


def load(path: Path | None = None) -> Questionnaire:
    """Load and check a question file (the shipped one by default)."""
    if path is None:
        from .resources import rules_dir

        path = rules_dir() / "questions.yaml"
    doc = yamlsource.load(str(path))
    loader = _Loader(doc)
    sections = loader.load()
    if loader.problems:
        raise InputError(loader.problems)
    return Questionnaire(sections, str(path), tuple(loader.kept))


# --- answers from the command line and from files -----------------------------------


def parse_path(text: str) -> PathKey | None:
    """`data[0].money` -> ("data", 0, "money"); None when it is not a field path."""
    path: list[str | int] = []
    for part in text.split("."):
        match = _PATH_PART.fullmatch(part)
        if match is None:
            return None
        path.append(match.group(1))
        path.extend(int(i) for i in re.findall(r"\d+", match.group(2)))
    return tuple(path)


def _shape(path: PathKey) -> PathKey:
    """The question path a concrete path answers: every index becomes 0."""
    return tuple(0 if isinstance(p, int) else p for p in path)


def _unknown_path(questionnaire: Questionnaire, path: PathKey, where: Location) -> Problem:
    index = next((p for p in path if isinstance(p, int)), 0)
    known = [
        format_path(tuple(index if isinstance(p, int) else p for p in leaf))
        for leaf in questionnaire.leaves()
    ]
    close = difflib.get_close_matches(format_path(path), known, n=1, cutoff=0.6)
    return Problem(
        f"unknown field '{format_path(path)}'",
        where,
        "a field of the requirements file, e.g. availability.target or data[0].money",
        hint=f"did you mean '{close[0]}'?" if close else "see docs/requirements.md",
    )


def coerce(question: Question, raw: Any, source: str) -> Any:
    """A typed or command-line answer as the document holds it (YAML scalars, lists)."""
    if not isinstance(raw, str):
        return list(raw) if isinstance(raw, tuple) else raw
    text = raw.strip()
    if question.type == "select" or (question.type == "text" and not question.is_list):
        return text
    if not text:
        return [] if question.is_list else None
    value = yamlsource.parse(text, source).data
    if question.is_list and isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return value


def command_line(questionnaire: Questionnaire, pairs: Sequence[str]) -> Answers:
    """`--data key=value` answers, each parsed by its question's type."""
    leaves = questionnaire.leaves()
    answers: Answers = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        where = Location("--data", path=key.strip())
        path = parse_path(key.strip())
        if not sep or path is None:
            problems.append(Problem("not a field=value pair", where,
                                    "e.g. --data availability.target=99.99", repr(pair)))
        elif path == ("version",):
            answers[path] = Answer(yamlsource.parse(value, "--data version").data, where)
        elif _shape(path) not in leaves and model_path(path):  # not asked: carried over
            try:
                answers[path] = Answer(yamlsource.parse(value, f"--data {key}").data, where)
            except InputError as error:
                problems.extend(error.problems)
        elif _shape(path) not in leaves:
            problems.append(_unknown_path(questionnaire, path, where))
        else:
            try:
                answers[path] = Answer(coerce(leaves[_shape(path)], value, f"--data {key}"),
                                       where)
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return answers


def from_file(questionnaire: Questionnaire, doc: yamlsource.Document) -> Answers:
    """Answers from a YAML file: a requirements document, whole or partial, whose keys
    may also be field paths (`availability.target: 99.99`, `data[0].money: true`)."""
    leaves = questionnaire.leaves()
    loops = questionnaire.loops()
    answers: Answers = {}
    problems: list[Problem] = []

    def walk(path: PathKey, raw_path: PathKey, value: Any) -> None:
        where = doc.locate(raw_path)._replace(path=format_path(path))
        shape = _shape(path)
        if shape in leaves or path == ("version",):
            answers[path] = Answer(value, where)
        elif len(path) == 1 and path[0] in loops:
            if not isinstance(value, list):
                problems.append(Problem("must be a list", where, "a list", repr(value)))
                return
            for i, item in enumerate(value):
                walk((*path, i), (*raw_path, i), item)
        elif any(leaf[: len(shape)] == shape for leaf in leaves):
            if not isinstance(value, dict):
                problems.append(Problem("must be a mapping", where, "a mapping of fields",
                                        repr(value)))
                return
            for key, item in value.items():
                sub = parse_path(str(key))
                if sub is None:
                    problems.append(_unknown_path(questionnaire, (*path, str(key)), where))
                else:
                    walk((*path, *sub), (*raw_path, key), item)
        elif model_path(path):  # a field not asked: carried over as given
            answers[path] = Answer(value, where)
        else:
            problems.append(_unknown_path(questionnaire, path, where))

    if doc.data is not None:
        walk((), (), doc.data)
    if problems:
        raise InputError(problems)
    return answers


# --- the flow -----------------------------------------------------------------------


def _put(document: Any, path: PathKey, value: Any) -> None:
    """Set `value` at `path`, creating the mappings and list entries on the way."""
    node = document
    for key, following in itertools.pairwise(path):
        if isinstance(key, int):
            node.extend(None for _ in range(key + 1 - len(node)))
            current = node[key]
        else:
            current = node.get(key)
        if current is None:
            current = [] if isinstance(following, int) else {}
            node[key] = current
        node = current
    last = path[-1]
    if isinstance(last, int):
        node.extend(None for _ in range(last + 1 - len(node)))
    node[last] = value


def _within(problem_path: str, path: str) -> bool:
    return problem_path == path or problem_path.startswith((path + ".", path + "["))


def describe(problems: Sequence[Problem]) -> str:
    """Problems as one line for a prompt: what, expected, found (no location)."""
    return "; ".join(problem.detail() for problem in problems)


class _Flow:
    """Walks the sections, choosing each answer by precedence: command line, then the
    prompt, then the answer files, then the question's default."""

    def __init__(self, questionnaire: Questionnaire, given: Answers, files: Answers,
                 prompter: Prompter | None) -> None:
        self.questionnaire = questionnaire
        self.given = given
        self.files = files
        self.prompter = prompter
        self.accepted: Answers = {}
        self.facts: dict[PathKey, dict[str, Any]] = {(): {}}  # per scope: () or (loop, i)
        self.asked: dict[PathKey, tuple[Question, PathKey, str]] = {}
        self.missing: list[Problem] = []
        self.invalid: list[Problem] = []
        self.counts: dict[str, int] = {}

    # the document and its validation

    def document(self, extra: Mapping[PathKey, Any] | None = None) -> dict[str, Any]:
        document: dict[str, Any] = {"version": 1}
        values = {p: a.value for p, a in self.accepted.items()} | dict(extra or {})
        for path, value in values.items():
            _put(document, path, value)
        return document

    def problems_at(self, path: PathKey, value: Any) -> list[Problem]:
        try:
            requirements.from_document(
                yamlsource.Document(self.document({path: value}), "", {})
            )
        except InputError as error:
            where = format_path(path)
            return [p for p in error.problems if _within(p.location.path, where)]
        return []

    def origin(self, problem: Problem) -> Problem:
        """A problem located where the answer behind it came from."""
        for path, answer in sorted(self.accepted.items(), key=lambda a: -len(a[0])):
            if _within(problem.location.path, format_path(path)):
                return problem._replace(
                    location=answer.origin._replace(path=problem.location.path)
                )
        return problem._replace(location=Location("init", path=problem.location.path))

    # answering

    def known(self, loop: str) -> int:
        """How many items of a list the command line and the files describe."""
        indices = [p[1] for p in (*self.given, *self.files)
                   if len(p) > 1 and p[0] == loop and isinstance(p[1], int)]
        return max(indices, default=-1) + 1

    def accept(self, question: Question, path: PathKey, scope: PathKey, answer: Answer,
               valid: bool) -> None:
        self.accepted[path] = answer
        name = ".".join(map(str, question.field))
        key = f"{self.item(scope)}.{name}" if scope else name
        value = answer.value if valid else question.default
        self.facts[scope][key] = None if value is _NO_DEFAULT else value

    def item(self, scope: PathKey) -> str:
        return next(s.item for s in self.questionnaire.sections if s.loop == scope[0])

    def choices(self, question: Question, path: PathKey) -> list[tuple[str, str]]:
        if not question.choices_from:
            return list(question.choices)
        names = [a.value for p, a in self.accepted.items()
                 if p[0] == question.choices_from and p[2:] == ("name",)]
        own = path[1] if path[0] == question.choices_from else None
        return [(str(n), str(n)) for i, n in enumerate(names) if i != own]

    def answer(self, question: Question, path: PathKey, scope: PathKey) -> None:
        facts = self.facts[()] | self.facts[scope]
        given = self.given.get(path)
        choices = self.choices(question, path)
        skipped = question.when is not None and not question.when.evaluate(facts)
        if skipped or (question.choices_from and not choices):
            if given is not None:  # the command line is kept, and validated
                self.accept(question, path, scope, given, not self.problems_at(path, given.value))
            return
        prompt = question.prompt.render(facts)
        candidate = given
        if candidate is None and self.prompter is None:
            candidate = self.files.get(path)
            if candidate is None and question.default is not _NO_DEFAULT:
                candidate = Answer(question.default, Location("default", path=format_path(path)))
        if candidate is None and self.prompter is None:
            self.missing.append(Problem(
                f"no answer to '{prompt}'", Location("init", path=format_path(path)),
                f"--data {format_path(path)}=VALUE, a --data-file, or a terminal to ask on",
            ))
            return
        error = ""
        if candidate is not None:
            problems = self.problems_at(path, candidate.value)
            if not problems or self.prompter is None:
                self.accept(question, path, scope, candidate, not problems)
                self.invalid.extend(self.origin(p) for p in problems)
                return
            error, default = describe(problems), candidate.value
        else:
            file_answer = self.files.get(path)
            default = file_answer.value if file_answer is not None else question.default
        self.asked[path] = (question, scope, prompt)
        self.ask(question, path, scope, default, error)

    def ask(self, question: Question, path: PathKey, scope: PathKey, default: Any,
            error: str) -> None:
        assert self.prompter is not None
        _, _, prompt = self.asked[path]
        source = f"answer to '{question.id}'"

        def check(raw: Any) -> str:
            try:
                return describe(self.problems_at(path, coerce(question, raw, source)))
            except InputError as bad:
                return describe(bad.problems)

        while True:
            raw = self.prompter.ask(question, prompt, self.choices(question, path),
                                    None if default is _NO_DEFAULT else default, error, check)
            try:
                value = coerce(question, raw, source)
            except InputError as bad:
                error, default = describe(bad.problems), raw
                continue
            error = check(value)
            if not error:
                where = Location("answer", path=format_path(path))
                self.accept(question, path, scope, Answer(value, where), True)
                return
            default = value

    def section(self, section: Section) -> None:
        if self.prompter is not None and self.counts.get(section.over, 1):
            self.prompter.section(section.title)
        if section.loop:
            self.loop(section)
        elif section.over:
            for i in range(self.counts.get(section.over, 0)):
                for question in section.questions:
                    self.answer(question, (section.over, i, *question.field), (section.over, i))
        else:
            for question in section.questions:
                self.answer(question, question.field, ())

    def loop(self, section: Section) -> None:
        known = self.known(section.loop)
        count = 0
        while True:
            if count >= section.min_items:
                more = count < known
                if self.prompter is not None:
                    text = section.another if count else section.add
                    more = self.prompter.confirm(text, more)
                if not more:
                    break
            scope = (section.loop, count)
            self.facts[scope] = {}
            for question in section.questions:
                self.answer(question, (*scope, *question.field), scope)
            count += 1
        self.counts[section.loop] = count

    def finish(self) -> Requirements:
        """Validate the whole document; re-ask what a cross-field check rejects."""
        leaves = self.questionnaire.leaves()
        for path, answer in (self.files | self.given).items():
            index = path[1] if len(path) > 1 else 0
            ended = isinstance(index, int) and index >= self.counts.get(str(path[0]), index + 1)
            if _shape(path) not in leaves and not ended:  # fields not asked, and version
                self.accepted[path] = answer
        if self.missing:
            raise InputError(self.missing + self.invalid)
        while True:
            try:
                return requirements.from_document(
                    yamlsource.Document(self.document(), "", {})
                )
            except InputError as error:
                problems = [self.origin(p) for p in error.problems]
                targets = [self.target(p) for p in problems]
                if self.prompter is None or None in targets:
                    raise InputError(problems) from None
                for path in dict.fromkeys(t for t in targets if t is not None):
                    question, scope, _ = self.asked.setdefault(
                        path, self.question_at(path)
                    )
                    own = [p for p, t in zip(problems, targets, strict=True) if t == path]
                    self.ask(question, path, scope, self.accepted[path].value, describe(own))

    def target(self, problem: Problem) -> PathKey | None:
        """The answered question a problem points at."""
        leaves = self.questionnaire.leaves()
        for path in sorted(self.accepted, key=len, reverse=True):
            if _within(problem.location.path, format_path(path)):
                return path if _shape(path) in leaves else None
        return None

    def question_at(self, path: PathKey) -> tuple[Question, PathKey, str]:
        question = self.questionnaire.leaves()[_shape(path)]
        scope = path[:2] if len(path) > len(question.field) else ()
        facts = self.facts[()] | self.facts.get(scope, {})
        return question, scope, question.prompt.render(facts)


def run(
    questionnaire: Questionnaire,
    *,
    given: Answers,
    files: Answers,
    prompter: Prompter | None,
) -> Requirements:
    """Answer every question by precedence and return the validated requirements.

    `given` are the command line's answers (never asked), `files` those of `--from`
    and `--data-file` (the defaults shown, or the answers when nobody is asked).
    Without a prompter a question with no answer and no default is an InputError
    naming every such question.
    """
    flow = _Flow(questionnaire, given, files, prompter)
    for section in questionnaire.sections:
        flow.section(section)
    return flow.finish()


# --- the canonical requirements file ------------------------------------------------


class _FlowList(list[Any]):
    """A list of names, written on one line: `calls: [orders, payments]`."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper, with lists of mappings indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    _FlowList, lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=True
    )
)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {}
        for declared in dataclasses.fields(value):
            item = getattr(value, declared.name)
            default = _model_default(declared)
            if default is not _NO_DEFAULT and item == (
                tuple(default) if isinstance(default, list) else default
            ):
                continue  # only meaningful fields: a default reads the same when left out
            fields[declared.name] = _plain(item)
        return fields
    if isinstance(value, tuple):
        items = [_plain(v) for v in value]
        return items if any(isinstance(v, dict) for v in items) else _FlowList(items)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_yaml(req: Requirements) -> str:
    """The requirements as the canonical file: model order, defaults left out, a blank
    line before each section."""
    text = (
        f"# Requirements of {req.system}, written by `distadvisor init`.\n"
        "# The format: docs/requirements.md. Check it with `distadvisor advise FILE`.\n"
    )
    for key, value in _plain(req).items():
        if isinstance(value, dict | list):
            text += "\n"
        text += yaml.dump(
            {key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
        )
    return text
