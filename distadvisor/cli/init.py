"""`distadvisor init`: ask in plain words, write the requirements file, show the advice.

Only typer and the standard library are imported at module level: the questionnaire,
questionary and the engine load when the command runs, so other commands start as
fast as before.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..model.requirements import Requirements
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
            "--from", help="An existing requirements file to start from and edit.",
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
        req = _answer(out, data or [], data_file, from_file, force, interactive)
        written = _write(out, req, force, interactive)
        if written:
            rec = _advise(req)
            if interactive:
                from ..questionnaire.prompts import QuestionaryPrompter

                _offer_scaffolds(rec, req, QuestionaryPrompter())
            else:
                print(f"to scaffold its patterns: distadvisor advise {out} --scaffold DIR",
                      file=sys.stderr)
            if rec.failing("error"):
                raise typer.Exit(1)
    except InputError as error:
        fail(error)
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled" + ("" if written else ": nothing written"), file=sys.stderr)
        raise typer.Exit(INTERRUPTED) from None


def _answer(out: Path, data: list[str], data_file: Path | None, from_file: Path | None,
            force: bool, interactive: bool) -> Requirements:
    """The requirements from every source of answers, and the prompts when interactive."""
    from ..errors import InputError, Location
    from ..model import yamlsource
    from ..questionnaire import answers, flow, questions

    if out.is_dir():
        raise InputError.single("is a directory", Location(str(out), path="--out"),
                                expected="a file path")
    if out.exists() and not force and not interactive:
        raise InputError.single("file already exists", Location(str(out), path="--out"),
                                hint="pass --force to overwrite it")
    asked = questions.load()
    given = answers.command_line(asked, data)
    files: answers.Answers = {}
    for path in (from_file, data_file):  # the answer file overrides the file edited
        if path is not None:
            files |= answers.from_file(asked, yamlsource.load(str(path)))
    prompter = None
    if interactive:
        from ..questionnaire.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter()
    return flow.run(asked, given=given, files=files, prompter=prompter)


def _write(out: Path, req: Requirements, force: bool, interactive: bool) -> bool:
    """Show the file and ask before writing it (on a terminal); write it atomically."""
    from ..model.writer import to_yaml
    from ..scaffold import safewrite

    text = to_yaml(req)
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
    safewrite.write_files({out.name: text}, out.parent, force=True)
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


def _offer_scaffolds(rec: Recommendation, req: Requirements,
                     prompter: QuestionaryPrompter) -> None:
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
