"""A saga's flow: its steps forward, and the compensations that undo them backward.

Step k failing for good compensates steps k .. 1 in reverse order (step k had
started, so it may have acted): in the picture its `fails` arrow enters the
compensation column at step k and climbs to the top.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import canvas

# "  <step> ──fails──▶ compensate <step>": everything but the two names.
_ROW_EXTRA = 2 + 1 + 2 + len("fails") + 3 + 1 + len("compensate ")
_UNDO = "compensate "


def draw(
    name: str,
    steps: Sequence[str],
    *,
    services: Sequence[str] = (),
    coordination: str = "orchestrated",
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> str:
    """The flow of saga `name` through `steps` (in `services`, when given)."""
    cs = canvas.charset(ascii)
    names = canvas.abbreviate(steps, (width - _ROW_EXTRA) // 2, cs)
    title = canvas.abbreviate([name], width - 2, cs)
    shown = [names.shown[step] for step in steps]
    column = max(len(s) for s in shown)
    undo_at = 2 + column + 1 + 2 + len("fails") + 3 + 1  # where the right column starts
    out = canvas.wrap(
        f"{title.shown[name]}: saga ({coordination}), steps forward, compensations backward", width
    )
    top = undo_at + 2  # the column the compensations climb
    out += [
        "",
        "  run(saga_id, context)",
        f"    {cs.v}".ljust(top - 2) + "compensated",
        f"    {cs.down}".ljust(top) + cs.up,
    ]
    for i, step in enumerate(shown):
        dashes = cs.h * (column - len(step) + 2)
        out.append(f"  {step} {dashes}fails{cs.h * 2}{cs.right} {_UNDO}{step}")
        if i + 1 < len(shown):
            out.append(f"    {cs.v} ok".ljust(top) + cs.up)
            out.append(f"    {cs.down}".ljust(top) + cs.v)
    out += [f"    {cs.v} ok", f"    {cs.down}", "  completed", ""]
    if services:
        out += canvas.wrap("steps run in: " + ", ".join(services), width)
    out += canvas.wrap(
        "A step that fails for good is compensated first (it had started, so it may have "
        "acted), then the steps before it in reverse order (the saga ends compensated); a "
        "compensation that fails for good ends it failed.",
        width,
    )
    return canvas.finish([*out, *names.lines(width), *title.lines(width)], width)
