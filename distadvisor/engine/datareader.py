"""Typed reading of a shipped data file, collecting every problem with its place."""

from __future__ import annotations

import math
from typing import Any

from ..errors import InputError, Problem
from ..model import yamlsource


class DataReader:
    """Typed access to a data document, collecting every problem with its place."""

    def __init__(self, doc: yamlsource.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def number(
        self, data: Any, key: str, where: tuple[str | int, ...], *, low: float, high: float
    ) -> float:
        value = data.get(key) if isinstance(data, dict) else None
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and low <= value <= high
        ):
            return float(value)
        self.problems.append(
            Problem(
                f"{key} must be a number from {low:g} to {high:g}",
                self.doc.locate((*where, key)),
                found=repr(value)[:40],
            )
        )
        return low

    def mapping(self, data: Any, key: str, where: tuple[str | int, ...]) -> dict[str, Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, dict):
            return value
        self.problems.append(Problem(f"{key} must be a mapping", self.doc.locate((*where, key))))
        return {}

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)
