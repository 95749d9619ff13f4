"""Where each kind of data sits in CAP and PACELC: a two-by-two grid of their names.

Columns are the choice during a partition (PC is CAP's CP, PA its AP), rows the
choice otherwise (EC consistency, EL latency). A kind of data whose CAP letter does
not match its PACELC column is marked with its CAP class, so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import canvas

_ROW_LABELS = (("EL", "else latency"), ("EC", "else consistency"))
_COLUMNS = (("PC", "CP", "consistency"), ("PA", "AP", "availability"))
_LABEL_WIDTH = len("else consistency") + 2
_NARROWEST_CELL = 12
_EXPLAIN = (
    "During a partition, PC (CAP's CP) refuses what it cannot keep consistent "
    "and PA (AP) stays available and reconciles later; otherwise, EC pays "
    "latency for consistency and EL answers fast from a nearby copy."
)


def _label(name: str, cap: str, column: str, cell: int) -> list[str]:
    """A name in its cell, with its CAP class when that differs from the column's."""
    if cap == column:
        return [name]
    marked = f"{name} ({cap})"
    return [marked] if len(marked) <= cell else [name, f"({cap})"]


def draw(
    entities: Sequence[tuple[str, str, str]],
    *,
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> str:
    """`entities` as (name, cap, pacelc), placed in the PACELC quadrants."""
    cs = canvas.charset(ascii)
    cell = (width - _LABEL_WIDTH - 3) // 2 - 2
    # The grid when every name fits its cell; else a list, where names have more room.
    grid = cell >= _NARROWEST_CELL and all(len(name) <= cell for name, _, _ in entities)
    names = canvas.abbreviate([name for name, _, _ in entities], cell if grid else width - 14, cs)
    quadrant: dict[tuple[str, str], list[str]] = {}
    for name, cap, pacelc in entities:
        partition, otherwise = pacelc.split("/")
        column = "CP" if partition == "PC" else "AP"
        quadrant.setdefault((partition, otherwise), []).extend(
            _label(names.shown[name], cap, column, cell if grid else width)
        )
    out = [*canvas.wrap("Where each kind of data sits in CAP and PACELC", width), ""]
    if grid:
        pad = " " * _LABEL_WIDTH
        out.append(f"{pad} during a partition:")
        for heads in ([f"{p} ({c})" for p, c, _ in _COLUMNS], [h for _, _, h in _COLUMNS]):
            out.append((pad + "".join(f" {text.ljust(cell)}  " for text in heads)).rstrip())
        rule = cs.h * (cell + 2)
        out.append(f"{pad}{cs.tl}{rule}{cs.tee_down}{rule}{cs.tr}")
        for row, (code, label) in enumerate(_ROW_LABELS):
            cells = [quadrant.get((p, code), []) for p, _, _ in _COLUMNS]
            height = max(2, *(len(c) for c in cells))
            for i in range(height):
                left = (label, f"({code})")[i] if i < 2 else ""
                texts = [(c[i] if i < len(c) else "").ljust(cell) for c in cells]
                out.append(f"{left.ljust(_LABEL_WIDTH)}{cs.v} {texts[0]} {cs.v} {texts[1]} {cs.v}")
            left_end, middle, right_end = (
                (cs.tee_right, cs.cross, cs.tee_left) if row == 0 else (cs.bl, cs.tee_up, cs.br)
            )
            out.append(f"{pad}{left_end}{rule}{middle}{rule}{right_end}")
    else:
        for partition, cap, _ in _COLUMNS:
            for code, _label_text in reversed(_ROW_LABELS):
                members = quadrant.get((partition, code), [])
                out += canvas.wrap(
                    f"{partition}/{code} ({cap}): " + (", ".join(members) or "none"),
                    width,
                    "",
                    "    ",
                )
    out += ["", *canvas.wrap(_EXPLAIN, width), *names.lines(width)]
    return canvas.finish(out, width)
