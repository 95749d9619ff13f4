"""`distadvisor scaffold`: a lazy command group, one subcommand per pattern.

The subcommands are built from the pattern specs only when one is looked up, so
other commands never read templates. typer (>= 0.16) vendors its own trimmed
click and no longer installs click, so the group is a `typer.core.TyperGroup`
(typer's click-compatible group) subclass and its subcommands come from small
Typer apps whose signatures are built from each pattern's declared options.
Mount it with::

    click_app = typer.main.get_command(app)
    click_app.add_command(scaffold_cli.group)
"""

from __future__ import annotations

import inspect
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import InputError, Location
from ..scaffold import gap
from ..scaffold.options import OptionSpec, snake_case
from ..scaffold.render import render
from ..scaffold.safewrite import write_files
from ..scaffold.specs import PatternSpec, get_pattern, load_patterns, resolve_options

_METAVARS = {
    "int": "INTEGER",
    "float": "FLOAT",
    "choice": "",
    "identifiers": "NAME,...",
    "exceptions": "EXCEPTION,...",
}
_NUMBERS: dict[str, type] = {"int": int, "float": float}


def fail(error: InputError) -> typer.Exit:
    """Print `error` as `error: ...` lines on stderr; the caller raises the result."""
    from ..render.escape import terminal

    for problem in error.problems:  # escaped: a problem quotes the input
        typer.echo(f"error: {terminal(str(problem), one_line=True)}", err=True)
    return typer.Exit(2)


@cache
def _patterns() -> dict[str, PatternSpec]:
    return load_patterns()


def patterns_or_exit() -> dict[str, PatternSpec]:
    try:
        return _patterns()
    except InputError as exc:
        raise fail(exc) from None


class LazyScaffoldGroup(TyperGroup):
    """Lists the patterns and builds a pattern's command only when it is asked for."""

    # The context is typed by typer's vendored click, a private module: Any keeps the
    # overrides compatible without naming it.
    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(patterns_or_exit()) | set(self.commands))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:  # update, check
            return self.commands[cmd_name]
        patterns = patterns_or_exit()
        if cmd_name not in patterns and ctx.resilient_parsing:
            return None  # shell completion: say nothing
        try:
            return build_command(get_pattern(patterns, cmd_name))
        except InputError as exc:
            raise fail(exc) from None


def build_command(spec: PatternSpec) -> TyperCommand:
    """The click command for one pattern: fixed flags plus one per declared option."""
    parameters = [
        _parameter(
            "name",
            str,
            typer.Option(
                ...,
                "--name",
                metavar="NAME",
                help="Class name, e.g. PaymentsBreaker; the module is its snake_case.",
            ),
        ),
        _parameter(
            "out",
            str,
            typer.Option(
                ..., "--out", metavar="DIR", help="Directory to write into (created if missing)."
            ),
        ),
    ]
    if spec.supports_async:
        parameters.append(
            _parameter(
                "is_async",
                bool,
                typer.Option(False, "--async", help="Generate the asyncio variant."),
            )
        )
    parameters += [
        _parameter(
            "dry_run",
            bool,
            typer.Option(
                False, "--dry-run", help="Print the files that would be written; write nothing."
            ),
        ),
        _parameter("force", bool, typer.Option(False, "--force", help="Overwrite existing files.")),
    ]
    parameters += [_option_parameter(option) for option in spec.options]
    parameters.append(_parameter("ctx", typer.Context, inspect.Parameter.empty))

    def command(ctx: typer.Context, **values: Any) -> None:
        # Only the options given on the command line: the others keep their declared
        # default without it counting as a choice the user made.
        sources = {name: ctx.get_parameter_source(name) for name in values}
        given = {
            name
            for name, source in sources.items()
            if source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
        }
        run(spec, values, given)

    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    app = typer.Typer(add_completion=False)
    app.command(name=spec.pattern, help=spec.summary)(command)
    command = typer.main.get_command(app)
    assert isinstance(command, TyperCommand)  # one command, so not a group
    return command


def _parameter(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _option_parameter(option: OptionSpec) -> inspect.Parameter:
    """A pattern option as a CLI option, its declared default shown as `[default: X]`.

    Numbers are click ranges, so help reads `INTEGER RANGE [1<=x<=100]` and click
    refuses what is not a number or out of range; every value is then validated by
    `specs.resolve_options` (one place for the CLI and YAML: a NaN, say, is in no
    range click checks). Other values arrive as text.
    """
    if option.type == "bool":
        return _parameter(
            option.name,
            bool,
            typer.Option(
                option.default,
                f"{option.flag}/--no-{option.flag[2:]}",
                help=option.help,
                show_default=True,
            ),
        )
    default = None if option.required else option.default
    if option.type in _NUMBERS:
        bounded = option.min is not None or option.max is not None
        metavar = _METAVARS[option.type] + (" RANGE" if bounded else "")
        return _parameter(
            option.name,
            Annotated[
                _NUMBERS[option.type] | None,
                typer.Option(
                    option.flag,
                    metavar=metavar,
                    help=option.help,
                    min=option.min,
                    max=option.max,
                    show_default=not option.required,
                ),
            ],
            default,
        )
    if isinstance(default, tuple):
        default = ",".join(default)
    metavar = _METAVARS[option.type] or "[" + "|".join(option.choices) + "]"
    return _parameter(
        option.name,
        Annotated[
            str | None,
            typer.Option(
                option.flag,
                metavar=metavar,
                help=option.help,
                show_default=not option.required,
            ),
        ],
        default,
    )


def run(spec: PatternSpec, values: dict[str, Any], given: set[str]) -> None:
    """Validate, render and write one scaffold; InputError ends in exit status 2.

    With --force an existing user file of a generation-gap pattern is kept: --force
    renews what the tool owns, never what the user filled in.
    """
    if not values["out"]:
        raise fail(
            InputError.single(
                "empty path", Location(path="--out"), expected="a directory to write into"
            )
        )
    raw = {
        option.name: values[option.name]
        for option in spec.options
        if option.name in given and values[option.name] is not None
    }
    out = Path(values["out"])
    try:
        options = resolve_options(spec, raw)
        files = render(
            spec,
            values["name"],
            options,
            is_async=values.get("is_async", False),
            package=(out / "__init__.py").is_file(),
        )
        kept: list[str] = []
        if values["force"]:
            writable = gap.files_to_write(spec, snake_case(values["name"]), files, out)
            kept = sorted(set(files) - set(writable))
            files = writable
        paths = write_files(files, out, force=values["force"], dry_run=values["dry_run"])
    except InputError as exc:
        raise fail(exc) from None
    verb = "would write" if values["dry_run"] else "wrote"
    for path in paths:
        typer.echo(f"{verb} {path}")
    for name in kept:
        typer.echo(f"kept {out / name} (yours)")


app = typer.Typer(
    name="scaffold",
    cls=LazyScaffoldGroup,
    invoke_without_command=True,
    add_completion=False,
    help="Write a standalone, tested module implementing a pattern.",
)


@app.callback()
def scaffold_group(
    ctx: typer.Context,
    list_patterns: Annotated[
        bool, typer.Option("--list", help="List the patterns and what they are for.")
    ] = False,
) -> None:
    """Write a standalone, tested module implementing a pattern."""
    if list_patterns:
        for name, spec in sorted(patterns_or_exit().items()):
            typer.echo(f"{name:<20} {spec.summary}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _drift(folder: Path) -> gap.Drift:
    try:
        return gap.drift(gap.find(folder, patterns_or_exit()))
    except InputError as exc:
        raise fail(exc) from None


@app.command("update")
def update(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to search, subfolders included.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would change; write nothing.")
    ] = False,
) -> None:
    """Re-render the files the tool owns from the options in their headers.

    Files you own (created once, e.g. the settings and listeners module) are never
    touched; one missing is created again.
    """
    found = _drift(folder)
    changes = {**found.outdated, **found.missing_user_files}
    by_folder: dict[Path, dict[str, str]] = {}
    for path, content in changes.items():
        by_folder.setdefault(path.parent, {})[path.name] = content
    verb = "would write" if dry_run else "wrote"
    try:
        for out, files in sorted(by_folder.items()):
            for path in write_files(files, out, force=True, dry_run=dry_run):
                typer.echo(f"{verb} {path}")
    except InputError as exc:
        raise fail(exc) from None
    if not changes:
        typer.echo("every generated file is up to date")


@app.command("check")
def check(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to search, subfolders included.")
    ],
) -> None:
    """Exit 1 if a file the tool owns differs from what this version would generate."""
    found = _drift(folder)
    for path in sorted(found.outdated):
        typer.echo(f"outdated: {path}")
    for path in sorted(found.missing_user_files):
        typer.echo(f"missing: {path}")
    if found.outdated or found.missing_user_files:
        typer.echo(
            "run `distadvisor scaffold update` on the folder to bring them up to date", err=True
        )
        raise typer.Exit(1)
    typer.echo("every generated file is up to date")


group = typer.main.get_command(app)
