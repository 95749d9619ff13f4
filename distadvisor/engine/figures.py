"""Named figures the rules compare requirements with: one node's capacity, the read
rate that pays for a cache, and how sure a prediction must be before it is reported.

They live in `rules/data/capacity.yaml` and `predictions.yaml`, each with its unit,
meaning and sources, so no rule carries a magic number: a rule reads one with
`figure('node_data_gb')`, and a name the files lack is refused on load. (Failure
rates are `failures.yaml`'s, read by engine/availability.py.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, Problem
from . import parsecache

FILES = ("capacity.yaml", "predictions.yaml")


class Figure(NamedTuple):
    value: float
    unit: str
    meaning: str
    sources: tuple[str, ...]


class Figures(NamedTuple):
    by_name: dict[str, Figure]

    def value(self, name: str) -> float:
        return self.by_name[name].value


def _text(raw: object) -> bool:
    return isinstance(raw, str) and bool(raw.strip())


def load_figures(paths: Iterable[Path]) -> Figures:
    """Every figure of the files, each checked to have a value, a unit, a meaning and
    at least one source; a name given twice is refused."""
    found: dict[str, Figure] = {}
    problems: list[Problem] = []
    for path in paths:
        doc = parsecache.load(path)
        raw = doc.data.get("figures") if isinstance(doc.data, dict) else None
        if not isinstance(raw, dict) or not raw:
            problems.append(Problem("no figures", doc.locate(("figures",)), "a mapping"))
            continue
        for name, entry in raw.items():
            where = doc.locate(("figures", name))
            entry = entry if isinstance(entry, dict) else {}
            value = entry.get("value")
            number = (
                float(value)
                if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
                else None
            )
            raw_sources = entry.get("sources")
            sources = (
                tuple(str(s) for s in raw_sources)
                if isinstance(raw_sources, list) and all(_text(s) for s in raw_sources)
                else ()
            )
            if (
                number is None
                or not sources
                or not _text(entry.get("unit"))
                or not _text(entry.get("meaning"))
            ):
                problems.append(
                    Problem(
                        f"figure '{name}' is incomplete",
                        where,
                        "value (a number >= 0), unit, meaning and a non-empty list of sources",
                    )
                )
                continue
            if name in found:
                problems.append(Problem(f"figure '{name}' is given twice", where))
                continue
            found[str(name)] = Figure(number, str(entry["unit"]), str(entry["meaning"]), sources)
    if problems:
        raise InputError(problems)
    return Figures(found)
