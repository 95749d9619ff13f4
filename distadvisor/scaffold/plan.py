"""From a recommendation to scaffolds: which modules `advise --scaffold DIR` writes.

Each pattern's `pattern.yaml` says, in its `advise` block, whether it is written once
per subject or once per system, how its class is named and which options come from
the requirements. Everything is rendered and checked first; then the files are
written together, so a clash or a bad value leaves the folder untouched.
"""

from __future__ import annotations

import keyword
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..model.requirements import Requirements
from ..recommendation import Recommendation
from .gap import files_to_write
from .options import snake_case, validate_name
from .render import render
from .safewrite import write_files
from .specs import PatternSpec, resolve_options

_SECTIONS = {"data": "data", "services": "services", "transactions": "transactions"}
_PATH = re.compile(r"(\w+)\[(\d+)\]")


@dataclass(frozen=True)
class Planned:
    spec: PatternSpec
    class_name: str
    options: dict[str, object]
    because: str  # the recommendation it serves, for the summary


def camel_case(name: str) -> str:
    """`place_order` / `payment-provider` -> `PlaceOrder` / `PaymentProvider`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


def _subject(req: Requirements, path: str) -> object | None:
    match = _PATH.fullmatch(path)
    if match is None or match.group(1) not in _SECTIONS:
        return None
    items = getattr(req, _SECTIONS[match.group(1)])
    index = int(match.group(2))
    return items[index] if index < len(items) else None


def system_budget(req: Requirements) -> float | None:
    """The larger of the read and write latency budgets in seconds, if any is set."""
    budgets = [b for b in (req.latency_budget_ms.read, req.latency_budget_ms.write) if b]
    return max(round(max(budgets) / 1000, 3), 0.001) if budgets else None


def hop_timeouts(req: Requirements) -> dict[str, float]:
    """Seconds each service may take when it is called, from the latency budget.

    A service nothing calls gets the larger of the read and write budgets (the
    slowest answer the system promises); a caller with T seconds that calls k
    services gives each T / k, since its calls may run one after another. Shares
    flow one hop deeper at a time (breadth first), and a service called from
    several callers one hop above it gets the smallest share; calls sideways or
    back up the graph (cycles) take no share. Empty without a budget.
    """
    budget = system_budget(req)
    calls = {service.name: service.calls for service in req.services}
    called = {name for targets in calls.values() for name in targets}
    entries = [name for name in calls if name not in called]
    if budget is None:
        return {}
    depth = dict.fromkeys(entries, 0)
    shares = dict.fromkeys(entries, budget)
    order = deque(entries)
    while order:
        caller = order.popleft()
        targets = calls.get(caller, ())
        for target in targets:
            if target not in depth:
                depth[target] = depth[caller] + 1
                order.append(target)
            if depth[target] == depth[caller] + 1:
                share = shares[caller] / len(targets)
                shares[target] = min(shares.get(target, share), share)
    return {name: max(round(seconds, 3), 0.001) for name, seconds in shares.items()}


# Values an `advise.options` entry may name that no requirements field holds: each
# is worked out from the whole requirements for one subject (None: keep the default).
_DERIVED: dict[str, Callable[[Requirements, object], object]] = {
    "hop_timeout_s": lambda req, subject: hop_timeouts(req).get(getattr(subject, "name", "")),
    # Retries of a request end within the slowest answer the system promises.
    "system_budget_s": lambda req, subject: system_budget(req),
    # A cached copy may be as old as the data's staleness bound, never older.
    "cache_ttl_s": lambda req, subject: getattr(subject, "max_staleness_s", None),
}


def _bound_options(
    spec: PatternSpec, subject: object, where: str, req: Requirements
) -> dict[str, object]:
    raw: dict[str, object] = {}
    for option, field in spec.advise.options:
        if field in _DERIVED:
            derived = _DERIVED[field](req, subject)
            if derived is not None:
                raw[option] = derived
            continue
        if subject is None or not hasattr(subject, field):
            raise InputError.single(
                f"pattern {spec.pattern!r} takes {option!r} from {field!r}, which {where} lacks",
                Location(str(spec.directory / "pattern.yaml"), path=f"advise.options.{option}"),
            )
        value = getattr(subject, field)
        raw[option] = [_identifier(v) for v in value] if isinstance(value, tuple) else value
    try:
        return resolve_options(spec, raw)
    except InputError as error:  # name the requirements, not an option never typed
        raise InputError(
            [
                p._replace(
                    location=Location(path=where), message=f"for {spec.pattern}: {p.message}"
                )
                for p in error.problems
            ]
        ) from None


def _identifier(name: str) -> str:
    """A requirement name as a Python identifier: `reserve-stock` -> `reserve_stock`,
    `class` -> `class_` (names allow '-' and '.', identifiers neither keywords)."""
    text = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return f"{text}_" if keyword.iskeyword(text) else text


def plan(
    rec: Recommendation, req: Requirements, patterns: Mapping[str, PatternSpec]
) -> list[Planned]:
    """The modules to write for every recommended pattern that has a scaffold."""
    planned: dict[str, Planned] = {}
    for advice in rec.patterns:
        if advice.scaffold is None:
            continue
        spec = patterns[advice.scaffold]
        if spec.advise.per == "system":
            class_name = camel_case(rec.system) + spec.advise.suffix
            subject: object | None = None
        else:
            class_name = camel_case(advice.subject) + spec.advise.suffix
            subject = _subject(req, advice.path)
        if class_name in planned:
            if spec.advise.per == "system":
                continue  # one module per system already serves this subject
            raise InputError.single(
                f"{planned[class_name].because} and {advice.pattern} for {advice.subject}"
                f" would both be scaffolded as {class_name}",
                Location(path=advice.path),
                hint="rename one of them",
            )
        try:
            validate_name(class_name)
        except InputError as error:
            raise InputError(
                [
                    p._replace(location=Location(path=advice.path or "system"))
                    for p in error.problems
                ]
            ) from None
        options = _bound_options(spec, subject, advice.path or rec.system, req)
        planned[class_name] = Planned(
            spec, class_name, options, f"{advice.pattern} for {advice.subject}"
        )
    return list(planned.values())


def write(planned: list[Planned], out: Path, *, force: bool, dry_run: bool) -> list[Path]:
    """Render every planned module, then write them all or nothing.

    As with `scaffold --force`, a user file of a generation-gap pattern that exists
    is kept.
    """
    package = (out / "__init__.py").is_file()
    files: dict[str, str] = {}
    for item in planned:
        rendered = render(item.spec, item.class_name, item.options, package=package)
        if force:
            rendered = files_to_write(item.spec, snake_case(item.class_name), rendered, out)
        for name, content in rendered.items():
            if name in files:
                raise InputError.single(
                    f"two scaffolds would write {name}",
                    Location(str(out / name)),
                    hint="rename a subject so their class names differ",
                )
            files[name] = content
    return write_files(files, out, force=force, dry_run=dry_run)
