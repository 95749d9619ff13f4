"""How conclusions read in human formats (text and markdown share these words)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..recommendation import Recommendation

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


def finding_counts(counts: dict[str, int]) -> str:
    """Findings by severity, as `check` and `advise` both print them."""
    return (
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info, "
        f"{counts['suppressed']} suppressed"
    )


def verdict(rec: Recommendation, fail_on: str = "error") -> str:
    """The report's first line: passed or failed, and the findings as `check` counts them.
    Here, not in the text renderer, so `advise --format json` can say it on stderr
    without loading rich."""
    state = "failed" if rec.failing(fail_on) else "passed"
    failing_on = "" if fail_on == "error" else f" (fail on {fail_on})"
    return f"{state} {rec.system}: {finding_counts(rec.counts())}{failing_on}"
