"""`distadvisor diagram`: the system's diagrams, drawn from its requirements file."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import RulesOption

KIND_HELP = (
    "Only this kind: replication, partitioning, cap, saga or breaker; staleness (the\n"
    "t-visibility curve of data whose reads can be stale) is drawn only when asked for."
)


def diagram(
    file: Annotated[str, typer.Argument(help="Requirements file (YAML, version 1); - for stdin.")],
    entity: Annotated[
        str | None,
        typer.Option(
            help="Only this kind of data, transaction or guarded service.", show_default=False
        ),
    ] = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP, show_default=False)] = None,
    width: Annotated[int, typer.Option(help="Columns the diagrams may use.")] = 80,
    ascii: Annotated[
        bool, typer.Option("--ascii", help="Pure 7-bit ASCII instead of box drawing.")
    ] = False,
    rules: RulesOption = None,
) -> None:
    """Draw the recommended architecture: replication, partitioning, CAP/PACELC, sagas,
    circuit breakers; plain text, no colour."""
    from ..diagrams import system
    from ..errors import InputError
    from ..scaffold.specs import default_options
    from .common import advise_file, fail, stdout_draws_boxes

    try:
        if kind is not None:
            system.check_kind(kind)
    except InputError as error:
        fail(error)
    rec, req = advise_file(file, rules)
    try:
        system.check_width(width, system.names_of(rec, req))
        style = system.Style(width, ascii or not stdout_draws_boxes())
        drawn = system.draw_all(
            rec,
            req,
            style,
            breaker_options=default_options("circuit-breaker"),
            kind=kind,
            subject=entity,
        )
    except InputError as error:
        fail(error)
    if not drawn:
        print("no diagram of that kind for this system", file=sys.stderr)
    from ..render.escape import terminal

    sys.stdout.write(terminal("\n\n".join(d.text for d in drawn)) + ("\n" if drawn else ""))
