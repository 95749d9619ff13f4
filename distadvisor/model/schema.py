"""The JSON Schema (draft 2020-12) of the requirements file, derived from the model.

Editors validate YAML against a JSON Schema as you type. The schema is built from
the same dataclass declarations the validator walks (types, defaults, ranges, help),
so it never drifts from what `advise` accepts field by field. What a schema cannot
say (names unique within a list, `max_staleness_s` only with bounded staleness, a
level needing the replication factor) stays with the validator and `check`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

from .requirements import NAME_PATTERN, Requirements, field_types

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:distadvisor:requirements:v1"


def _bounds(meta: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side in ("minimum", "maximum"):
        value = meta.get(side)
        if value is not None:
            key = f"exclusive{side.capitalize()}" if meta.get(f"exclusive_{side}") else side
            out[key] = value
    return out


def _type(hint: Any, meta: Mapping[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type(a, meta, defs) for a in args]}
    if hint is type(None):
        return {"type": "null"}
    if origin is Literal:
        kinds = {"integer" if isinstance(a, int) else "string" for a in args}
        return {"type": kinds.pop(), "enum": list(args)}
    if origin is tuple:
        item_meta = {"name": args[0] is str}
        out: dict[str, Any] = {"type": "array", "items": _type(args[0], item_meta, defs)}
        if meta.get("min_items"):
            out["minItems"] = meta["min_items"]
        if meta.get("max_items") is not None:
            out["maxItems"] = meta["max_items"]
        return out
    if dataclasses.is_dataclass(hint):
        name = typing.cast(type, hint).__name__
        if name not in defs:
            defs[name] = {}  # reserved first: a section may refer to itself
            defs[name] = _section(typing.cast(type, hint), defs)
        return {"$ref": f"#/$defs/{name}"}
    if hint is bool:
        return {"type": "boolean"}
    if hint in (int, float):
        return {"type": "integer" if hint is int else "number", **_bounds(meta)}
    if hint is str:
        out = {"type": "string"}
        # JSON Schema patterns search; a name must match whole.
        pattern = f"^(?:{NAME_PATTERN.pattern})$" if meta.get("name") else meta.get("pattern")
        if pattern:
            out["pattern"] = pattern
        return out
    raise TypeError(f"unsupported field type {hint!r}")  # a bug in the model


def _default(fld: dataclasses.Field[Any]) -> Any:
    if fld.default is dataclasses.MISSING:
        return dataclasses.MISSING  # a section: its own fields carry the defaults
    value = fld.default
    return list(value) if isinstance(value, tuple) else value


def _section(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = field_types(cls)
    properties: dict[str, Any] = {}
    required = []
    for fld in dataclasses.fields(cls):
        prop = {"description": fld.metadata["help"], **_type(hints[fld.name], fld.metadata, defs)}
        if fld.metadata.get("required"):
            required.append(fld.name)
        else:
            default = _default(fld)
            if default is not dataclasses.MISSING:
                prop["default"] = default
        properties[fld.name] = prop
    out: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out


def requirements_schema() -> dict[str, Any]:
    """The schema of a requirements file, version 1."""
    defs: dict[str, Any] = {}
    root = _section(Requirements, defs)
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "distadvisor requirements file (version 1)",
        **root,
        "$defs": defs,
    }
