"""Reference data the rules consult: the datastore catalogue.

A YAML file beside the rules (`datastores.yaml`), checked on load against the
contract's vocabularies, each entry with its source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, Problem
from ..model import yamlsource
from ..model.vocabulary import (
    CONFLICT_RESOLUTION,
    CONSISTENCY,
    IMPLIES,
    PACELC,
    PARTITIONING,
    REPLICATION,
)
from . import parsecache


class Level(NamedTuple):
    """One tunable setting of a store and what it delivers."""

    name: str
    consistency: str
    pacelc: str
    replication: tuple[str, ...]
    conflicts: tuple[str, ...]  # how concurrent writes are resolved at this level


class Store(NamedTuple):
    name: str
    pacelc: str  # its class by default (Abadi 2012 where the system is in that paper)
    partitioning: tuple[str, ...]
    levels: tuple[Level, ...]
    recommend: bool
    references: tuple[str, ...]


class Catalogue(NamedTuple):
    stores: tuple[Store, ...]

    def matching(
        self,
        consistency: str,
        pacelc: str,
        replication: str,
        partitioning: str,
        conflict_resolution: str,
    ) -> list[str]:
        """Stores with a level that delivers this combination, as `Store (level)`.

        A level qualifies when its model implies the one wanted (linearizable serves
        causal data) at the same PACELC class, over the same replication, resolving
        concurrent writes the same way.
        """
        found = []
        for store in self.stores:
            if not store.recommend:
                continue
            if partitioning != "none" and partitioning not in store.partitioning:
                continue
            fits = [
                level
                for level in store.levels
                if consistency in IMPLIES[level.consistency]
                and level.pacelc == pacelc
                and replication in level.replication
                and conflict_resolution in level.conflicts
            ]
            if fits:
                # The level that delivers exactly what is wanted beats a stronger one.
                best = min(fits, key=lambda level: level.consistency != consistency)
                found.append(f"{store.name} ({best.name})")
        return found


class _Checker:
    def __init__(self, doc: yamlsource.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def get(
        self, raw: Any, key: str, kind: type | tuple[type, ...], path: tuple[str | int, ...]
    ) -> Any:
        value = raw.get(key) if isinstance(raw, dict) else None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            self.problems.append(
                Problem(f"'{key}' missing or wrong type", self.doc.locate((*path, key)), names)
            )
            return None
        return value

    def words(
        self, raw: Any, key: str, allowed: tuple[str, ...], path: tuple[str | int, ...]
    ) -> tuple[str, ...]:
        values = self.get(raw, key, list, path) or []
        for i, value in enumerate(values):
            if value not in allowed:
                self.problems.append(
                    Problem(
                        "unknown value",
                        self.doc.locate((*path, key, i)),
                        "one of " + " | ".join(allowed),
                        repr(value),
                    )
                )
        return tuple(values)

    def word(
        self, raw: Any, key: str, allowed: tuple[str, ...], path: tuple[str | int, ...]
    ) -> str:
        value = self.get(raw, key, str, path)
        if value is not None and value not in allowed:
            self.problems.append(
                Problem(
                    "unknown value",
                    self.doc.locate((*path, key)),
                    "one of " + " | ".join(allowed),
                    repr(value),
                )
            )
        return str(value)

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def load_catalogue(path: Path) -> Catalogue:
    doc = parsecache.load(path)
    check = _Checker(doc)
    stores = []
    for i, raw in enumerate(check.get(doc.data, "stores", list, ()) or []):
        where: tuple[str | int, ...] = ("stores", i)
        levels = []
        for j, level in enumerate(check.get(raw, "levels", list, where) or []):
            at = (*where, "levels", j)
            levels.append(
                Level(
                    name=str(check.get(level, "level", str, at)),
                    consistency=check.word(level, "consistency", CONSISTENCY, at),
                    pacelc=check.word(level, "pacelc", PACELC, at),
                    replication=check.words(level, "replication", REPLICATION, at),
                    conflicts=check.words(level, "conflicts", CONFLICT_RESOLUTION, at),
                )
            )
        stores.append(
            Store(
                name=str(check.get(raw, "name", str, where)),
                pacelc=check.word(raw, "pacelc", PACELC, where),
                partitioning=check.words(raw, "partitioning", PARTITIONING, where),
                levels=tuple(levels),
                recommend=bool(raw.get("recommend", True)) if isinstance(raw, dict) else False,
                references=tuple(check.get(raw, "references", list, where) or ()),
            )
        )
    check.done()
    return Catalogue(tuple(stores))
