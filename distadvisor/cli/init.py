"""`distadvisor init`: ask in plain words, write the requirements file, show the advice.

Only typer and the standard library are imported at module level: the questionnaire,
questionary and the engine load when the command runs, so other commands start as
fast as before.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ..model.requirements import Requirements
    from ..model.yamlsource import PathKey
    from ..questionnaire.prompts import QuestionaryPrompter
    from ..recommendation import Recommendation

INTERRUPTED = 130  # the shell's status for a process ended by SIGINT


def init(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The requirements file to write.")
    ] = Path("requirements.yaml"),
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="FIELD=VALUE",
            help="An answer, never asked: availability.target=99.99, data[0].money=true. "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    data_file: Annotated[
        Path | None,
        typer.Option(
            "--data-file",
            help="A YAML file of answers: requirements fields, nested or as paths. "
            "They are the defaults offered; --data wins over them.",
            show_default=False,
        ),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Ask nothing: take every given answer or default.")
    ] = False,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="An existing requirements file to start from and edit.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
) -> None:
    """Ask about the system in plain words and write its requirements file.

    Then show the recommendation for it and offer to scaffold its patterns. On a
    terminal every question without a --data answer is asked; otherwise (or with
    --defaults) answers come from --data, --data-file, --from and the defaults, and
    any question left without an answer is an error.
    """
    from ..errors import InputError
    from .common import fail

    interactive = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
    written = False
    try:
        record: dict[PathKey, Any] = {}
        req = _answer(out, data or [], data_file, from_file, force, interactive, record)
        written = _write(out, req, force, interactive, record)
        if written:
            rec = _advise(req)
            if interactive:
                from ..questionnaire.prompts import QuestionaryPrompter

                _offer_scaffolds(rec, req, QuestionaryPrompter())
            else:
                print(
                    f"to scaffold its patterns: distadvisor advise {out} --scaffold DIR",
                    file=sys.stderr,
                )
            if rec.failing("error"):
                raise typer.Exit(1)
    except InputError as error:
        fail(error)
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled" + ("" if written else ": nothing written"), file=sys.stderr)
        raise typer.Exit(INTERRUPTED) from None


def answers_file(requirements_file: Path) -> Path:
    """Where the answers behind a requirements file are kept: beside it, as
    copier keeps `.copier-answers.yml`. Without a top-level `version:` key, `check`
    never takes it for a requirements file."""
    return requirements_file.with_name(f"{requirements_file.stem}.answers.yaml")


def _answer(
    out: Path,
    data: list[str],
    data_file: Path | None,
    from_file: Path | None,
    force: bool,
    interactive: bool,
    record: dict[PathKey, Any],
) -> Requirements:
    """The requirements from every source of answers, and the prompts when interactive."""
    from ..errors import InputError, Location
    from ..model import yamlsource
    from ..questionnaire import answers, flow, questions

    if out.is_dir():
        raise InputError.single(
            "is a directory", Location(str(out), path="--out"), expected="a file path"
        )
    if out.exists() and not force and not interactive:
        raise InputError.single(
            "file already exists",
            Location(str(out), path="--out"),
            hint="pass --force to overwrite it",
        )
    asked = questions.load()
    given = answers.command_line(asked, data)
    files: answers.Answers = {}
    kept = answers_file(from_file) if from_file is not None else None
    # The answers kept beside the file edited come first, so an answer equal to the
    # model's default (left out of the file) is offered again; then the file itself,
    # then the answer file.
    for path in (kept if kept and kept.is_file() else None, from_file, data_file):
        if path is not None:
            files |= answers.from_file(asked, yamlsource.load(str(path)))
    prompter = None
    if interactive:
        from ..questionnaire.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter()
    return flow.run(asked, given=given, files=files, prompter=prompter, record=record)


def _write(
    out: Path, req: Requirements, force: bool, interactive: bool, record: dict[PathKey, Any]
) -> bool:
    """Show the file and ask before writing it (on a terminal); write it and the answers
    beside it atomically."""
    import yaml

    from ..model.writer import to_yaml
    from ..model.yamlsource import format_path
    from ..scaffold import safewrite

    text = to_yaml(req)
    kept = {format_path(p): list(v) if isinstance(v, tuple) else v for p, v in record.items()}
    header = f"# The answers behind {out.name}, for `distadvisor init --from {out.name}`.\n"
    answers_text = header + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True)
    if interactive:
        from ..questionnaire.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter()
        prompter.section(f"Summary: {out}")
        prompter.note(text)
        if out.exists() and not force:
            agreed = prompter.confirm(f"{out} exists. Overwrite it?", False)
        else:
            agreed = prompter.confirm(f"Write {out}?", True)
        if not agreed:
            print("nothing written", file=sys.stderr)
            return False
    safewrite.write_files(
        {out.name: text, answers_file(out).name: answers_text}, out.parent, force=True
    )
    print(f"wrote {out}", file=sys.stderr)
    return True


def _advise(req: Requirements) -> Recommendation:
    """The recommendation for the file just written, shown as `advise` shows it."""
    from rich.console import Console

    from ..engine import chaining
    from ..render import text
    from .common import load_ruleset, scaffold_names

    rec = chaining.advise(load_ruleset(None), req, scaffold_names())
    text.render(rec, Console())
    return rec


def _offer_scaffolds(rec: Recommendation, req: Requirements, prompter: QuestionaryPrompter) -> None:
    from ..scaffold import plan, specs

    planned = plan.plan(rec, req, specs.load_patterns())
    if not planned:
        return
    prompter.section("Scaffolds")
    for item in planned:
        prompter.note(f"  {item.spec.pattern}: {item.class_name} ({item.because})")
    if not prompter.confirm("Write these modules and their tests now?", False):
        return
    folder = Path(prompter.text("Into which folder?", "scaffolds"))
    for path in plan.write(planned, folder, force=False, dry_run=False):
        print(f"wrote {path}", file=sys.stderr)
