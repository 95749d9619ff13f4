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
from .questions import DERIVED, Question, Questionnaire, Section


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

    def review(self, answers: Sequence[tuple[PathKey, str, Any]]) -> PathKey | None:
        """The summary of every answer (path, prompt, value) before the file is written:
        the path of one to change, or None to go on."""
        ...


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

    def __init__(
        self,
        questionnaire: Questionnaire,
        given: Answers,
        files: Answers,
        prompter: Prompter | None,
    ) -> None:
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
            put(document, (*rebase, *answered[len(scope) :]), answer)
        try:
            requirements.from_document(yamlsource.Document(document, "", {}))
        except InputError as error:
            where, local, real = format_path(path), format_path(rebase), format_path(scope)
            return [
                p._replace(location=p.location._replace(path=real + p.location.path[len(local) :]))
                for p in error.problems
                if _within(real + p.location.path[len(local) :], where)
                and p.location.path.startswith(local)
            ]
        return []

    def origin(self, problem: Problem) -> Problem:
        """A problem located where the answer behind it came from."""
        for path, answer in sorted(self.accepted.items(), key=lambda a: -len(a[0])):
            if _within(problem.location.path, format_path(path)):
                return problem._replace(location=answer.origin._replace(path=problem.location.path))
        return problem._replace(location=Location("init", path=problem.location.path))

    # answering

    def known(self, loop: str) -> int:
        """How many items of a list the command line and the files describe."""
        indices = [
            p[1]
            for p in (*self.given, *self.files)
            if len(p) > 1 and p[0] == loop and isinstance(p[1], int)
        ]
        return max(indices, default=-1) + 1

    def accept(
        self, question: Question, path: PathKey, scope: PathKey, answer: Answer, valid: bool
    ) -> None:
        self.keep(path, answer)
        name = ".".join(map(str, question.field))
        key = f"{self.item(scope)}.{name}" if scope else name
        value = answer.value if valid else question.default
        self.facts[scope][key] = None if value is NO_DEFAULT else value
        if not scope and question.field in DERIVED and valid:
            fact, derive = DERIVED[question.field]
            self.facts[()][fact] = derive(value)

    def default_of(self, question: Question, facts: Mapping[str, Any], scope: PathKey) -> Any:
        """The default offered at the prompt: the first whose condition the answers so far
        meet, for an item the files do not describe (there, a field left out means the
        model's default, which is offered), else the question's default."""
        described = scope and any(p[:2] == scope for p in self.files)
        for condition, value in () if described else question.defaults:
            if condition.evaluate(facts):
                return value
        return question.default

    def outside(self, question: Question, value: Any) -> str:
        """Names of a list answer missing from the answer it must stay within (residency
        outside the regions), when that answer named them."""
        if not question.within or not isinstance(value, list | tuple):
            return ""
        given = self.accepted.get(question.within)
        names = given.value if given is not None else None
        if not isinstance(names, list | tuple):
            return ""  # regions given as a number: nothing to check against
        missing = [v for v in value if v not in names]
        if not missing:
            return ""
        return (
            f"not among the {format_path(question.within)} answered: "
            f"{', '.join(map(str, missing))}; expected some of {', '.join(map(str, names))}"
        )

    def keep(self, path: PathKey, answer: Answer) -> None:
        self.accepted[path] = answer
        self.scopes.setdefault(_scope(path), {})[path] = None

    def item(self, scope: PathKey) -> str:
        return next(s.item for s in self.questionnaire.sections if s.loop == scope[0])

    def choices(self, question: Question, path: PathKey) -> list[tuple[str, str]]:
        if not question.choices_from:
            return list(question.choices)
        names = [
            a.value
            for p, a in self.accepted.items()
            if p[0] == question.choices_from and p[2:] == ("name",)
        ]
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
            self.missing.append(
                Problem(
                    f"no answer to '{prompt}'",
                    Location("init", path=format_path(path)),
                    f"--data {format_path(path)}=VALUE, a --data-file, or a terminal to ask on",
                )
            )
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
            default = (
                file_answer.value
                if file_answer is not None
                else self.default_of(question, facts, scope)
            )
        self.asked[path] = (question, scope, prompt)
        self.ask(question, path, scope, default, error)

    def ask(
        self, question: Question, path: PathKey, scope: PathKey, default: Any, error: str
    ) -> None:
        assert self.prompter is not None
        _, _, prompt = self.asked[path]
        source = f"answer to '{question.id}'"

        def check(raw: Any) -> str:
            try:
                value = coerce(question, raw, source)
            except InputError as bad:
                return describe(bad.problems)
            return describe(self.problems_at(path, value)) or self.outside(question, value)

        while True:
            raw = self.prompter.ask(
                question,
                prompt,
                self.choices(question, path),
                None if default is NO_DEFAULT else default,
                error,
                check,
            )
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
                self.questions(section, (section.over, i))
        else:
            self.questions(section, ())

    def questions(
        self, section: Section, scope: PathKey, only: Sequence[Question] | None = None
    ) -> None:
        """The section's questions (or `only` these) for one item (or once), with its
        "accept the defaults for the rest?" offer: after a yes the rest are answered as
        without a terminal, as is a question whose `ask_if` does not hold."""
        quick = (
            section.quick is not None
            and not section.quick_after
            and only is None
            and self.offer(section, scope)
        )
        for question in section.questions if only is None else only:
            path = (*scope, *question.field)
            facts = self.facts[()] | self.facts.get(scope, {})
            if quick or (question.ask_if is not None and not question.ask_if.evaluate(facts)):
                prompter, self.prompter = self.prompter, None
                try:
                    self.answer(question, path, scope)
                finally:
                    self.prompter = prompter
            else:
                self.answer(question, path, scope)
            if not quick and section.quick_after == question.id:
                quick = self.offer(section, scope)

    def offer(self, section: Section, scope: PathKey) -> bool:
        if self.prompter is None or section.quick is None:
            return False
        facts = self.facts[()] | self.facts.get(scope, {})
        return self.prompter.confirm(section.quick.render(facts), False)

    def summary(self) -> list[tuple[PathKey, str, Any]]:
        """Every answer to a question, in the order given: (path, prompt, value)."""
        leaves = self.questionnaire.leaves()
        out = []
        for path, answer in self.accepted.items():
            if shape(path) in leaves:
                _, _, prompt = self.asked.get(path) or self.question_at(path)
                out.append((path, prompt, answer.value))
        return out

    def change(self, path: PathKey) -> None:
        """Ask one answered question again (from the summary)."""
        question, scope, _ = self.asked.setdefault(path, self.question_at(path))
        self.ask(question, path, scope, self.accepted[path].value, "")

    def loop(self, section: Section) -> None:
        named = next((q for q in section.questions if q.field == ("name",)), None)
        # A prompter that reads a list in one answer says so (the terminal's does).
        by_name = section.names and getattr(self.prompter, "names_at_once", False) and named
        if by_name and not any(p[0] == section.loop for p in self.given):
            assert named is not None
            self.named_loop(section, named)
            return
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
            self.questions(section, scope)
            count += 1
        self.counts[section.loop] = count

    def named_loop(self, section: Section, named: Question) -> None:
        """Every item's name in one answer, then each item's other questions. The files'
        items follow their names, so reordering or dropping a name keeps the answers of
        the items that stay."""
        assert self.prompter is not None
        loop = section.loop
        before = {
            p[1]: a.value for p, a in self.files.items() if p[0] == loop and p[2:] == ("name",)
        }
        ask = named._replace(id=f"{loop}.names", hint=tuple[str, ...], help=named.help)
        source = f"answer to '{ask.id}'"

        def check(raw: Any) -> str:
            try:
                names = coerce(ask, raw, source)
            except InputError as bad:
                return describe(bad.problems)
            if len(names) < section.min_items:
                return f"name at least {section.min_items}, separated by commas"
            if len(set(names)) < len(names):
                return "each name once"
            return "; ".join(
                describe(self.problems_at((loop, i, "name"), name))
                for i, name in enumerate(names)
                if self.problems_at((loop, i, "name"), name)
            )

        default: Any = [before[i] for i in sorted(before)]
        error = ""
        while True:
            raw = self.prompter.ask(ask, section.names, (), default, error, check)
            error = check(raw)
            if not error:
                break
            default = raw
        names = coerce(ask, raw, source)
        moved: Answers = {}
        for path, answer in self.files.items():
            if path[0] != loop or not isinstance(path[1], int):
                moved[path] = answer
            elif before.get(path[1]) in names:
                moved[(loop, names.index(before[path[1]]), *path[2:])] = answer
        self.files = moved
        scopes: list[PathKey] = [(loop, i) for i in range(len(names))]
        for scope, name in zip(scopes, names, strict=True):
            self.facts[scope] = {}
            where = Location("answer", path=format_path((*scope, "name")))
            self.accept(named, (*scope, "name"), scope, Answer(name, where), True)
            self.asked[(*scope, "name")] = (named, scope, named.prompt.render(self.facts[()]))
        # A `together` question is asked once for every item; the questions between two
        # of them are asked item by item.
        run: list[Question] = []
        for question in [*(q for q in section.questions if q is not named), None]:
            if question is not None and not question.together:
                run.append(question)
                continue
            for scope in scopes if run else ():
                self.questions(section, scope, only=run)
            run = []
            if question is not None:
                self.together(question, scopes, names)
        self.counts[loop] = len(names)

    def together(self, question: Question, scopes: list[PathKey], names: list[str]) -> None:
        """A yes-or-no question for every item at once: tick the items it holds for."""
        assert self.prompter is not None
        open_to: list[int] = []
        for i, scope in enumerate(scopes):
            facts = self.facts[()] | self.facts[scope]
            ask_if = question.ask_if
            if ask_if is None or ask_if.evaluate(facts):
                open_to.append(i)
            else:  # answered as without a terminal, like any question that cannot matter
                prompter, self.prompter = self.prompter, None
                try:
                    self.answer(question, (*scope, *question.field), scope)
                finally:
                    self.prompter = prompter
        if not open_to:
            return
        ticked = []
        for i in open_to:
            file_answer = self.files.get((*scopes[i], *question.field))
            if file_answer.value if file_answer is not None else question.default:
                ticked.append(names[i])
        ask = question._replace(type="multiselect", hint=tuple[str, ...])
        picked = self.prompter.ask(
            ask,
            question.together,
            [(names[i], names[i]) for i in open_to],
            ticked,
            "",
            lambda raw: "",
        )
        for i in open_to:
            scope = scopes[i]
            path = (*scope, *question.field)
            where = Location("answer", path=format_path(path))
            self.accept(question, path, scope, Answer(names[i] in picked, where), True)
            facts = self.facts[()] | self.facts[scope]
            self.asked[path] = (question, scope, question.prompt.render(facts))

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
                return requirements.from_document(yamlsource.Document(self.document(), "", {}))
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
                    question, scope, _ = self.asked.setdefault(path, self.question_at(path))
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
            f"no answer to '{prompt}' ({problem.message})",
            Location("init", path=where),
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
    record: dict[PathKey, Any] | None = None,
) -> Requirements:
    """Answer every question by precedence and return the validated requirements.

    `given` are the command line's answers (never asked), `files` those of `--from`
    and `--data-file` (the defaults shown, or the answers when nobody is asked).
    Without a prompter a question with no answer and no default is an InputError
    naming every such question. On a terminal the answers are summed up and any can be
    changed before they are returned. `record`, when given, receives every answer by
    path, for the answers file kept beside the requirements.
    """
    flow = _Flow(questionnaire, given, files, prompter)
    for section in questionnaire.sections:
        flow.section(section)
    req = flow.finish()
    while prompter is not None and (path := prompter.review(flow.summary())) is not None:
        flow.change(path)
        req = flow.finish()
    if record is not None:
        record.update({p: a.value for p, a in flow.accepted.items()})
    return req
