"""How conclusions read in human formats (text and markdown share these words)."""

from __future__ import annotations

from typing import Any

FIELD_LABELS = {
    "consistency": "Consistency",
    "cap": "CAP",
    "pacelc": "PACELC",
    "replication": "Replication",
    "quorum": "Quorum",
    "partitioning": "Partitioning",
    "conflict_resolution": "Conflicts",
    "datastores": "Datastores",
    "isolation": "Isolation",
}


def show(field: str, value: Any) -> str:
    """A conclusion as people read it: quorum as n/w/r, lists joined."""
    if field == "quorum" and isinstance(value, dict):
        return f"n={value['n']}  w={value['w']}  r={value['r']}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none in the catalogue"
    return str(value)
