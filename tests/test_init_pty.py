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
ENV = dict(os.environ, TERM="xterm", NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1",
           COLUMNS="120", LINES="50")

QUESTIONS = questions.load()
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Person:
    """Reads the screen for a question, then types the answer."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.child = pexpect.spawn(PROGRAM, ["init", *args], cwd=str(cwd), env=ENV,
                                   encoding="utf-8", timeout=30, dimensions=(50, 120))

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
    me.answer("How many reads per second", "2000" + ENTER)
    me.answer("How many writes per second", "100" + ENTER)
    me.answer("How fast must a read answer", ENTER)
    me.answer("How fast must a write answer", "250" + ENTER)
    me.answer("What availability must it reach", CTRL_U + "100" + ENTER)
    me.sees("out of range")  # the model's own message; the question stays open
    me.child.send(CTRL_U + "99.95" + ENTER)
    me.answer("How many machines may fail", ENTER)
    me.answer("Must the system keep working when a whole region is lost?", "n")
    me.answer("Name this kind of data.", "seats" + ENTER)
    me.answer("Is money involved?", "n")
    me.answer("Can two people ever claim the same seat or item?", "y")
    me.answer("May a reader see data a few seconds old?", UP + UP + ENTER)  # never
    me.answer("Must a user always see their own changes at once?", ENTER)
    me.answer("Must every reader see changes in the same order?", ENTER)
    me.answer("what should happen?", ENTER)
    me.answer("How is it mostly read?", ENTER)
    me.answer("Must it legally stay in certain regions?", "eu-west-1" + ENTER)
    me.answer("How many times is it read for each write?", ENTER)
    me.answer("Must the full history of its changes be kept?", ENTER)
    me.answer("How large is it, in GB?", ENTER)
    me.answer("Once written, does an item change?", ENTER)  # seats are claimed: asked
    me.answer("Add another kind of data?", "n")
    me.answer("Do you want to describe the services", "y")
    me.answer("Name the service.", "booking" + ENTER)
    me.answer("Is it a third-party or otherwise unreliable dependency?", "n")
    me.answer("What already protects the calls to it?", ENTER)
    me.answer("Does it publish events when its data changes?", "y")
    me.answer("Add another service?", "y")
    me.answer("Name the service.", "psp" + ENTER)
    me.answer("Is it a third-party or otherwise unreliable dependency?", "y")
    me.answer("What already protects the calls to it?", DOWN + SPACE + ENTER)  # retries
    me.answer("Does it publish events when its data changes?", ENTER)
    me.answer("Add another service?", "n")
    me.answer("Which services does booking call and wait for?", SPACE + ENTER)
    me.answer("Which services does psp call and wait for?", ENTER)
    me.answer("Does a business transaction span several services", "n")
    me.sees("Summary: requirements.yaml")
    me.answer("Write requirements.yaml?", ENTER)
    me.sees("distadvisor: box-office")  # the recommendation
    me.answer("Write these modules and their tests now?", "n")
    assert me.finish() in (0, 1)
    assert (tmp_path / "requirements.yaml").read_text().split("\n", 2)[2] == """\
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
    keep = [q.prompt.render({}) for s, q in QUESTIONS.questions()
            if not s.loop and not s.over and q.when is None]  # the file answers no `when`
    for prompt in keep:
        if prompt.startswith("In one sentence"):
            me.answer(prompt, "Carts that merge" + ENTER)
        else:
            me.answer(prompt, ENTER)  # the file's answer, or the default
    for prompt in [q.prompt.render({}) for q in QUESTIONS.sections[5].questions
                   if q.when is None]:
        me.answer(prompt, UP + ENTER if prompt.startswith("When two people") else ENTER)
    me.answer("Add another kind of data?", ENTER)
    me.answer("Do you want to describe the services", ENTER)
    me.answer("Does a business transaction span several services", ENTER)
    me.answer("shop.yaml exists. Overwrite it?", "y")
    me.sees("distadvisor: shop")  # carts fit one node: no module to offer
    assert me.finish() == 0
    assert target.read_text().split("\n", 2)[2] == (
        "version: 1\nsystem: shop\ndescription: Carts that merge\n\n"
        "data:\n  - name: carts\n"  # conflicts: reject is the default, so left out
    )
