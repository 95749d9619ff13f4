"""Mermaid versions of the diagrams, for the decision record: GitHub and GitLab draw
them where the markdown is shown, beside the ASCII pictures that read anywhere.

Every name comes from the requirements file, so it only ever appears inside a quoted
label: first escaped as for a terminal line (`escape.terminal`: no control character,
no workflow command), then with the characters Mermaid would read (`"`, `<`, `>`, `#`,
`;`, backticks) written as its entity codes; node ids are generated (`n0`, `n1`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model.requirements import Requirements
from ..recommendation import EntityAdvice, Recommendation
from .escape import terminal

_CODES = {
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "#": "#35;",
    ";": "#59;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}
_SAGA_PATTERNS = ("saga-orchestration", "saga-choreography")


def label(text: str) -> str:
    """User text as a quoted Mermaid label that cannot end the label or open markup."""
    # One pass: the codes themselves hold `#` and `;`, which must not be coded again.
    safe = terminal(text, one_line=True)
    return '"' + "".join(_CODES.get(char, char) for char in safe) + '"'


def replication(advice: EntityAdvice) -> str:
    """Who a write and a read wait for: n replicas, the write and read quorums."""
    c = advice.conclusions
    quorum = c.get("quorum") or {}
    n = int(quorum.get("n", 1))
    kind = str(c.get("replication", ""))
    lines = ["flowchart LR", f"  W({label('write to ' + advice.name)})", f"  R({label('read')})"]
    leader = kind.startswith("leader-follower") or kind == "consensus"
    for i in range(n):
        role = " (leader)" if leader and i == 0 else ""
        lines.append(f"  n{i}[{label(f'replica {i + 1}{role}')}]")
    w, r = quorum.get("w", 1), quorum.get("r", 1)
    if leader:
        lines.append(f"  W -->|{label(f'acknowledged by w={w} of n={n}')}| n0")
        how = "async" if kind.endswith("async") else "replicates"
        lines += [f"  n0 -.->|{label(how)}| n{i}" for i in range(1, n)]
    else:
        lines += [f"  W -->|{label(f'w={w} of n={n}')}| n{i}" for i in range(n)]
    # Strong kinds read at the leader once r replicas (the leader first) confirm it
    # still leads; the others read any r replicas.
    readers = r if kind in ("consensus", "leader-follower-sync") else n
    lines += [f"  R -->|{label(f'r={r}')}| n{i}" for i in range(readers)]
    return "\n".join(lines)


def saga(name: str, steps: Sequence[str], coordination: str) -> str:
    """Steps forward; a step failing for good is compensated, then the ones before it."""
    lines = ["flowchart TD", f"  start([{label(name + ': saga, ' + coordination)}])"]
    previous = "start"
    for i, step in enumerate(steps):
        lines.append(f"  s{i}[{label(step)}]")
        lines.append(f"  {previous} --> s{i}")
        previous = f"s{i}"
        lines.append(f"  c{i}[{label('compensate ' + step)}]")
        lines.append(f"  s{i} -.->|{label('fails')}| c{i}")
        lines.append(f"  c{i} --> {'c' + str(i - 1) if i else 'compensated'}")
    lines += [
        f"  {previous} --> completed([{label('completed')}])",
        f"  compensated([{label('compensated')}])",
    ]
    return "\n".join(lines)


def breaker(options: Mapping[str, object]) -> str:
    """The breaker's states, with the scaffold's thresholds on the transitions."""
    return "\n".join(
        [
            "stateDiagram-v2",
            "  [*] --> closed",
            f"  closed --> open: {options['failure_threshold']} consecutive failures",
            f"  open --> half_open: first call after {options['recovery_timeout']} s",
            f"  half_open --> closed: {options['success_threshold']} successful trial call(s)",
            "  half_open --> open: a trial call fails",
        ]
    )


def services(req: Requirements) -> str:
    """Who calls whom and waits: external services drawn apart, protections on the edges."""
    ids = {s.name: f"v{i}" for i, s in enumerate(req.services)}
    lines = ["flowchart LR"]
    for service in req.services:
        shape = (
            f"[({label(service.name + ' (external)')})]"
            if service.external
            else (f"[{label(service.name)}]")
        )
        lines.append(f"  {ids[service.name]}{shape}")
    protected = {s.name: s.protected_by for s in req.services}
    for service in req.services:
        for callee in service.calls:
            if callee not in ids:
                ids[callee] = f"v{len(ids)}"
                lines.append(f"  {ids[callee]}[{label(callee)}]")
            guard = ", ".join(protected.get(callee, ()))
            arrow = f"-->|{label(guard)}|" if guard else "-->"
            lines.append(f"  {ids[service.name]} {arrow} {ids[callee]}")
    return "\n".join(lines)


def system(
    rec: Recommendation, req: Requirements | None, breaker_options: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(title, diagram) for what spans the system: the service calls, each saga and the
    circuit breaker, when it has them (replication is drawn per kind of data)."""
    out = []
    if req is not None and req.services:
        out.append(("Service calls", services(req)))
    how = {
        p.subject: p.pattern.removeprefix("saga-")
        for p in rec.patterns
        if p.pattern in _SAGA_PATTERNS
    }
    if req is not None:
        out += [
            (f"Saga {t.name}", saga(t.name, t.steps, how[t.name]))
            for t in req.transactions
            if t.name in how
        ]
    if any(p.pattern == "circuit-breaker" for p in rec.patterns):
        out.append(("Circuit breaker", breaker(breaker_options)))
    return out
