"""The recommendation: plain data, and its JSON form (contract §2).

Every renderer is a function of this; none re-derives a conclusion.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from .model.vocabulary import SEVERITIES

SCHEMA = "distadvisor/recommendation/v1"


class Reason(NamedTuple):
    """A rule that shaped a conclusion, with its explanation for this system."""

    rule: str
    text: str
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "text": self.text}
        if self.field is not None:
            out["field"] = self.field
        return out


class Considered(NamedTuple):
    """A rule whose condition also held for a field, with another conclusion, but that
    lost to the rule tried before it: an option the decision record lists, with why."""

    rule: str
    field: str
    value: Any
    text: str
    why: str


class EntityAdvice(NamedTuple):
    name: str
    path: str
    conclusions: dict[str, Any]  # field -> value, in the contract's field order
    because: tuple[Reason, ...]
    # Only when asked for (advise(explain=True)); never in the JSON contract.
    considered: tuple[Considered, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**self.conclusions, "because": [r.to_dict() for r in self.because]}


class PatternAdvice(NamedTuple):
    pattern: str
    subject: str  # the data, service, transaction or system it is for
    path: str
    scaffold: str | None
    because: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "for": self.subject,
            "scaffold": self.scaffold,
            "because": [r.to_dict() for r in self.because],
        }


class Finding(NamedTuple):
    severity: str
    rule: str
    text: str
    path: str
    # Accepted in the requirements file (`accept:`): still reported, never failing.
    suppressed: bool = False
    reason: str = ""
    # The rule's one-sentence summary, for short reports; not part of the JSON contract.
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity,
            "rule": self.rule,
            "text": self.text,
            "path": self.path,
        }
        if self.suppressed:
            out |= {"suppressed": True, "reason": self.reason}
        return out


class Acceptance(Protocol):
    """An accepted finding (requirements.Accept), as this module needs it."""

    @property
    def reason(self) -> str: ...

    def covers(self, rule: str, path: str) -> bool: ...


class Recommendation(NamedTuple):
    system: str
    description: str
    entities: tuple[EntityAdvice, ...]
    patterns: tuple[PatternAdvice, ...]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "system": self.system,
            "entities": {e.name: e.to_dict() for e in self.entities},
            "patterns": [p.to_dict() for p in self.patterns],
            "findings": [f.to_dict() for f in self.findings],
        }

    def counts(self) -> dict[str, int]:
        """Findings by severity (accepted ones apart, under `suppressed`)."""
        active = [f.severity for f in self.findings if not f.suppressed]
        return {
            **{s: active.count(s) for s in SEVERITIES},
            "suppressed": len(self.findings) - len(active),
        }

    def failing(self, fail_on: str) -> list[Finding]:
        """Findings at or above `fail_on` (error, warning, info); accepted ones never fail."""
        worst = SEVERITIES.index(fail_on)
        return [
            f for f in self.findings if not f.suppressed and SEVERITIES.index(f.severity) <= worst
        ]

    def accepting(self, accepted: Iterable[Acceptance]) -> Recommendation:
        """The same recommendation with the findings the file accepts marked suppressed."""
        accepted = list(accepted)
        if not accepted:
            return self
        return self._replace(findings=accept_findings(self.findings, accepted))


def accept_findings(
    findings: Iterable[Finding], accepted: Iterable[Acceptance]
) -> tuple[Finding, ...]:
    """`findings` with those the file accepts (`accept:`) marked suppressed."""
    accepted = list(accepted)
    out = []
    for finding in findings:
        match = next((a for a in accepted if a.covers(finding.rule, finding.path)), None)
        if match is not None:
            finding = finding._replace(suppressed=True, reason=match.reason)
        out.append(finding)
    return tuple(out)
