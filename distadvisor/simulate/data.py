"""The figures predictions rest on: latency fits and failure rates, read from rules/data/.

Both files are data with their sources (latency.yaml, failures.yaml); a malformed file
is an InputError naming the file and field, like any other shipped or user data.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

from ..engine import parsecache
from ..errors import InputError, Problem
from ..model import yamlsource
from ..model.vocabulary import REPLICATION
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


class Failures(NamedTuple):
    node_up: float
    zone_up: float
    region_up: float
    zones_per_region: int
    node_failures_per_year: float
    failover_s: dict[str, float]
    attempts_per_call: int
    retry_budget: float


class _Reader:
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
        self.problems.append(
            Problem(f"{key} must be a mapping", self.doc.locate((*where, key)))
        )
        return {}

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _mixture(read: _Reader, raw: Any, where: tuple[str | int, ...]) -> tuple[Part, ...]:
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
    read = _Reader(doc)
    profiles: dict[str, Profile] = {}
    for name, raw in read.mapping(doc.data, "profiles", ()).items():
        where = ("profiles", name)
        legs = [_mixture(read, raw.get(leg) if isinstance(raw, dict) else None, (*where, leg))
                for leg in ("write_send", "write_ack", "read_send", "read_ack")]
        description = raw.get("description", "") if isinstance(raw, dict) else ""
        profiles[str(name)] = Profile(str(name), str(description), *legs)
    default = doc.data.get("default_profile") if isinstance(doc.data, dict) else None
    if default not in profiles:
        read.problems.append(
            Problem("default_profile names no profile", doc.locate(("default_profile",)))
        )
    cross_zone = read.number(doc.data, "cross_zone_one_way_ms", (), low=0, high=1000)
    read.done()
    return Latency(profiles, str(default), cross_zone, str(doc.data.get("source", "")))


def load_failures(path: Path | None = None) -> Failures:
    doc = parsecache.load(path or rules_dir() / "data" / "failures.yaml")
    read = _Reader(doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    failover = read.mapping(data, "failover_s", ())
    failures = Failures(
        node_up=read.number(data, "node_up", (), low=0.5, high=1),
        zone_up=read.number(data, "zone_up", (), low=0.5, high=1),
        region_up=read.number(data, "region_up", (), low=0.5, high=1),
        zones_per_region=int(read.number(data, "zones_per_region", (), low=1, high=10)),
        node_failures_per_year=read.number(data, "node_failures_per_year", (), low=0, high=1e3),
        failover_s={
            scheme: read.number(failover, scheme, ("failover_s",), low=0, high=86400)
            for scheme in REPLICATION
        },
        attempts_per_call=int(read.number(data, "attempts_per_call", (), low=1, high=100)),
        retry_budget=read.number(data, "retry_budget", (), low=0, high=1),
    )
    read.done()
    return failures
