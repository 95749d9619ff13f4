"""The diagrams of a whole system: which ones a recommendation gets, drawn from it.

The recommendation gives each kind of data its quorum, replication, partitioning and
CAP/PACELC place, and names the transactions and services that get a saga or a
circuit breaker. The requirements, when given, add what the recommendation does not
carry: region names, residency, access patterns and the saga steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ..engine import placement
from ..errors import InputError, Location, did_you_mean
from ..model.requirements import Entity, Requirements
from ..recommendation import EntityAdvice, Recommendation
from . import breaker, canvas, cap, partitioning, replication, saga

KINDS = ("replication", "partitioning", "cap", "saga", "breaker")
# Drawn only when asked for by name: the curve needs a simulation of the design.
ON_REQUEST = ("staleness",)
ENTITY_KINDS = ("replication", "partitioning", "cap", "staleness")
_SAGA_PATTERNS = {"saga-orchestration": "orchestrated", "saga-choreography": "choreographed"}


class Diagram(NamedTuple):
    kind: str
    subject: str  # the kind of data, transaction or system it draws
    text: str


class Style(NamedTuple):
    width: int = canvas.DEFAULT_WIDTH
    ascii: bool = False


# The kinds of data of the last requirements drawn, by name: a report draws every kind
# of data of one file in turn, and a search through the list for each made it quadratic.
_BY_NAME: list[tuple[Requirements, dict[str, Entity]]] = []


def _entity(req: Requirements, name: str) -> Entity | None:
    if not _BY_NAME or _BY_NAME[0][0] is not req:
        _BY_NAME[:] = [(req, {e.name: e for e in req.data})]
    return _BY_NAME[0][1].get(name)


def entity_diagrams(
    advice: EntityAdvice,
    req: Requirements | None,
    style: Style,
    kinds: Sequence[str] = ("replication", "partitioning"),
) -> list[Diagram]:
    """Replication and partitioning of one kind of data."""
    c = advice.conclusions
    entity = _entity(req, advice.name) if req else None
    regions = req.deployment.regions if req else 1
    residency = entity.residency if entity else ()
    out = []
    if "replication" in kinds:
        out.append(
            Diagram(
                "replication",
                advice.name,
                replication.draw(
                    advice.name,
                    c["replication"],
                    c["quorum"],
                    regions=regions,
                    residency=residency,
                    conflicts=c["conflict_resolution"],
                    placement=placement.of_advice(advice, entity, req.deployment)
                    if req and entity
                    else None,
                    width=style.width,
                    ascii=style.ascii,
                ),
            )
        )
    if "partitioning" in kinds:
        out.append(
            Diagram(
                "partitioning",
                advice.name,
                partitioning.draw(
                    advice.name,
                    c["partitioning"],
                    c["quorum"]["n"],
                    regions=regions,
                    residency=residency,
                    access=entity.access if entity else "point",
                    width=style.width,
                    ascii=style.ascii,
                ),
            )
        )
    return out


def cap_diagram(entities: Sequence[EntityAdvice], style: Style) -> Diagram:
    placed = [(e.name, e.conclusions["cap"], e.conclusions["pacelc"]) for e in entities]
    subject = entities[0].name if len(entities) == 1 else "system"
    return Diagram("cap", subject, cap.draw(placed, width=style.width, ascii=style.ascii))


def saga_diagrams(
    rec: Recommendation, req: Requirements | None, style: Style, only: str | None = None
) -> list[Diagram]:
    """One flow per transaction the advice gives a saga, labelled with its style: a
    transaction that needs no saga gets no compensations drawn."""
    if req is None:
        return []
    how = {
        p.subject: _SAGA_PATTERNS[p.pattern] for p in rec.patterns if p.pattern in _SAGA_PATTERNS
    }
    return [
        Diagram(
            "saga",
            t.name,
            saga.draw(
                t.name,
                t.steps,
                services=t.services,
                coordination=how[t.name],
                width=style.width,
                ascii=style.ascii,
            ),
        )
        for t in req.transactions
        if t.name in how and only in (None, t.name)
    ]


def breaker_subjects(rec: Recommendation) -> list[str]:
    return [p.subject for p in rec.patterns if p.pattern == "circuit-breaker"]


def breaker_diagram(
    rec: Recommendation, style: Style, options: Mapping[str, object]
) -> list[Diagram]:
    """The breaker `advise --scaffold` writes (one for the system, with `options`, the
    scaffold's defaults, which the caller reads: diagrams know no templates), if one is
    advised."""
    protects = breaker_subjects(rec)
    if not protects:
        return []
    return [
        Diagram(
            "breaker",
            rec.system,
            breaker.draw(options, protects=protects, width=style.width, ascii=style.ascii),
        )
    ]


def check_kind(kind: str) -> str:
    known = (*KINDS, *ON_REQUEST)
    if kind not in known:
        raise InputError.single(
            "unknown diagram kind",
            Location(path="--kind"),
            expected="one of " + ", ".join(known),
            found=repr(kind),
            hint=did_you_mean(kind, known),
        )
    return kind


def check_width(width: int, names: Sequence[str]) -> int:
    """`width` if every diagram fits it with every name shown whole, else an InputError."""
    least = canvas.required_width(names)
    if width > canvas.MAX_WIDTH:
        raise InputError.single(
            "width too wide",
            Location(path="--width"),
            expected=f"at most {canvas.MAX_WIDTH}",
            found=str(width),
        )
    if width < least:
        longest = max(names, key=len, default="")
        why = (
            f" (the name '{longest}' is {len(longest)} characters)"
            if least > canvas.MIN_WIDTH
            else ""
        )
        raise InputError.single(
            "width too narrow for the diagrams" + why,
            Location(path="--width"),
            expected=f"at least {least}",
            found=str(width),
        )
    return width


def names_of(rec: Recommendation, req: Requirements | None) -> list[str]:
    """Every name a diagram may draw: data, regions, transactions, steps, services."""
    names = [e.name for e in rec.entities] + breaker_subjects(rec)
    if req is not None:
        names += list(req.deployment.region_names)
        for t in req.transactions:
            names += [t.name, *t.steps, *t.services]
    return names


def draw_all(
    rec: Recommendation,
    req: Requirements | None,
    style: Style,
    *,
    breaker_options: Mapping[str, object],
    kind: str | None = None,
    subject: str | None = None,
) -> list[Diagram]:
    """The diagrams asked for: all of them, or those of one kind and/or one subject.

    `subject` is a kind of data, a transaction, or a service a breaker guards; an
    unknown one, or a kind that does not draw it, is an InputError.
    """
    kinds = [check_kind(kind)] if kind else list(KINDS)
    entities = list(rec.entities)
    transactions = [t.name for t in req.transactions] if req else []
    if subject is not None:
        known = list(
            dict.fromkeys([e.name for e in rec.entities] + transactions + breaker_subjects(rec))
        )
        if subject not in known:
            raise InputError.single(
                "unknown entity",
                Location(path="--entity"),
                expected="a kind of data, a transaction or a guarded service: " + ", ".join(known),
                found=repr(subject),
                hint=did_you_mean(subject, known),
            )
        entities = [e for e in rec.entities if e.name == subject]
        applicable = (
            ENTITY_KINDS if entities else ("saga",) if subject in transactions else ("breaker",)
        )
        if kind and kind not in applicable:
            raise InputError.single(
                f"no {kind} diagram for '{subject}'",
                Location(path="--kind"),
                expected="one of " + ", ".join(applicable),
                found=repr(kind),
            )
        kinds = [k for k in kinds if k in applicable]
    out: list[Diagram] = []
    for advice in entities:
        out += entity_diagrams(advice, req, style, kinds)
    if "cap" in kinds and entities:
        out.append(cap_diagram(entities, style))
    if "saga" in kinds:
        out += saga_diagrams(rec, req, style, subject)
    if "breaker" in kinds:
        out += breaker_diagram(rec, style, breaker_options)
    if "staleness" in kinds and req is not None:
        out += staleness_diagrams(rec, req, style, [e.name for e in entities])
    return out


def staleness_diagrams(
    rec: Recommendation, req: Requirements, style: Style, names: Sequence[str]
) -> list[Diagram]:
    """The t-visibility curve of each named kind of data whose reads can be stale, from
    `distadvisor simulate`'s default prediction (seed 0)."""
    import textwrap

    from ..simulate.predict import predict
    from . import staleness

    out = []
    for e in predict(rec, req).entities:
        if e.name in names and e.staleness is not None:
            title = textwrap.fill(
                f"{e.name}: share of reads that see a write t ms after it commits "
                f"({e.replication} n={e.n} w={e.w} r={e.r})",
                width=style.width,
            )
            curve = staleness.plot(e.staleness.curve, width=style.width, ascii=style.ascii)
            out.append(Diagram("staleness", e.name, f"{title}\n{curve}"))
    return out
