"""Which finding rules report: `--select` and `--ignore`, by rule id or id prefix.

As in ruff, a rule is reported when the longest selector matching its id is a
`select` one (no `select` at all selects everything); a tie goes to `ignore`. So
`--select findings --ignore findings.local` reports every `findings.*` rule but
`findings.local-transaction`, and `--ignore design --select design.unknown-level`
keeps that one rule of the `design` family.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..errors import InputError, Location, Problem, did_you_mean


class Selection(NamedTuple):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def keeps(self, rule_id: str) -> bool:
        chosen = max(
            (len(p) for p in self.select if rule_id.startswith(p)), default=-1 if self.select else 0
        )
        dropped = max((len(p) for p in self.ignore if rule_id.startswith(p)), default=-1)
        return chosen > dropped

    def check(self, rule_ids: Sequence[str], origin: str) -> None:
        """A selector that matches no rule is bad input: a typo must not silence a rule
        or hide every finding. `origin` says where the selectors came from."""
        problems = []
        for option, prefixes in (("select", self.select), ("ignore", self.ignore)):
            for prefix in prefixes:
                if not any(rule_id.startswith(prefix) for rule_id in rule_ids):
                    problems.append(
                        Problem(
                            f"'{prefix}' matches no finding rule",
                            Location(origin, path=option),
                            "a finding rule's id or the start of one (distadvisor rules list)",
                            hint=did_you_mean(prefix, rule_ids),
                        )
                    )
        if problems:
            raise InputError(problems)
