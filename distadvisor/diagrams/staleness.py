"""The t-visibility curve as text: how many reads see a write, t ms after it commits."""

from __future__ import annotations

from collections.abc import Sequence


def plot(curve: Sequence[tuple[float, float]], *, width: int = 80, ascii: bool = False) -> str:
    """One bar per point: the time after commit, the share of consistent reads, its bar."""
    full = "#" if ascii else "\u2588"
    labels = [f"{t:.3g} ms" for t, _ in curve]
    left = max((len(label) for label in labels), default=0)
    room = max(10, width - left - 12)
    lines = []
    for label, (_, share) in zip(labels, curve, strict=True):
        bar = full * round(share * room)
        lines.append(f"{label:>{left}} |{bar:<{room}} {share:7.2%}")
    return "\n".join(lines)
