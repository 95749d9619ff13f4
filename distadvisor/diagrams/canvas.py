"""The shared drawing kit: character sets, boxes, side-by-side blocks, wrapping, legends.

Every diagram is a list of lines built from these pieces, so each one adapts to the
width the same way: blocks that do not fit side by side go on the next row, text
wraps, and names too long for their slot are abbreviated with a legend below. Nothing
is ever cut off.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import NamedTuple

DEFAULT_WIDTH = 80
MIN_WIDTH = 40
# Beyond any screen or page; also keeps a mistyped width from exhausting memory.
MAX_WIDTH = 1000
# A legend line is "  ~12 name": the widest a legend tag and its indent get.
LEGEND_INDENT = 6


class Charset(NamedTuple):
    """The characters a diagram is drawn with: Unicode box drawing or 7-bit ASCII."""

    h: str
    v: str
    tl: str
    tr: str
    bl: str
    br: str
    tee_right: str  # a vertical line with a branch to the right
    tee_left: str
    tee_down: str
    tee_up: str
    cross: str
    right: str
    left: str
    up: str
    down: str
    mark: str  # a highlighted point (the sample key)
    filled: str  # a node with a role (leader, head)
    hollow: str  # any other node
    ellipsis: str
    times: str
    ge: str
    le: str


UNICODE = Charset(
    "─", "│", "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼",
    "▶", "◀", "▲", "▼", "◆", "●", "○", "…", "\u00d7", "≥", "≤",
)  # fmt: skip
ASCII = Charset(
    "-", "|", "+", "+", "+", "+", "+", "+", "+", "+", "+",
    ">", "<", "^", "v", "*", "@", "o", "~", "x", ">=", "<=",
)  # fmt: skip


def charset(ascii: bool) -> Charset:
    return ASCII if ascii else UNICODE


def width_of(lines: Iterable[str]) -> int:
    return max((len(line) for line in lines), default=0)


def box(lines: Sequence[str], cs: Charset, title: str = "", inner: int = 0) -> list[str]:
    """`lines` framed, at least `inner` wide inside, `title` set into the top edge."""
    inner = max(inner, width_of(lines), len(title) + 2 if title else 0)
    top = cs.h * (inner + 2)
    if title:
        top = f"{cs.h} {title} " + cs.h * (inner - len(title) - 1)
    out = [cs.tl + top + cs.tr]
    out += [f"{cs.v} {line.ljust(inner)} {cs.v}" for line in lines]
    out.append(cs.bl + cs.h * (inner + 2) + cs.br)
    return out


def side_by_side(blocks: Sequence[list[str]], gap: int = 2) -> list[str]:
    """Blocks next to each other, top-aligned, each padded to its own width."""
    height = max((len(b) for b in blocks), default=0)
    widths = [width_of(b) for b in blocks]
    rows = []
    for i in range(height):
        cells = [(b[i] if i < len(b) else "").ljust(w) for b, w in zip(blocks, widths, strict=True)]
        rows.append((" " * gap).join(cells).rstrip())
    return rows


def flow(blocks: Sequence[list[str]], width: int, gap: int = 2) -> list[str]:
    """Blocks side by side, wrapped onto further rows (a blank line apart) to fit `width`."""
    out: list[str] = []
    row: list[list[str]] = []
    for block in blocks:
        if row and width_of(side_by_side([*row, block], gap)) > width:
            out += [*side_by_side(row, gap), ""]
            row = []
        row.append(block)
    return out + side_by_side(row, gap)


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """`text` wrapped to `width`; words longer than a line are broken, never cut."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


class Names(NamedTuple):
    """Names as drawn: each the name itself when it fits, else a short form in the legend."""

    shown: dict[str, str]
    legend: tuple[tuple[str, str], ...]  # (tag, name)

    def lines(self, width: int) -> list[str]:
        """The legend: one line per abbreviated name, or nothing when none was."""
        out: list[str] = []
        for tag, name in self.legend:
            out += wrap(f"{tag} {name}", width, "  ", " " * LEGEND_INDENT)
        return out


def abbreviate(names: Iterable[str], limit: int, cs: Charset) -> Names:
    """Names longer than `limit` become a prefix and a numbered tag: `reserve_ev~1`.

    The tag makes short forms distinct however alike the names start, and the legend
    spells each one out.
    """
    shown: dict[str, str] = {}
    legend: list[tuple[str, str]] = []
    for name in dict.fromkeys(names):
        if len(name) <= limit:
            shown[name] = name
            continue
        tag = f"{cs.ellipsis}{len(legend) + 1}"
        short = name[: max(limit - len(tag), 1)] + tag
        shown[name] = short
        legend.append((tag, name))
    return Names(shown, tuple(legend))


def finish(lines: Iterable[str], width: int) -> str:
    """The diagram as text: trailing spaces dropped, any line still too long wrapped.

    Layouts choose their shape to fit, so the wrap is a last guard, never the plan.
    """
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        while len(line) > width:
            out.append(line[:width].rstrip())
            line = "  " + line[width:]
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def required_width(names: Iterable[str]) -> int:
    """The least width at which every name can be shown whole, in a legend if need be."""
    return max([MIN_WIDTH, *(len(name) + LEGEND_INDENT for name in names)])
