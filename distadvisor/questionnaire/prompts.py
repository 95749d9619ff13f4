"""The terminal side of `distadvisor init`: questionary prompts behind the flow's Prompter.

questionary (with prompt_toolkit under it) is imported here only, and this module only
by the `init` command, so no other command pays for it at start-up. The flow decides
what to ask and checks every answer; this adapter only shows and reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from questionary import Choice

from ..model.yamlsource import PathKey, format_path
from .questions import Question

_HELP = "italic"
_ERROR = "fg:ansired bold"


def _shown(value: Any) -> str:
    """A default as the text a user would type: names joined by commas, 5.0 as 5."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class QuestionaryPrompter:
    """Asks with questionary: arrow keys for choices, space to tick, Enter to accept.

    Prompts are asked with `unsafe_ask`, so Ctrl-C raises KeyboardInterrupt for the
    command to turn into exit status 130.
    """

    names_at_once = True  # a loop's names are typed in one line, separated by commas

    def section(self, title: str) -> None:
        questionary.print(f"\n{title}", style="bold underline")

    def note(self, text: str) -> None:
        questionary.print(text)

    def confirm(self, prompt: str, default: bool) -> bool:
        return bool(questionary.confirm(prompt, default=default).unsafe_ask())

    def review(self, answers: Sequence[tuple[PathKey, str, Any]]) -> PathKey | None:
        """One list of every answer; choosing one asks it again, the first entry goes on."""
        done = Choice("Looks right: go on", "")
        options = [done] + [
            Choice(f"{prompt}  {_shown(value)}", format_path(path))
            for path, prompt, value in answers
        ]
        chosen = questionary.select("Change an answer?", choices=options, default=done).unsafe_ask()
        return next((p for p, _, _ in answers if format_path(p) == chosen), None)

    def text(self, prompt: str, default: str) -> str:
        return str(questionary.text(prompt, default=default).unsafe_ask())

    def ask(
        self,
        question: Question,
        prompt: str,
        choices: Sequence[tuple[str, str]],
        default: Any,
        error: str,
        check: Callable[[Any], str],
    ) -> Any:
        if question.help:
            questionary.print(f"  {question.help}", style=_HELP)
        if error:
            questionary.print(f"  {error}", style=_ERROR)
        if question.type == "bool":
            return questionary.confirm(prompt, default=bool(default)).unsafe_ask()
        if question.type == "select":
            options = [Choice(label, value) for value, label in choices]
            chosen = next((c for c in options if c.value == default), None)
            return questionary.select(prompt, choices=options, default=chosen).unsafe_ask()
        if question.type == "multiselect":
            ticked = [str(v) for v in default or ()]
            offered = [*choices, *((v, v) for v in ticked if v not in dict(choices))]
            options = [Choice(label, value, checked=value in ticked) for value, label in offered]
            return questionary.checkbox(
                prompt, choices=options, validate=lambda picked: check(picked) or True
            ).unsafe_ask()
        return questionary.text(
            prompt, default=_shown(default), validate=lambda text: check(text) or True
        ).unsafe_ask()
