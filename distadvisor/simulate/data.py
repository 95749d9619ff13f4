"""The latency fits predictions rest on, read from rules/data/latency.yaml.

The file is data with its sources; a malformed file is an InputError naming the file
and field, like any other shipped or user data. Failure rates (failures.yaml) are the
engine's too, so they load in engine/availability.py.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, NamedTuple

from ..engine import parsecache
from ..engine.datareader import DataReader
from ..errors import Problem
from ..model.requirements import LatencyProfile
from ..resources import rules_dir


class Part(NamedTuple):
    """One component of a latency mixture: Pareto(scale, shape) or Exponential(rate)."""

    weight: float
    kind: str  # "pareto" or "exponential"
    scale: float  # Pareto's minimum; unused by the exponential
    rate: float  # Pareto's shape or the exponential's rate


class Profile(NamedTuple):
    """The WARS delays of one deployment: write send/ack, read send/ack (ms, one way)."""

    name: str
    description: str
    write_send: tuple[Part, ...]
    write_ack: tuple[Part, ...]
    read_send: tuple[Part, ...]
    read_ack: tuple[Part, ...]


class Latency(NamedTuple):
    profiles: dict[str, Profile]
    default_profile: str
    cross_zone_one_way_ms: float
    source: str


def _mixture(read: DataReader, raw: Any, where: tuple[str | int, ...]) -> tuple[Part, ...]:
    parts: list[Part] = []
    for i, item in enumerate(raw if isinstance(raw, list) and raw else [None]):
        at = (*where, i)
        if isinstance(item, dict) and isinstance(item.get("pareto"), dict):
            shape = item["pareto"]
            parts.append(
                Part(
                    read.number(item, "weight", at, low=0, high=1),
                    "pareto",
                    read.number(shape, "scale", (*at, "pareto"), low=1e-9, high=1e6),
                    read.number(shape, "shape", (*at, "pareto"), low=0.01, high=1e3),
                )
            )
        elif isinstance(item, dict) and isinstance(item.get("exponential"), dict):
            parts.append(
                Part(
                    read.number(item, "weight", at, low=0, high=1),
                    "exponential",
                    0.0,
                    read.number(
                        item["exponential"], "rate", (*at, "exponential"), low=1e-9, high=1e6
                    ),
                )
            )
        else:
            read.problems.append(
                Problem(
                    "malformed latency part",
                    read.doc.locate(at),
                    expected="{weight, pareto: {scale, shape}} or {weight, exponential: {rate}}",
                )
            )
    if parts and abs(sum(p.weight for p in parts) - 1) > 1e-6:
        read.problems.append(Problem("weights must add up to 1", read.doc.locate(where)))
    return tuple(parts)


def load_latency(path: Path | None = None) -> Latency:
    doc = parsecache.load(path or rules_dir() / "data" / "latency.yaml")
    read = DataReader(doc)
    profiles: dict[str, Profile] = {}
    for name, raw in read.mapping(doc.data, "profiles", ()).items():
        where = ("profiles", name)
        legs = [
            _mixture(read, raw.get(leg) if isinstance(raw, dict) else None, (*where, leg))
            for leg in ("write_send", "write_ack", "read_send", "read_ack")
        ]
        description = raw.get("description", "") if isinstance(raw, dict) else ""
        profiles[str(name)] = Profile(str(name), str(description), *legs)
    named = typing.get_args(LatencyProfile)  # what a requirements file may choose
    if sorted(profiles) != sorted(named):
        read.problems.append(
            Problem(
                "profiles differ from those a requirements file may name",
                doc.locate(("profiles",)),
                expected=", ".join(named),
                found=", ".join(profiles),
            )
        )
    default = doc.data.get("default_profile") if isinstance(doc.data, dict) else None
    if default not in profiles:
        read.problems.append(
            Problem("default_profile names no profile", doc.locate(("default_profile",)))
        )
    cross_zone = read.number(doc.data, "cross_zone_one_way_ms", (), low=0, high=1000)
    read.done()
    return Latency(profiles, str(default), cross_zone, str(doc.data.get("source", "")))
