"""Answers given before anything is asked: `--data FIELD=VALUE`, `--data-file` and `--from`.

Each answer is keyed by its field path and remembers where it came from, so a
problem found later points at the command-line pair or the file line behind it.
Which source wins is the flow's business (`questionnaire`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..errors import InputError, Location, Problem, did_you_mean
from ..model import yamlsource
from ..model.fieldpaths import model_path, parse_path, shape
from ..model.requirements import MAX_ENTRIES
from ..model.yamlsource import PathKey, format_path
from .questions import Question, Questionnaire


class Answer(NamedTuple):
    """A value and where it came from, for error messages."""

    value: Any
    origin: Location


Answers = dict[PathKey, Answer]

_INDEX = re.compile(r"\[(\d+)\]")


def _index_problem(text: str, where: Location) -> Problem | None:
    """A list index past the most entries a list may hold, refused before any list is
    built to reach it (`data[1000000000]` would fill memory)."""
    for digits in _INDEX.findall(text):
        if len(digits) > len(str(MAX_ENTRIES)) or int(digits) >= MAX_ENTRIES:
            shown = digits if len(digits) <= 20 else f"a number of {len(digits)} digits"
            return Problem(
                "list index too large",
                where,
                f"an index below {MAX_ENTRIES}, the most entries a list may hold",
                shown,
            )
    return None


def _unknown_path(questionnaire: Questionnaire, path: PathKey, where: Location) -> Problem:
    index = next((p for p in path if isinstance(p, int)), 0)
    known = [
        format_path(tuple(index if isinstance(p, int) else p for p in leaf))
        for leaf in questionnaire.leaves()
    ]
    hint = did_you_mean(format_path(path), known)
    return Problem(
        f"unknown field '{format_path(path)}'",
        where,
        "a field of the requirements file, e.g. availability.target or data[0].money",
        hint=hint or "see docs/requirements.md",
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
        too_large = _index_problem(key, where)
        path = parse_path(key.strip()) if too_large is None else None
        if too_large is not None:
            problems.append(too_large)
        elif not sep or path is None:
            problems.append(
                Problem(
                    "not a field=value pair",
                    where,
                    "e.g. --data availability.target=99.99",
                    repr(pair),
                )
            )
        elif path == ("version",):
            answers[path] = Answer(yamlsource.parse(value, "--data version").data, where)
        elif shape(path) not in leaves and model_path(path):  # not asked: carried over
            try:
                answers[path] = Answer(yamlsource.parse(value, f"--data {key}").data, where)
            except InputError as error:
                problems.extend(error.problems)
        elif shape(path) not in leaves:
            problems.append(_unknown_path(questionnaire, path, where))
        else:
            try:
                answers[path] = Answer(coerce(leaves[shape(path)], value, f"--data {key}"), where)
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
        shaped = shape(path)
        if shaped in leaves or path == ("version",):
            answers[path] = Answer(value, where)
        elif len(path) == 1 and path[0] in loops:
            if not isinstance(value, list):
                problems.append(Problem("must be a list", where, "a list", repr(value)))
                return
            for i, item in enumerate(value):
                walk((*path, i), (*raw_path, i), item)
        elif any(leaf[: len(shaped)] == shaped for leaf in leaves):
            if not isinstance(value, dict):
                problems.append(
                    Problem("must be a mapping", where, "a mapping of fields", repr(value))
                )
                return
            for key, item in value.items():
                too_large = _index_problem(str(key), where)
                sub = parse_path(str(key)) if too_large is None else None
                if too_large is not None:
                    problems.append(too_large)
                elif sub is None:
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
