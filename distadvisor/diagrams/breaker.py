"""The circuit-breaker state machine, labelled with the configured thresholds.

The options are the circuit-breaker scaffold's, resolved (every option present:
failure_threshold, recovery_timeout, half_open_max_calls, success_threshold, the
rate policy's window...), so the picture in a generated module is the machine that
module runs, and `diagram` draws the one `advise --scaffold` writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import canvas


def transitions(options: Mapping[str, object], cs: canvas.Charset) -> list[tuple[str, str]]:
    """(transition, when) for each edge of the machine, with the configured numbers."""
    o = options
    trips = f"after {o['failure_threshold']} consecutive failures"
    if o["policy"] == "rate":
        unit = "calls" if o["window"] == "count" else "s"
        trips += (
            f", or a failure rate {cs.ge} {o['failure_rate_threshold']} over the last "
            f"{o['window_size']} {unit} (once it holds {o['minimum_calls']} calls)"
        )
    slow = o["slow_call_duration"]
    if isinstance(slow, int | float) and slow > 0:
        trips += f"; a call slower than {slow} s counts as a failure"
    arrow = f" {cs.h}{cs.right} "
    return [
        (f"closed{arrow}open", trips),
        (f"open{arrow}half_open", f"on the first call {o['recovery_timeout']} s after opening"),
        (f"half_open{arrow}closed", f"after {o['success_threshold']} successful trial call(s)"),
        (f"half_open{arrow}open", "as soon as a trial call fails"),
        (
            "open, half_open",
            f"reject calls with CircuitOpenError; half_open admits "
            f"{o['half_open_max_calls']} trial call(s) at a time",
        ),
    ]


# Drawn once in Unicode; the ASCII set is a character-for-character translation.
_PICTURE = (
    "┌────────┐   trips    ┌──────┐",
    "│ closed │ ─────────▶ │ open │",
    "└────────┘            └──────┘ ◀───────┐",
    "    ▲                    │             │",
    "    │ {successes:<18} │ {timeout:<11} │ a trial fails",
    "    │                    ▼             │",
    "    │             ┌───────────┐        │",
    "    └──────────── │ half_open │ ───────┘",
    "                  └───────────┘",
)
_TO_ASCII = str.maketrans("┌┐└┘─│▶◀▲▼", "++++-|><^v")


def _picture(o: Mapping[str, object], ascii: bool) -> list[str]:
    """The machine as three boxes and four edges, numbers on the edges."""
    successes = f"{o['success_threshold']} success(es)"
    timeout = f"{o['recovery_timeout']} s"
    lines = [line.format(successes=successes[:18], timeout=timeout[:11]) for line in _PICTURE]
    if len(successes) > 18 or len(timeout) > 11:  # huge numbers: the list below has them
        lines[4] = _PICTURE[4].format(successes="enough successes", timeout="timeout")
    return [line.translate(_TO_ASCII) if ascii else line for line in lines]


def draw(
    options: Mapping[str, object],
    *,
    protects: Sequence[str] = (),
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> str:
    """The state machine for the scaffold's resolved `options`."""
    cs = canvas.charset(ascii)
    o = options
    out = ["circuit breaker: closed, open, half_open", ""]
    picture = _picture(o, ascii)
    if canvas.width_of(picture) + 2 <= width:
        out += [f"  {line}" for line in picture] + [""]
    rows = transitions(o, cs)
    label = max(len(t) for t, _ in rows)
    for edge, when in rows:
        if label + 2 + 24 <= width:
            out += canvas.wrap(when, width, f"  {edge.ljust(label)}  ", " " * (label + 4))
        else:
            out += [f"  {edge}", *canvas.wrap(when, width, "      ")]
    if protects:
        out += ["", *canvas.wrap("guards calls to: " + ", ".join(protects), width)]
    return canvas.finish(out, width)
