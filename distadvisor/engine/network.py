"""Round trips between cloud regions: measured where a figure is published, else
estimated from where the regions are.

A latency finding is only as good as its round trip. A pair without a measurement is
estimated from the great-circle distance between the regions' cities, the speed of
light in fibre and a route factor (all in `network.yaml`, each with its source); a
region the table does not place has no round trip at all, and the rules say that they
cannot verify it rather than assume a figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, Problem
from . import parsecache

# The providers whose regions the table places, as `regions` groups them.
CLOUDS = ("aws", "gcp", "azure")
EARTH_RADIUS_KM = 6371.0  # mean radius (IUGG); the great-circle formula's only constant


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance over the earth's surface between two (latitude, longitude) points
    (haversine formula)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class NetworkTable(NamedTuple):
    pairs: dict[frozenset[str], float]  # measured round trips, ms
    places: dict[str, tuple[float, float]]  # region -> (latitude, longitude)
    clouds: dict[str, str]  # region -> its provider (aws, gcp, azure)
    fibre_km_per_ms: float  # one way
    route_factor: float  # real fibre routes over the great circle
    source: str

    def estimate(self, a: str, b: str) -> float | None:
        """The round trip estimated from the regions' places; None for an unplaced one."""
        here, there = self.places.get(a), self.places.get(b)
        if here is None or there is None:
            return None
        return 2 * great_circle_km(here, there) * self.route_factor / self.fibre_km_per_ms

    def between(self, a: str, b: str) -> float | None:
        """The measured round trip, else the estimate, else None (cannot tell)."""
        if a == b:
            return 0.0
        measured = self.pairs.get(frozenset((a, b)))
        return measured if measured is not None else self.estimate(a, b)

    def known(self, region: str) -> bool:
        return region in self.places

    def clouds_of(self, regions: Iterable[str]) -> frozenset[str]:
        """The providers running these regions (an unplaced region adds none)."""
        return frozenset(self.clouds[r] for r in regions if r in self.clouds)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def load_network(path: Path) -> NetworkTable:
    """The measured pairs, the regions' places and the estimate's constants, checked."""
    doc = parsecache.load(path)
    raw = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []

    def bad(where: tuple[str | int, ...], message: str, expected: str) -> None:
        problems.append(Problem(message, doc.locate(where), expected))

    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        bad(("source",), "'source' missing or empty", "text naming where the figures come from")
    estimate = raw.get("estimate")
    constants: dict[str, float] = {}
    for key in ("fibre_km_per_ms", "route_factor"):
        value = estimate.get(key) if isinstance(estimate, dict) else None
        if not _number(value) or not value:
            bad(("estimate", key), f"'{key}' missing or not a positive number", "a number > 0")
        else:
            constants[key] = float(value)
    if isinstance(estimate, dict) and not estimate.get("sources"):
        bad(("estimate", "sources"), "the estimate's constants need their sources", "a list")
    pairs: dict[frozenset[str], float] = {}
    for i, row in enumerate(raw.get("round_trips_ms") or []):
        ok = (
            isinstance(row, list)
            and len(row) == 3
            and all(isinstance(r, str) for r in row[:2])
            and _number(row[2])
        )
        if not ok:
            bad(("round_trips_ms", i), "malformed row", "[region, region, ms]")
            continue
        pairs[frozenset((row[0], row[1]))] = float(row[2])
    places: dict[str, tuple[float, float]] = {}
    clouds: dict[str, str] = {}
    providers = raw.get("regions")
    if not isinstance(providers, dict) or not all(isinstance(r, dict) for r in providers.values()):
        bad(
            ("regions",),
            "'regions' must group the regions by provider",
            "{provider: {region: place}}",
        )
        providers = {}
    for provider, regions in providers.items():
        if provider not in CLOUDS:
            bad(("regions", provider), f"unknown provider '{provider}'", " | ".join(CLOUDS))
        for name, place in regions.items():
            ok = (
                isinstance(place, list)
                and len(place) >= 2
                and all(isinstance(p, int | float) and not isinstance(p, bool) for p in place[:2])
                and -90 <= place[0] <= 90
                and -180 <= place[1] <= 180
            )
            if not ok:
                bad(("regions", provider, name), "malformed place", "[latitude, longitude, city]")
                continue
            places[str(name)] = (float(place[0]), float(place[1]))
            clouds[str(name)] = str(provider)
    for pair in pairs:
        for region in pair:
            if region not in places:
                bad(("round_trips_ms",), f"measured region '{region}' has no place", "a place")
    if problems:
        raise InputError(problems)
    return NetworkTable(
        pairs,
        places,
        clouds,
        constants["fibre_km_per_ms"],
        constants["route_factor"],
        str(source),
    )
