"""Where the shipped rules and templates live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # A wheel carries the folder inside the package; a source checkout (editable
    # install, tests) has it at the top of the repository.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def rules_dir() -> Path:
    """The folder of the shipped rule files and the questionnaire."""
    return _shipped("rules")


def templates_dir() -> Path:
    """The folder of the shipped scaffold templates, one sub-folder per pattern."""
    return _shipped("templates")
