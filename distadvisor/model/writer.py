"""The canonical requirements file: a `Requirements` written back as YAML.

It writes any requirements, not only the questionnaire's: `init` calls it once the
flow has returned, and the flow never does. It knows the model and nothing of the
questions, so it sits beside the model rather than in `questionnaire`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from .fieldpaths import NO_DEFAULT, model_default
from .requirements import Requirements


class _FlowList(list[Any]):
    """A list of names, written on one line: `calls: [orders, payments]`."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper, with lists of mappings indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    _FlowList,
    lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=True
    ),
)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {}
        for declared in dataclasses.fields(value):
            item = getattr(value, declared.name)
            default = model_default(declared)
            if default is not NO_DEFAULT and item == (
                tuple(default) if isinstance(default, list) else default
            ):
                continue  # only meaningful fields: a default reads the same when left out
            fields[declared.name] = _plain(item)
        return fields
    if isinstance(value, tuple):
        items = [_plain(v) for v in value]
        return items if any(isinstance(v, dict) for v in items) else _FlowList(items)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_yaml(req: Requirements) -> str:
    """The requirements as the canonical file: model order, defaults left out, a blank
    line before each section."""
    text = (
        f"# Requirements of {req.system}, written by `distadvisor init`.\n"
        "# The format: docs/requirements.md. Check it with `distadvisor advise FILE`.\n"
    )
    for key, value in _plain(req).items():
        if isinstance(value, dict | list):
            text += "\n"
        text += yaml.dump(
            {key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
        )
    return text
