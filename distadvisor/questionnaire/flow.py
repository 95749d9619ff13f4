"""The flow of `distadvisor init`: ask each question in turn and build the requirements.

Answers are chosen by precedence: the command line, then the prompt, then the
answer files, then the question's default. The rest are asked through a `Prompter`
(the questionary adapter is in `prompts.py`; tests pass a scripted one). Every
answer, whatever its source, is validated by `requirements.from_document`, so the
questionnaire, `--data` and the YAML loader report errors alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ..errors import InputError, Location, Problem
from ..model import requirements, yamlsource
from ..model.fieldpaths import NO_DEFAULT, put, shape
from ..model.requirements import Requirements
from ..model.yamlsource import PathKey, format_path
from .answers import Answer, Answers, coerce
from .questions import Question, Questionnaire, Section


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


def _within(problem_path: str, path: str) -> bool:
    return problem_path == path or problem_path.startswith((path + ".", path + "["))


def _scope(path: PathKey) -> PathKey:
    """The list item a path lies in (`("data", 3)`), or `()` for a top-level field."""
    return path[:2] if len(path) > 1 and isinstance(path[1], int) else ()


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
        self.scopes: dict[PathKey, dict[PathKey, None]] = {}  # scope -> its answered paths

    # the document and its validation

    def document(self, extra: Mapping[PathKey, Any] | None = None) -> dict[str, Any]:
        document: dict[str, Any] = {"version": 1}
        values = {p: a.value for p, a in self.accepted.items()} | dict(extra or {})
        for path, value in values.items():
            put(document, path, value)
        return document

    def problems_at(self, path: PathKey, value: Any) -> list[Problem]:
        """The problems an answer has where it stands, its own scope validated alone.

        Only the top-level answers, or only the answer's list item (placed first in its
        list), are validated: checking the whole document for every answer made `init`
        quadratic in the items. Checks across items (unique names) run over the whole
        document in `finish`, which asks again for what they reject.
        """
        scope = _scope(path)
        rebase = (scope[0], 0) if scope else ()
        document: dict[str, Any] = {"version": 1}
        for answered in (*self.scopes.get(scope, ()), path):
            answer = value if answered == path else self.accepted[answered].value
            put(document, (*rebase, *answered[len(scope):]), answer)
        try:
            requirements.from_document(yamlsource.Document(document, "", {}))
        except InputError as error:
            where, local, real = format_path(path), format_path(rebase), format_path(scope)
            return [
                p._replace(location=p.location._replace(path=real + p.location.path[len(local):]))
                for p in error.problems
                if _within(real + p.location.path[len(local):], where)
                and p.location.path.startswith(local)
            ]
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
        self.keep(path, answer)
        name = ".".join(map(str, question.field))
        key = f"{self.item(scope)}.{name}" if scope else name
        value = answer.value if valid else question.default
        self.facts[scope][key] = None if value is NO_DEFAULT else value

    def keep(self, path: PathKey, answer: Answer) -> None:
        self.accepted[path] = answer
        self.scopes.setdefault(_scope(path), {})[path] = None

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
            if candidate is None and question.default is not NO_DEFAULT:
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
                                    None if default is NO_DEFAULT else default, error, check)
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
            if shape(path) not in leaves and not ended:  # fields not asked, and version
                self.keep(path, answer)
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
                if self.prompter is None:
                    raise InputError(
                        [self.unanswered(p, t) for p, t in zip(problems, targets, strict=True)]
                    ) from None
                if None in targets:
                    raise InputError(problems) from None
                for path in dict.fromkeys(t for t in targets if t is not None):
                    question, scope, _ = self.asked.setdefault(
                        path, self.question_at(path)
                    )
                    own = [p for p, t in zip(problems, targets, strict=True) if t == path]
                    self.ask(question, path, scope, self.accepted[path].value, describe(own))

    def unanswered(self, problem: Problem, target: PathKey | None) -> Problem:
        """Without a terminal, a problem with a default the flow filled in is an answer
        the user still has to give: say which, and how."""
        if target is None or self.accepted[target].origin.file != "default":
            return problem
        _, _, prompt = self.question_at(target)
        where = format_path(target)
        return Problem(
            f"no answer to '{prompt}' ({problem.message})", Location("init", path=where),
            f"--data {where}=VALUE, a --data-file, or a terminal to ask on",
        )

    def target(self, problem: Problem) -> PathKey | None:
        """The answered question a problem points at."""
        leaves = self.questionnaire.leaves()
        for path in sorted(self.accepted, key=len, reverse=True):
            if _within(problem.location.path, format_path(path)):
                return path if shape(path) in leaves else None
        return None

    def question_at(self, path: PathKey) -> tuple[Question, PathKey, str]:
        question = self.questionnaire.leaves()[shape(path)]
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
