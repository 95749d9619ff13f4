"""`distadvisor init` driven in a pseudo-terminal as a person would: typing, arrow keys,
space to tick, Enter, Ctrl-C. Each test asserts on the file written (or not written)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from distadvisor.questionnaire import questions

pexpect = pytest.importorskip("pexpect")

PROGRAM = shutil.which("distadvisor", path=str(Path(sys.executable).parent)) or "distadvisor"
ROOT = Path(__file__).resolve().parent.parent
UP, DOWN, ENTER, SPACE, CTRL_C, CTRL_U = "\x1b[A", "\x1b[B", "\r", " ", "\x03", "\x15"
ENV = dict(
    os.environ, TERM="xterm", NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="50"
)

QUESTIONS = questions.load()
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Person:
    """Reads the screen for a question, then types the answer."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.child = pexpect.spawn(
            PROGRAM,
            ["init", *args],
            cwd=str(cwd),
            env=ENV,
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 120),
        )

    def answer(self, question: str, keys: str) -> None:
        self.child.expect_exact(question)
        self.child.send(keys)

    def sees(self, text: str) -> None:
        self.child.expect_exact(text)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def test_a_person_answers_every_question(tmp_path: Path) -> None:
    me = Person(tmp_path)
    me.answer("What is the system called?", "box-office" + ENTER)
    me.answer("In one sentence, what does it do?", "Sells concert seats" + ENTER)
    me.answer("How many regions does it run in?", CTRL_U + "eu-west-1, eu-central-1" + ENTER)
    me.answer("Where do writes come from?", ENTER)
    me.answer("Accept the defaults for workload, latency and availability", "n")
    me.answer("How many reads per second", "2000" + ENTER)
    me.answer("How many writes per second", "100" + ENTER)
    me.answer("How fast must a read answer", ENTER)
    me.answer("How fast must a write answer", "250" + ENTER)
    me.answer("What availability must it reach", CTRL_U + "100" + ENTER)
    me.sees("out of range")  # the model's own message; the question stays open
    me.child.send(CTRL_U + "99.95" + ENTER)
    me.answer("How many machines may fail", ENTER)
    me.answer("Must the system keep working when a whole region is lost?", "n")
    me.answer("Name the kinds of data it keeps", "seats" + ENTER)
    me.answer("Which of them involve money?", ENTER)  # none
    me.answer("Which of them can two people claim at once", SPACE + ENTER)  # seats
    me.answer("May a reader see data a few seconds old?", ENTER)  # never, offered for claims
    me.answer("Accept the defaults for the rest of seats?", "n")
    me.answer("Must a user always see their own changes at once?", ENTER)
    me.answer("Must every reader see changes in the same order?", ENTER)
    me.answer("what should happen?", ENTER)
    me.answer("How is it mostly read?", ENTER)
    me.answer("Must it legally stay in certain regions?", "us-east-1" + ENTER)
    me.sees("not among the deployment.regions answered: us-east-1")  # checked at the prompt
    me.child.send(CTRL_U + "eu-west-1" + ENTER)
    me.answer("How many times is it read for each write?", ENTER)
    me.answer("Must the full history of its changes be kept?", ENTER)
    me.answer("How large is it, in GB?", ENTER)
    me.answer("Once written, does an item change?", ENTER)  # seats are claimed: asked
    me.answer("Name its services", "booking, psp" + ENTER)
    me.answer("Which of them are third-party", DOWN + SPACE + ENTER)  # psp
    me.answer("What already protects the calls to it?", DOWN + SPACE + ENTER)  # retries
    me.answer("Which of them publish events", SPACE + ENTER)  # booking, the one internal
    me.answer("Which services does booking call and wait for?", SPACE + ENTER)
    me.answer("Does a business transaction span several services", "n")
    me.answer("Change an answer?", ENTER)  # the summary: go on
    me.sees("Summary: requirements.yaml")
    me.answer("Write requirements.yaml?", ENTER)
    me.sees(" box-office: ")  # the recommendation opens with its verdict
    me.answer("Write these modules and their tests now?", "n")
    assert me.finish() in (0, 1)
    assert (
        (tmp_path / "requirements.yaml").read_text().split("\n", 2)[2]
        == """\
version: 1
system: box-office
description: Sells concert seats

deployment:
  regions: [eu-west-1, eu-central-1]

workload:
  reads_per_sec: 2000
  writes_per_sec: 100

latency_budget_ms:
  write: 250

availability:
  target: 99.95

data:
  - name: seats
    unique_claims: true
    stale_reads: never
    residency: [eu-west-1]

services:
  - name: booking
    calls: [psp]
    publishes_events: true
  - name: psp
    external: true
    protected_by: [retry-backoff]
"""
    )


def test_ctrl_c_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    me = Person(tmp_path, "--out", "req.yaml")
    me.answer("What is the system called?", "shop" + ENTER)
    me.answer("In one sentence, what does it do?", CTRL_C)
    assert me.finish() == 130
    assert list(tmp_path.iterdir()) == []


def test_editing_a_file_offers_its_answers_and_asks_before_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "shop.yaml"
    target.write_text("version: 1\nsystem: shop\ndata:\n  - {name: carts, conflicts: merge}\n")
    me = Person(tmp_path, "--from", "shop.yaml", "--out", "shop.yaml")
    for section in QUESTIONS.sections[:3]:
        if section.quick is not None:
            me.answer("Accept the defaults for workload", ENTER)  # no: offer each answer
        for question in section.questions:
            if question.ask_if is not None or question.when is not None:
                continue  # one region: where writes come from cannot matter; the file
                # answers no `when`
            prompt = question.prompt.render({})
            if prompt.startswith("In one sentence"):
                me.answer(prompt, "Carts that merge" + ENTER)
            else:
                me.answer(prompt, ENTER)  # the file's answer, or the default
    me.answer("Name the kinds of data it keeps", ENTER)  # carts, from the file
    for prompt in [
        q.together or q.prompt.render({})
        for q in QUESTIONS.sections[3].questions
        if q.when is None and q.field != ("name",)
    ]:
        me.answer(prompt, UP + ENTER if prompt.startswith("When two people") else ENTER)
        if prompt.startswith("May a reader"):
            me.answer("Accept the defaults for the rest of carts?", ENTER)  # no
    me.answer("Name its services", ENTER)  # none
    me.answer("Does a business transaction span several services", ENTER)
    me.answer("Change an answer?", ENTER)
    me.answer("shop.yaml exists. Overwrite it?", "y")
    me.sees(" shop: ")  # carts fit one node: no module to offer
    assert me.finish() == 0
    assert target.read_text().split("\n", 2)[2] == (
        "version: 1\nsystem: shop\ndescription: Carts that merge\n\n"
        "data:\n  - name: carts\n"  # conflicts: reject is the default, so left out
    )


def test_two_kinds_of_data_and_three_services_in_few_prompts(tmp_path: Path) -> None:
    """The shortest path a newcomer takes: defaults that follow the answers, the rest of a
    kind of data accepted, the names of a list in one line. Every prompt is counted."""
    me = Person(tmp_path)
    prompts = 0

    def reply(question: str, keys: str) -> None:
        nonlocal prompts
        me.answer(question, keys)
        prompts += 1

    reply("What is the system called?", "shop" + ENTER)
    reply("In one sentence, what does it do?", ENTER)
    reply("How many regions does it run in?", ENTER)  # one: where writes come from is moot
    reply("Accept the defaults for workload, latency and availability", "y")
    reply("Name the kinds of data it keeps", "payments, carts" + ENTER)
    reply("Which of them involve money?", SPACE + ENTER)  # payments
    reply("Which of them can two people claim at once", ENTER)  # none
    reply("May a reader see data a few seconds old?", ENTER)  # never: offered for money
    reply("Accept the defaults for the rest of payments?", "y")
    reply("May a reader see data a few seconds old?", ENTER)
    reply("Accept the defaults for the rest of carts?", "y")
    reply("Name its services", "web, orders, psp" + ENTER)
    reply("Which of them are third-party", DOWN + DOWN + SPACE + ENTER)  # psp
    reply("What already protects the calls to it?", ENTER)  # psp's: nothing yet
    reply("Which of them publish events", DOWN + SPACE + ENTER)  # orders
    reply("Which services does web call and wait for?", SPACE + ENTER)  # orders
    reply("Which services does orders call and wait for?", DOWN + SPACE + ENTER)  # psp
    reply("Does a business transaction span several services", ENTER)
    questionnaire = prompts
    reply("Change an answer?", ENTER)
    reply("Write requirements.yaml?", ENTER)
    reply("Write these modules and their tests now?", "n")
    assert me.finish() in (0, 1)
    assert questionnaire == 18  # the same answers took 57 prompts one question at a time
    written = (tmp_path / "requirements.yaml").read_text()
    payments = written.split("- name: payments", 1)[1].split("- name:", 1)[0]
    assert "stale_reads: never" in payments  # the default offered for money, taken
    assert "  - name: web\n    calls: [orders]\n" in written
    assert "  - name: orders\n    calls: [psp]\n    publishes_events: true\n" in written
    assert "  - name: psp\n    external: true\n" in written
    # The answers are kept beside the file, for `init --from` to ask with them again.
    kept = (tmp_path / "requirements.answers.yaml").read_text()
    assert "data[0].stale_reads: never" in kept
