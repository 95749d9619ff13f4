"""The command line: parse, call, render, choose the exit status. Nothing more.

Exit status (every command): 0 success; 1 findings at or above --fail-on (or failing
rule fixtures); 2 bad input or usage. Heavy modules are imported inside the commands
that need them, so `advise` starts fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .advise import advise

# Commands defined in their own modules, built only when asked for: typer builds every
# registered command at start-up, and these have many options the common path never uses.
_LAZY_COMMANDS = {
    "check": ("check", "check"),
    "schema": ("schema", "schema"),
    "diagram": ("diagram", "diagram"),
    "init": ("init", "init"),
    "simulate": ("simulate", "simulate"),
}


class _RootGroup(TyperGroup):
    """The top-level group: `rules`, `scaffold` and the commands above are mounted lazily."""

    # typer's vendored click Context is private; Any keeps the override compatible.
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), "rules", *_LAZY_COMMANDS, "scaffold"]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name == "scaffold":
            from .scaffold import group

            return group
        if cmd_name == "rules":
            import typer.main

            from .rules import rules_app

            holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            holder.add_typer(rules_app, name="rules")
            return typer.main.get_group(holder).commands["rules"]
        if cmd_name in _LAZY_COMMANDS:
            import importlib

            import typer.main

            module, function = _LAZY_COMMANDS[cmd_name]
            single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            single.command(cmd_name)(
                getattr(importlib.import_module(f".{module}", __package__), function)
            )
            return typer.main.get_command(single)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="distadvisor",
    cls=_RootGroup,
    help="Design advisor and pattern scaffolder for distributed systems.",
    no_args_is_help=True,
    # typer's own --install-completion / --show-completion, for bash, zsh, fish, PowerShell.
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(asked: bool) -> None:
    if asked:
        from .. import __version__

        print(f"distadvisor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Design advisor and pattern scaffolder for distributed systems."""


app.command()(advise)


def degrade_output() -> None:
    """Make standard output and error print what their encoding cannot hold as escapes
    (`\\u2500`) instead of failing: on an ASCII or cp1252 console, a report must still
    end with the exit status of its findings, never a UnicodeEncodeError."""
    import io
    import sys

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def main() -> None:
    import signal

    # Like other command-line tools, end quietly when a reader such as `head` closes
    # the pipe, rather than raising on the next write and misreporting the status.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    degrade_output()
    app(prog_name="distadvisor")
