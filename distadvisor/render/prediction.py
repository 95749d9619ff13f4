"""`distadvisor simulate` output: text for a terminal, JSON for scripts, markdown for an ADR.

Each renders the Prediction as given; none re-derives a figure.
"""

from __future__ import annotations

import json
from typing import Any

from ..diagrams.staleness import plot
from ..simulate.prediction import EntityPrediction, Prediction
from .escape import json_document, markdown, markdown_code, terminal

SCHEMA = "distadvisor/prediction/v1"
READS = {
    "leader": "reads at the leader",
    "nearest": "reads at the nearest replica",
    "follower": "stale-tolerant reads at the nearest replica (decisions at the leader)",
    "session": "a session's reads at the leader; staleness of other sessions' reads "
    "at the nearest replica",
    "fastest": "reads wait for the first {r} replica(s)",
}


def _design(e: EntityPrediction) -> str:
    where = f", {e.regions} regions" if e.regions > 1 else ""
    return f"{e.replication} n={e.n} w={e.w} r={e.r}{where}"


def _reads(e: EntityPrediction) -> str:
    s = e.staleness
    if s is None:
        return "every read sees every acknowledged write"
    text = (
        f"{s.consistent_at_commit:.1%} at commit; 99% after {s.visible_99_ms:.3g} ms, "
        f"99.9% after {s.visible_999_ms:.3g} ms"
    )
    if s.bound_s is not None and s.consistent_at_bound is not None:
        text += f"; {s.consistent_at_bound:.2%} within the {s.bound_s:g} s bound"
    return text


def _summary(p: Prediction) -> str:
    active = [f for f in p.findings if not f.suppressed]
    return f"{len(active)} finding(s) from predictions" if active else "no finding from predictions"


def to_dict(p: Prediction) -> dict[str, Any]:
    def entity(e: EntityPrediction) -> dict[str, Any]:
        s = e.staleness
        return {
            "design": {
                "replication": e.replication,
                "n": e.n,
                "w": e.w,
                "r": e.r,
                "regions": e.regions,
                "reads": e.reads,
            },
            "staleness": None
            if s is None
            else {
                "consistent_at_commit": s.consistent_at_commit,
                "bound_s": s.bound_s,
                "consistent_at_bound": s.consistent_at_bound,
                "visible_99_ms": s.visible_99_ms,
                "visible_999_ms": s.visible_999_ms,
                "curve": [{"t_ms": t, "consistent": share} for t, share in s.curve],
            },
            "availability": {"read": e.read_availability, "write": e.write_availability},
            "latency_ms": {"read": e.read_ms._asdict(), "write": e.write_ms._asdict()},
            "trials": e.trials,
        }

    return {
        "schema": SCHEMA,
        "system": p.system,
        "profile": p.profile,
        "seed": p.seed,
        "entities": {e.name: entity(e) for e in p.entities},
        "retries": {
            "attempts_per_call": p.attempts_per_call,
            "retry_budget": p.retry_budget,
            "services": {
                a.service: {
                    "depth": a.depth,
                    "every_hop": _finite(a.every_hop),
                    "one_layer": a.one_layer,
                    "budgeted": _finite(a.budgeted),
                }
                for a in p.retries
            },
        },
        "findings": [f.to_dict() for f in p.findings],
    }


def _finite(value: float) -> float | None:
    """JSON has no infinity: a call cycle's unbounded attempts are null."""
    return value if value != float("inf") else None


def render_json(p: Prediction) -> str:
    return json_document(json.dumps(to_dict(p), indent=2)) + "\n"


def render_text(p: Prediction, *, width: int = 80, ascii: bool = False) -> str:
    lines = [
        f"{terminal(p.system)}: {_summary(p)} (latency profile {p.profile}, seed {p.seed})",
        "",
    ]
    for f in p.findings:
        mark = " (accepted)" if f.suppressed else ""
        lines.append(terminal(f"{f.severity}{mark} {f.rule} {f.path}: {f.text}", one_line=True))
    if p.findings:
        lines.append("")
    for e in p.entities:
        lines += [
            f"{terminal(e.name)}: {_design(e)}; {READS[e.reads].format(r=e.r)}",
            f"  availability  reads {e.read_availability:.4%}  writes {e.write_availability:.4%}",
            f"  latency       read p50 {e.read_ms.p50:.2f} ms, p99 {e.read_ms.p99:.2f} ms; "
            f"write p50 {e.write_ms.p50:.2f} ms, p99 {e.write_ms.p99:.2f} ms",
            f"  staleness     {_reads(e)}",
        ]
        if e.staleness is not None and e.staleness.visible_999_ms > 0:
            lines += [
                "  " + row
                for row in plot(e.staleness.curve, width=width - 2, ascii=ascii).splitlines()
            ]
        lines.append("")
    if p.retries:
        lines.append(
            f"retries ({p.attempts_per_call} attempts per call; "
            f"budget {p.retry_budget:.0%} of calls): attempts one request can cause"
        )
        for a in p.retries:
            depth = "cycle" if a.depth is None else f"depth {a.depth}"
            lines.append(
                f"  {terminal(a.service):<24} {depth:<8} every hop {a.every_hop:g}, "
                f"one layer {a.one_layer:g}, budgeted {a.budgeted:.2f}"
            )
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(p: Prediction) -> str:
    lines = [
        "## Predicted behaviour",
        "",
        f"Predicted by `distadvisor simulate` (latency profile `{p.profile}`, seed "
        f"{p.seed}): {_summary(p)}.",
        "",
        "| Kind of data | Design | Availability (reads / writes) | p99 read / write |"
        " Consistent reads |",
        "|---|---|---|---|---|",
    ]
    for e in p.entities:
        lines.append(
            f"| {markdown(e.name)} | {_design(e)} | {e.read_availability:.4%} / "
            f"{e.write_availability:.4%} | {e.read_ms.p99:.2f} / {e.write_ms.p99:.2f} ms | "
            f"{_reads(e)} |"
        )
    if p.findings:
        lines += ["", "Findings:", ""]
        lines += [
            f"- **{f.severity}** {markdown_code(f.rule)} ({markdown(f.path)}): {markdown(f.text)}"
            for f in p.findings
        ]
    worst = [a for a in p.retries if a.every_hop > 1]
    if worst:
        lines += [
            "",
            f"Retries, with {p.attempts_per_call} attempts at every hop: "
            + ", ".join(f"{markdown(a.service)} up to {a.every_hop:g}" for a in worst)
            + ".",
        ]
    return "\n".join(lines) + "\n"
