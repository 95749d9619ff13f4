"""Fields of the requirements model, named by path.

A path names a field as text (`data[0].money`), as a tuple (`("data", 0, "money")`),
in the model (its type, its declaration, what it holds when left out) and in a
document being built. The question file, the answer sources, the flow and the
canonical writer all name fields this way; keeping it below them means none of them
imports another for it.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import types
import typing
from typing import Any

from . import requirements
from .requirements import Requirements
from .yamlsource import PathKey

NO_DEFAULT: Any = object()  # a required field: it has no default
_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


def parse_path(text: str) -> PathKey | None:
    """`data[0].money` -> ("data", 0, "money"); None when it is not a field path."""
    path: list[str | int] = []
    for part in text.split("."):
        match = _PATH_PART.fullmatch(part)
        if match is None:
            return None
        path.append(match.group(1))
        path.extend(int(i) for i in re.findall(r"\d+", match.group(2)))
    return tuple(path)


def shape(path: PathKey) -> PathKey:
    """The question path a concrete path answers: every index becomes 0."""
    return tuple(0 if isinstance(p, int) else p for p in path)


def put(document: Any, path: PathKey, value: Any) -> None:
    """Set `value` at `path`, creating the mappings and list entries on the way."""
    node = document
    for key, following in itertools.pairwise(path):
        if isinstance(key, int):
            node.extend(None for _ in range(key + 1 - len(node)))
            current = node[key]
        else:
            current = node.get(key)
        if current is None:
            current = [] if isinstance(following, int) else {}
            node[key] = current
        node = current
    last = path[-1]
    if isinstance(last, int):
        node.extend(None for _ in range(last + 1 - len(node)))
    node[last] = value


def model_field(cls: type, names: PathKey) -> tuple[Any, dataclasses.Field[Any]] | None:
    """The type and declaration of a field by path, e.g. ("deployment", "regions")."""
    hint: Any = cls
    declared: dataclasses.Field[Any] | None = None
    for name in names:
        if not dataclasses.is_dataclass(hint):
            return None
        fields = {f.name: f for f in dataclasses.fields(hint)}
        if name not in fields:
            return None
        declared = fields[name]
        hint = requirements.field_types(typing.cast(type, hint))[name]
    return (hint, declared) if declared is not None else None


def _unwrap(hint: Any) -> Any:
    """`X | None` -> X; other types unchanged."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner[0] if len(inner) == 1 else hint
    return hint


def model_path(path: PathKey) -> bool:
    """Whether a concrete path (`data[0].design.level`) names a field of the model."""
    hint: Any = Requirements
    for key in path:
        hint = _unwrap(hint)
        if isinstance(key, int):
            if typing.get_origin(hint) is not tuple:
                return False
            hint = typing.get_args(hint)[0]
        elif (
            isinstance(hint, type)
            and dataclasses.is_dataclass(hint)
            and key in requirements.field_types(hint)
        ):
            hint = requirements.field_types(hint)[key]
        else:
            return False
    return bool(path)


def model_default(declared: dataclasses.Field[Any]) -> Any:
    """What a field holds when left out (a list for a tuple); NO_DEFAULT if required."""
    if declared.metadata.get("required"):
        return NO_DEFAULT
    if declared.default is not dataclasses.MISSING:
        value = declared.default
    else:
        value = declared.default_factory()  # type: ignore[operator]
    return list(value) if isinstance(value, tuple) else value
