"""The questionnaire: its question file, answer sources, precedence, and the flow."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from test_properties import documents

from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource
from distadvisor.model.requirements import Requirements
from distadvisor.model.writer import to_yaml
from distadvisor.questionnaire import flow, questions
from distadvisor.questionnaire.answers import Answer, command_line, from_file
from distadvisor.questionnaire.questions import Question
from distadvisor.resources import rules_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
QUESTIONS = questions.load()
SHIPPED = (rules_dir() / "questions.yaml").read_text()


class Scripted:
    """A prompter that replies from a script and records what it was asked."""

    def __init__(self, replies: dict[str, list[Any]]) -> None:
        self.replies = replies
        self.asked: list[tuple[str, Any, str]] = []  # (id or confirm text, default, error)
        self.offered: dict[str, list[str]] = {}

    def section(self, title: str) -> None:
        pass

    def ask(
        self,
        question: Question,
        prompt: str,
        choices: Sequence[tuple[str, str]],
        default: Any,
        error: str,
        check: Callable[[Any], str],
    ) -> Any:
        self.asked.append((question.id, default, error))
        self.offered[question.id] = [value for value, _ in choices]
        queue = self.replies.get(question.id)
        return queue.pop(0) if queue else default

    def confirm(self, prompt: str, default: bool) -> bool:
        self.asked.append((prompt, default, ""))
        queue = self.replies.get(prompt)
        return queue.pop(0) if queue else default

    def review(self, answers: Sequence[tuple[Any, str, Any]]) -> Any:
        self.asked.append(("review", None, ""))
        queue = self.replies.get("review")
        return queue.pop(0) if queue else None

    def ids(self) -> list[str]:
        return [key for key, _, _ in self.asked]


def run(
    given: Sequence[str] = (), files: dict[str, Any] | None = None, prompter: Scripted | None = None
) -> Requirements:
    answers = {}
    if files is not None:
        answers = from_file(
            QUESTIONS, yamlsource.parse(yaml.safe_dump(files, sort_keys=False), "answers.yaml")
        )
    return flow.run(
        QUESTIONS, given=command_line(QUESTIONS, given), files=answers, prompter=prompter
    )


def problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


# --- the question file ----------------------------------------------------------------


def _model_paths(cls: type, prefix: tuple[str, ...] = ()) -> set[str]:
    paths = set()
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = requirements.field_types(cls)[field.name]
        args = typing.get_args(hint)
        if dataclasses.is_dataclass(hint):
            paths |= _model_paths(typing.cast(type, hint), (*prefix, field.name))
        elif typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
            paths |= _model_paths(args[0], (*prefix, field.name, "0"))
        elif field.name != "version":
            paths.add(".".join((*prefix, field.name)))
    return paths


def test_every_field_of_the_model_is_asked_once_or_kept() -> None:
    asked = [".".join(map(str, path)) for path in QUESTIONS.leaves()]
    kept = tuple(".".join(map(str, path)) for path in QUESTIONS.kept)
    model = _model_paths(Requirements)
    assert len(asked) == len(set(asked)) and not set(kept) & set(asked)
    assert set(asked) <= model
    assert {p for p in model if not p.startswith(kept)} == set(asked)


def test_the_issue_plain_language_questions_are_asked() -> None:
    prompts = {q.id: q.prompt.render({}) for _, q in QUESTIONS.questions()}
    assert prompts["data.money"] == "Is money involved?"
    assert prompts["data.unique_claims"] == "Can two people ever claim the same seat or item?"
    assert prompts["data.stale_reads"] == "May a reader see data a few seconds old?"
    assert prompts["data.read_your_writes"] == "Must a user always see their own changes at once?"
    titles = [s.title for s in QUESTIONS.sections]
    assert titles[:3] == ["The system", "Where it runs", "Workload, latency and availability"]
    assert [s.loop or s.over for s in QUESTIONS.sections[3:]] == [
        "data",
        "services",
        "services",
        "transactions",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("field: money\n", "field: mony\n", "question 'data.money': 'field' is not a field"),
        (
            "field: money\n        type: bool",
            "field: money\n        type: int",
            "question 'data.money': the type does not fit field 'money'; expected bool",
        ),
        (
            "          never: No, every",
            "          sometimes: No, every",
            "question 'data.stale_reads': 'sometimes' is not a value of the field",
        ),
        (
            "when: entity.stale_reads == 'bounded'",
            "when: entity.stale_read == 'bounded'",
            "question 'data.max_staleness_s': 'when': unknown fact 'entity.stale_read'",
        ),
        (
            "when: entity.stale_reads == 'bounded'",
            "when: entity.size_gb > 1",
            "question 'data.max_staleness_s': 'when': unknown fact 'entity.size_gb'",
        ),
        (
            "when: entity.stale_reads == 'bounded'",
            "when: entity.stale_reads == 'bounde'",
            "'bounde' is not one of never | bounded | tolerated",
        ),
        (
            "field: availability.node_failures_tolerated\n",
            "field: availability.node_failures_tolerated\n        default: -1\n",
            "question 'node_failures': invalid default: out of range; expected >= 0",
        ),
        ("id: data.money\n", "id: data.name\n", "question 'data.name': duplicate id"),
        (
            "        prompt: Is money involved?",
            "        promt: Is money involved?",
            "question 'data.money': unknown key 'promt'",
        ),
        ("loop: data\n", "loop: datum\n", "'loop' must name a list of the model"),
        ("choices_from: services", "choices_from: nothing", "'choices_from' names a loop"),
        (
            "field: name\n        type: text\n        prompt: Name this kind of data.",
            "field: name\n        type: text\n        default: x\n        prompt: Name it.",
            "question 'data.name': a required field takes no default",
        ),
    ],
)
def test_a_broken_question_file_names_the_file_and_the_question(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in SHIPPED
    broken = tmp_path / "questions.yaml"
    broken.write_text(SHIPPED.replace(old, new, 1))
    with pytest.raises(InputError) as error:
        questions.load(broken)
    assert any(str(broken) in p and expected in p for p in problems(error)), problems(error)


# --- answers from the command line and files ------------------------------------------


def test_command_line_values_are_yaml_scalars_typed_by_their_question() -> None:
    answers = command_line(
        QUESTIONS,
        [
            "availability.target=99.99",
            "data[1].money=yes",
            "deployment.regions=eu-west-1, us-east-1",
            "description=Orders: fast & safe",
            "services[0].calls=a,b",
            "data[0].size_gb=",
        ],
    )
    values = {yamlsource.format_path(p): a.value for p, a in answers.items()}
    assert values == {
        "availability.target": 99.99,
        "data[1].money": True,
        "deployment.regions": ["eu-west-1", "us-east-1"],
        "description": "Orders: fast & safe",
        "services[0].calls": ["a", "b"],
        "data[0].size_gb": None,
    }
    assert all(str(a.origin).startswith("--data: ") for a in answers.values())


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (
            "availabilty.target=99",
            "unknown field 'availabilty.target'; expected a field of the "
            "requirements file, e.g. availability.target or data[0].money (did you mean "
            "'availability.target'?)",
        ),
        ("data[2].mony=true", "(did you mean 'data[2].money'?)"),
        ("system", "not a field=value pair"),
        ("data[x].name=a", "not a field=value pair"),
        ("deployment.regions=[a,", "--data deployment.regions:2:1: not valid YAML"),
    ],
)
def test_bad_command_line_answers(pair: str, expected: str) -> None:
    with pytest.raises(InputError) as error:
        command_line(QUESTIONS, [pair])
    assert expected in problems(error)[0]


def test_answer_files_take_nested_sections_and_field_paths_with_their_positions() -> None:
    text = "system: shop\navailability.target: 99.5\ndata:\n  - name: carts\n    mony: true\n"
    with pytest.raises(InputError) as error:
        from_file(QUESTIONS, yamlsource.parse(text, "answers.yaml"))
    assert problems(error) == [
        "answers.yaml:5:11: data[0].mony: unknown field 'data[0].mony'; "
        "expected a field of the requirements file, e.g. "
        "availability.target or data[0].money (did you mean "
        "'data[0].money'?)"
    ]
    answers = from_file(QUESTIONS, yamlsource.parse(text.replace("mony", "money"), "answers.yaml"))
    assert answers[("availability", "target")] == Answer(
        99.5, answers[("availability", "target")].origin
    )
    assert str(answers[("data", 0, "money")].origin) == "answers.yaml:5:12: data[0].money"


# --- precedence and the flow ------------------------------------------------------------


def test_without_a_prompter_missing_answers_are_all_named() -> None:
    with pytest.raises(InputError) as error:
        run(["data[1].money=true"])
    assert problems(error) == [
        f"init: {path}: no answer to '{prompt}'; expected --data {path}=VALUE, a --data-file, "
        "or a terminal to ask on"
        for path, prompt in [
            ("system", "What is the system called?"),
            ("data[0].name", "Name this kind of data."),
            ("data[1].name", "Name this kind of data."),
        ]
    ]


def test_without_a_prompter_invalid_answers_read_like_the_loader() -> None:
    with pytest.raises(InputError) as error:
        run(
            ["system=shop", "data[0].name=a", "availability.target=100"],
            files={"data": [{"name": "a", "stale_reads": "sometimes"}]},
        )
    assert problems(error) == [
        "--data: availability.target: out of range; expected >= 90 and < 100, found number 100.0",
        "answers.yaml:3:16: data[0].stale_reads: unknown value; expected one of never | bounded "
        "| tolerated, found 'sometimes'",
    ]
    # the same file through the loader: the same message
    with pytest.raises(InputError) as loaded:
        requirements.from_document(
            yamlsource.parse(
                "version: 1\nsystem: s\ndata:\n  - name: a\n    stale_reads: sometimes\n", "r.yaml"
            )
        )
    assert problems(loaded)[0].endswith(problems(error)[1].split(": ", 2)[2])


def test_precedence_command_line_then_prompt_then_file_then_default() -> None:
    prompter = Scripted(
        {
            "system": ["typed"],
            "Add another kind of data?": [False],
        }
    )
    files = {
        "system": "from-file",
        "data": [{"name": "carts"}],
        "availability": {"target": 99.5, "node_failures_tolerated": 2},
    }
    req = run(["availability.target=99.99"], files=files, prompter=prompter)
    assert req.system == "typed"  # the prompt beats the file
    assert req.availability.target == 99.99  # the command line is never asked
    assert "availability_target" not in prompter.ids()
    defaults = {key: default for key, default, _ in prompter.asked}
    assert defaults["system"] == "from-file"  # the file is the default offered
    assert defaults["node_failures"] == 2
    assert defaults["region_failure"] is False  # else the model's default
    assert "writes_from" not in defaults  # with one region it cannot matter
    assert req.data[0].name == "carts"
    # without a prompter the file beats the default
    assert (
        run(files={"system": "f", "data": [{"name": "d", "access": "range"}]}).data[0].access
        == "range"
    )


def test_an_invalid_answer_is_asked_again_with_the_model_message() -> None:
    prompter = Scripted(
        {
            "system": ["1shop", "shop"],
            "data.name": ["d"],
            "availability_target": ["100", "99.95"],
            "Add another kind of data?": [False],
        }
    )
    req = run(prompter=prompter)
    errors = {key: error for key, _, error in prompter.asked if error}
    assert errors == {
        "system": "not a valid name; expected a letter then up to 63 letters, digits, '_', '-' "
        "or '.', found '1shop'",
        "availability_target": "out of range; expected >= 90 and < 100, found number 100.0",
    }
    assert (req.system, req.availability.target) == ("shop", 99.95)


def test_an_invalid_command_line_answer_is_asked_on_a_terminal() -> None:
    prompter = Scripted({"system": ["s"], "data.name": ["d"], "node_failures": ["2"]})
    req = run(["availability.node_failures_tolerated=-1"], prompter=prompter)
    ((default, error),) = [(d, e) for key, d, e in prompter.asked if key == "node_failures"]
    assert default == -1 and error.startswith("out of range; expected >= 0")
    assert req.availability.node_failures_tolerated == 2


def test_when_conditions_read_the_answers_so_far() -> None:
    prompter = Scripted(
        {
            "system": ["s"],
            "data.name": ["fresh", "rates"],
            "data.stale_reads": ["never", "bounded"],
            "data.max_staleness_s": ["", "2.5"],
            "Add another kind of data?": [True, False],
        }
    )
    req = run(prompter=prompter)
    assert prompter.ids().count("data.max_staleness_s") == 2  # asked only for "rates"...
    assert [e.max_staleness_s for e in req.data] == [None, 2.5]
    # ...where an empty answer broke the model's cross-field check and was asked again
    assert (
        "data.max_staleness_s",
        None,
        "bounded staleness needs a bound; expected 'max_staleness_s' (seconds) when "
        "stale_reads is bounded",
    ) in prompter.asked


def test_a_skipped_question_drops_the_file_answer_but_keeps_the_command_line() -> None:
    files = {"system": "s", "data": [{"name": "d", "stale_reads": "bounded", "max_staleness_s": 5}]}
    edited = run(["data[0].stale_reads=never"], files=files)
    assert (edited.data[0].stale_reads, edited.data[0].max_staleness_s) == ("never", None)
    with pytest.raises(InputError) as error:
        run(["data[0].stale_reads=bounded", "data[0].max_staleness_s=0"], files=files)
    assert problems(error) == [
        "--data: data[0].max_staleness_s: out of range; expected > 0, found number 0.0"
    ]
    kept = run(["data[0].stale_reads=never", "data[0].max_staleness_s=5"], files=files)
    assert kept.data[0].max_staleness_s == 5


def test_loops_services_calls_and_cross_checks_asked_again() -> None:
    prompter = Scripted(
        {
            "system": ["shop"],
            "data.name": ["orders"],
            "Add another kind of data?": [False],
            "Do you want to describe the services and which calls which?": [True],
            "services.name": ["web", "orders", "psp"],
            "services.external": [False, False, True],
            "Add another service?": [True, True, False],
            "services.calls": [["orders"], ["psp"]],  # psp is external: never asked
            "Does a business transaction span several services (placing an order, booking a "
            "trip)?": [True],
            "transactions.name": ["checkout"],
            "transactions.steps": ["charge, charge", "reserve, charge"],
            "transactions.services": ["orders, psp"],
            "Add another business transaction?": [False],
        }
    )
    req = run(prompter=prompter)
    assert prompter.offered["services.calls"] == ["web", "psp"]  # never itself
    assert prompter.ids().count("services.calls") == 2
    assert [(s.name, s.calls, s.external) for s in req.services] == [
        ("web", ("orders",), False),
        ("orders", ("psp",), False),
        ("psp", (), True),
    ]
    assert req.transactions[0].steps == ("reserve", "charge")
    # the duplicate step was caught by the whole-file check and its question asked again
    assert (
        "transactions.steps",
        ["charge", "charge"],
        "duplicate step name 'charge'; expected names unique within "
        "'transactions[0].steps' (first used at transactions[0].steps[0])",
    ) in prompter.asked


def test_editing_a_file_offers_its_items_and_may_drop_the_last() -> None:
    doc = yamlsource.load(str(ROOT / "examples/order-platform.yaml"))
    prompter = Scripted({"Add another kind of data?": [True, True, False]})
    req = flow.run(QUESTIONS, given={}, files=from_file(QUESTIONS, doc), prompter=prompter)
    original = requirements.from_document(doc)
    assert [e.name for e in req.data] == ["payments", "inventory", "product_catalog"]
    assert req.services == original.services and req.transactions == original.transactions
    offered = [d for key, d, _ in prompter.asked if key == "Add another kind of data?"]
    assert offered == [True, True, True]  # the file has a fourth


# --- the canonical file -------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_pass_through_the_questionnaire_unchanged(example: Path) -> None:
    doc = yamlsource.load(str(example))
    req = flow.run(QUESTIONS, given={}, files=from_file(QUESTIONS, doc), prompter=None)
    assert req == requirements.from_document(doc)
    written = to_yaml(req)
    assert requirements.from_document(yamlsource.parse(written, "written")) == req


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_valid_file_round_trips_through_the_flow_and_the_writer(doc: dict[str, Any]) -> None:
    parsed = yamlsource.parse(yaml.safe_dump(doc), "doc.yaml")
    req = requirements.from_document(parsed)
    again = flow.run(QUESTIONS, given={}, files=from_file(QUESTIONS, parsed), prompter=None)
    assert again == req
    assert requirements.from_document(yamlsource.parse(to_yaml(req), "written")) == req


def test_the_written_file_holds_only_meaningful_fields() -> None:
    req = run(
        [
            "system=shop",
            "data[0].name=carts",
            "data[0].conflicts=merge",
            "availability.target=99.9",
            "workload.reads_per_sec=5000",
        ]
    )
    assert to_yaml(req).split("\n", 2)[2] == (
        "version: 1\nsystem: shop\n\nworkload:\n  reads_per_sec: 5000\n\n"
        "data:\n  - name: carts\n    conflicts: merge\n"
    )
