"""Facts: what the rules can read, derived from the requirements model.

Each rule runs in a scope — once per kind of data (`entity`), per service, per
transaction, or once for the whole `system` — and sees the facts of its scope
object plus the system-wide sections. Fact types come from the model's own
declarations, so the condition checker knows every field and its vocabulary.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

from ..model.requirements import (
    Availability,
    DataDesign,
    Deployment,
    Entity,
    LatencyBudget,
    Requirements,
    Service,
    Transaction,
    Workload,
    field_types,
)
from ..model.vocabulary import REPLICATION
from ..recommendation import EntityAdvice
from . import placement
from .conditions import BOOL, LIST, NUMBER, STRING, Type
from .slots import ENTITY_SLOTS, QUORUM

SCOPES = ("entity", "service", "transaction", "system")


def _fact_type(hint: Any) -> Type:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        base = _fact_type(inner[0])
        return base._replace(nullable=True)
    if origin is Literal:
        return Type("string", tuple(str(a) for a in args))
    if origin is tuple:
        return LIST
    if hint is bool:
        return BOOL
    if hint in (int, float):
        return NUMBER
    return STRING


@functools.cache
def _flat_fields(cls: type) -> tuple[str, ...]:
    """A section's own values; nested sections (a kind of data's design) have facts of
    their own."""
    hints = field_types(cls)
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if not any(
            dataclasses.is_dataclass(t) for t in (hints[f.name], *typing.get_args(hints[f.name]))
        )
    )


def _section_types(prefix: str, cls: type) -> dict[str, Type]:
    hints = field_types(cls)
    return {f"{prefix}.{name}": _fact_type(hints[name]) for name in _flat_fields(cls)}


# A kind of data's declared design: its plain fields as `entity.design_<field>`, and the
# replica counts its consistency levels resolve to (n, w, r); all null when undeclared.
_DESIGN_FIELDS = ("datastore", "level", "replication", "partitioning")
_DESIGN_COUNTS = ("entity.design_n", "entity.design_w", "entity.design_r")
_NO_DESIGN: dict[str, Any] = dict.fromkeys(
    (*(f"entity.design_{name}" for name in _DESIGN_FIELDS), *_DESIGN_COUNTS)
)


def _design_types() -> dict[str, Type]:
    hints = field_types(DataDesign)
    schema = {f"entity.design_{name}": _fact_type(hints[name]) for name in _DESIGN_FIELDS}
    return schema | dict.fromkeys(_DESIGN_COUNTS, Type("number", nullable=True))


def _design_facts(design: DataDesign | None) -> dict[str, Any]:
    if design is None:
        return _NO_DESIGN
    facts = {f"entity.design_{name}": getattr(design, name) for name in _DESIGN_FIELDS}
    counts = (design.replication_factor, design.w, design.r)
    return facts | dict(zip(_DESIGN_COUNTS, counts, strict=True))


# What `distadvisor simulate` predicts, as facts for the finding rules that read them
# (`prediction.*`): per kind of data and per service on the call graph. The engine knows
# only their types; simulate/findings.py fills them in, so rules that read them run
# there and nowhere else (advise and check make no prediction).
PREDICTED_PREFIX = "prediction."
_NULLABLE = Type("number", nullable=True)
PREDICTED_TYPES: dict[str, dict[str, Type]] = {
    "entity": {
        "prediction.profile": STRING,
        "prediction.replication": Type("string", REPLICATION),
        "prediction.n": NUMBER,
        "prediction.w": NUMBER,
        "prediction.r": NUMBER,
        "prediction.regions": NUMBER,
        "prediction.reads": Type("string", ("leader", "nearest", "follower", "session", "fastest")),
        "prediction.trials": NUMBER,
        # Null where every read sees every acknowledged write.
        "prediction.consistent_at_commit": _NULLABLE,
        "prediction.consistent_at_bound": _NULLABLE,  # also null without max_staleness_s
        "prediction.visible_99_ms": _NULLABLE,
        "prediction.visible_999_ms": _NULLABLE,
        # Only where the bound is missed for figure('visible_share') of reads.
        "prediction.cheapest_quorum": QUORUM._replace(nullable=True),
        "prediction.read_availability_pct": NUMBER,
        "prediction.write_availability_pct": NUMBER,
        "prediction.read_p50_ms": NUMBER,
        "prediction.read_p99_ms": NUMBER,
        "prediction.write_p50_ms": NUMBER,
        "prediction.write_p99_ms": NUMBER,
    },
    "service": {
        "prediction.depth": _NULLABLE,  # null in or below a call cycle
        "prediction.every_hop": _NULLABLE,  # null there too: no bound
        "prediction.one_layer": NUMBER,
        "prediction.budgeted": _NULLABLE,
        "prediction.attempts_per_call": NUMBER,
        "prediction.retry_budget": NUMBER,
    },
}


class Predicted(NamedTuple):
    """Predicted facts by subject name: kinds of data, and services on the call graph.
    A subject left out has no prediction, and the rules that read one skip it."""

    entities: dict[str, dict[str, Any]]
    services: dict[str, dict[str, Any]]

    def of(self, scope: str) -> dict[str, dict[str, Any]]:
        return {"entity": self.entities, "service": self.services}.get(scope, {})


# Where the advice places the replicas (engine/placement.py): the regions the write
# quorum spans, and whether every write waits for another region. They follow from
# the conclusions, so only pattern and finding rules read them.
PLACEMENT_FACTS = ("entity.quorum_regions", "entity.remote_ack")


def reads_predictions(facts: set[str]) -> bool:
    return any(f.startswith(PREDICTED_PREFIX) for f in facts)


def _system_types() -> dict[str, Type]:
    schema = {
        "system.name": STRING,
        "deployment.region_count": NUMBER,
        "deployment.region_names": LIST,
        "deployment.writes_from": _fact_type(field_types(Deployment)["writes_from"]),
    }
    schema |= _section_types("workload", Workload)
    schema |= _section_types("latency_budget_ms", LatencyBudget)
    schema |= _section_types("availability", Availability)
    # Resolved to its documented default, so rules never see null here.
    schema["availability.zone_failure_tolerated"] = BOOL
    return schema


@functools.cache
def schema_for(scope: str) -> dict[str, Type]:
    """Every fact a rule of this scope may read, with its type (built once per scope;
    callers only read it)."""
    schema = _system_types()
    if scope == "entity":
        schema |= _section_types("entity", Entity)
        schema |= _design_types()
        schema |= {f"entity.{slot}": kind for slot, kind in ENTITY_SLOTS.items()}
        schema["entity.index"] = NUMBER
        schema["entity.reads_per_write"] = Type("number", nullable=True)
        # Resolved to their documented defaults (docs/requirements.md).
        entity_types = field_types(Entity)
        schema["entity.writes_from"] = _fact_type(field_types(Deployment)["writes_from"])
        schema["entity.freshness"] = _fact_type(entity_types["freshness"])
        schema["entity.write_rate"] = Type("number", nullable=True)
        schema["entity.read_rate"] = Type("number", nullable=True)
        # Isolation: the data that shares a transaction with this one, both directions.
        schema["entity.transaction_partners"] = LIST
        # A region loss must lose no acknowledged write of this data (docs/requirements.md).
        schema["entity.region_loss_safe"] = BOOL
        # The regions this data may live in: the deployment's, narrowed by its residency.
        schema["entity.region_count"] = NUMBER
        schema["entity.region_names"] = LIST
        # A transaction partner holds money, unique claims or never-stale data.
        schema["entity.partner_linearizable"] = BOOL
        # Where the advice places the replicas (engine/placement.py): the regions the
        # write quorum spans, and whether every write waits for another region.
        schema |= dict.fromkeys(PLACEMENT_FACTS[:1], NUMBER) | dict.fromkeys(
            PLACEMENT_FACTS[1:], BOOL
        )
        schema |= PREDICTED_TYPES["entity"]
    elif scope == "service":
        schema |= _section_types("service", Service)
        schema |= {"service.callers": LIST, "service.index": NUMBER, "service.declared": BOOL}
        schema |= PREDICTED_TYPES["service"]
    elif scope == "transaction":
        schema |= _section_types("transaction", Transaction)
        schema |= {
            "transaction.index": NUMBER,
            "transaction.distinct_services": LIST,
            # The distinct services we own (`external: false`): only they hold an outbox.
            "transaction.internal_services": LIST,
            "transaction.external_services": LIST,
            # The services we own that change state in it: a saga needs two of them.
            "transaction.writing_services": LIST,
        }
    return schema


class Subject(NamedTuple):
    """One object a scope's rules run over: its name, its path in the file, its facts."""

    scope: str
    name: str
    path: str
    facts: dict[str, Any]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _section_facts(prefix: str, section: Any) -> dict[str, Any]:
    names = _flat_fields(typing.cast(type, type(section)))
    return {f"{prefix}.{name}": _plain(getattr(section, name)) for name in names}


def _system_facts(req: Requirements) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "system.name": req.system,
        "deployment.region_count": req.deployment.region_count,
        "deployment.region_names": list(req.deployment.region_names),
        "deployment.writes_from": req.deployment.writes_from,
    }
    facts |= _section_facts("workload", req.workload)
    facts |= _section_facts("latency_budget_ms", req.latency_budget_ms)
    facts |= _section_facts("availability", req.availability)
    facts["availability.zone_failure_tolerated"] = req.availability.zone_failure
    return facts


def _rates(req: Requirements, entity: Entity) -> tuple[float | None, float | None]:
    """This kind of data's peak (writes, reads) per second: its own figures, else the
    system's workload when it is the only kind of data, else unknown."""
    alone = len(req.data) == 1
    writes = entity.writes_per_sec
    if writes is None and alone:
        writes = req.workload.writes_per_sec
    reads = entity.reads_per_sec
    if reads is None and alone:
        reads = req.workload.reads_per_sec
    return writes, reads


def _reads_per_write(req: Requirements, entity: Entity) -> float | None:
    """The entity's own read/write ratio, else the ratio of its own rates, else the
    system's workload ratio, else unknown."""
    if entity.read_write_ratio is not None:
        return entity.read_write_ratio
    for reads, writes in (
        (entity.reads_per_sec, entity.writes_per_sec),
        (req.workload.reads_per_sec, req.workload.writes_per_sec),
    ):
        if reads is not None and writes is not None and writes != 0:
            return reads / writes
    return None


def _services(req: Requirements) -> Iterator[tuple[Service, str, bool]]:
    """Declared services, then services only named in `calls` or transactions: those
    stand with the defaults, located at their first mention."""
    declared = {s.name for s in req.services}
    for i, service in enumerate(req.services):
        yield service, f"services[{i}]", True
    mentions = [
        (name, f"services[{i}].calls[{j}]")
        for i, s in enumerate(req.services)
        for j, name in enumerate(s.calls)
    ] + [
        (name, f"transactions[{i}].services[{j}]")
        for i, t in enumerate(req.transactions)
        for j, name in enumerate(t.services)
    ]
    for name, path in mentions:
        if name not in declared:
            declared.add(name)
            yield Service(name=name), path, False


def _transaction_partners(req: Requirements, entity: Entity) -> list[str]:
    """The kinds of data updated in one transaction with this one, whichever of the two
    names the other in `transactional_with`, in file order."""
    return [
        other.name
        for other in req.data
        if other.name in entity.transactional_with or entity.name in other.transactional_with
    ]


def _partner_linearizable(req: Requirements, entity: Entity) -> bool:
    """Whether data updated in one transaction with this one holds money, unique claims
    or data that is never read stale: the transaction runs in one database under one
    setting, so this data gets the same guarantee."""
    partners = set(_transaction_partners(req, entity))
    return any(
        other.money or other.unique_claims or other.stale_reads == "never"
        for other in req.data
        if other.name in partners
    )


def _own_regions(req: Requirements, entity: Entity) -> tuple[list[str], int]:
    """The names (when the file gives them) and number of the regions this data may
    live in."""
    own = req.deployment.regions_for(entity.residency)
    names = req.deployment.region_names
    return ([names[i] for i in own] if names else []), len(own)


def _region_loss_safe(req: Requirements, entity: Entity) -> bool:
    """Whether a region loss must lose no acknowledged write of this data: the service
    survives a region loss with rpo_s 0, or with rpo_s unset for money and unique claims."""
    availability = req.availability
    if req.deployment.region_count < 2 or not availability.region_failure_tolerated:
        return False
    if availability.rpo_s is None:
        return entity.money or entity.unique_claims
    return availability.rpo_s == 0


def concluded(req: Requirements, entity: Entity, advice: EntityAdvice) -> dict[str, Any]:
    """What was concluded for a kind of data, as facts for the pattern and finding
    rules: the conclusions, and where they place the replicas."""
    placed = placement.of_advice(
        advice,
        entity,
        req.deployment,
    )
    conclusions = {f"entity.{k}": v for k, v in advice.conclusions.items()}
    return conclusions | dict(zip(PLACEMENT_FACTS, (placed.span, placed.remote_ack), strict=True))


def subjects(req: Requirements, scope: str) -> Iterator[Subject]:
    """The subjects of one scope, in file order, each with its facts."""
    system = _system_facts(req)
    if scope == "system":
        yield Subject(scope, req.system, "", system)
    elif scope == "entity":
        for i, entity in enumerate(req.data):
            facts = system | _section_facts("entity", entity) | _design_facts(entity.design)
            writes, reads = _rates(req, entity)
            own_names, own_count = _own_regions(req, entity)
            facts |= {
                "entity.index": i,
                "entity.reads_per_write": _reads_per_write(req, entity),
                "entity.writes_from": entity.writes_from or req.deployment.writes_from,
                "entity.freshness": entity.effective_freshness,
                "entity.write_rate": writes,
                "entity.read_rate": reads,
                "entity.transaction_partners": _transaction_partners(req, entity),
                "entity.region_loss_safe": _region_loss_safe(req, entity),
                "entity.region_names": own_names,
                "entity.region_count": own_count,
                "entity.partner_linearizable": _partner_linearizable(req, entity),
            }
            yield Subject(scope, entity.name, f"data[{i}]", facts)
    elif scope == "service":
        callers_of: dict[str, list[str]] = {}  # one pass over the graph, not one per service
        for caller in req.services:
            for callee in caller.calls:
                callers_of.setdefault(callee, []).append(caller.name)
        for i, (service, path, declared) in enumerate(_services(req)):
            callers = list(callers_of.get(service.name, ()))
            facts = system | _section_facts("service", service)
            facts |= {"service.callers": callers, "service.index": i, "service.declared": declared}
            yield Subject(scope, service.name, path, facts)
    elif scope == "transaction":
        external = {s.name for s in req.services if s.external}
        for i, txn in enumerate(req.transactions):
            distinct = list(dict.fromkeys(txn.services))
            internal = [s for s in distinct if s not in external]
            facts = system | _section_facts("transaction", txn)
            facts |= {
                "transaction.index": i,
                "transaction.distinct_services": distinct,
                "transaction.internal_services": internal,
                "transaction.external_services": [s for s in distinct if s in external],
                "transaction.writing_services": [
                    s for s in internal if s not in txn.read_only_services
                ],
            }
            yield Subject(scope, txn.name, f"transactions[{i}]", facts)
