"""The one error type for bad input: it says what, where, what was expected and found.

Every command turns it into a message and exit status 2, so no input ever ends in
a traceback.

Records here and in the other modules on the start-up path are NamedTuples, not
dataclasses: a NamedTuple class is created several times faster at import, which a
command-line tool feels on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Location(NamedTuple):
    """Where a problem sits: a file, a line and column (1-based) and a field path."""

    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        return f"{where}: {self.path}" if self.path else where


class Problem(NamedTuple):
    """One thing wrong with an input."""

    message: str
    location: Location = Location()
    expected: str = ""
    found: str = ""
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.detail()}"

    def detail(self) -> str:
        """What is wrong, expected and found, without the location."""
        text = self.message
        if self.expected:
            text += f"; expected {self.expected}"
        if self.found:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def did_you_mean(word: str, candidates: Iterable[str], *, otherwise: str = "") -> str:
    """The hint for a near miss ("did you mean 'writes_from'?"), or `otherwise`."""
    import difflib  # only a mistake pays for it

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else otherwise


class InputError(Exception):
    """Bad input of any kind: requirements, rules, fixtures, options, paths.

    It carries every problem found, not only the first, so a user fixes a file in
    one pass.
    """

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(
        cls,
        message: str,
        location: Location | None = None,
        *,
        expected: str = "",
        found: str = "",
        hint: str = "",
    ) -> InputError:
        return cls([Problem(message, location or Location(), expected, found, hint)])
