"""`distadvisor simulate`: predicted staleness, availability, latency and retry amplification."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from .common import FailOnOption, RulesOption


class SimulateFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def simulate(
    file: Annotated[str, typer.Argument(help="Requirements file (YAML, version 1); - for stdin.")],
    fmt: Annotated[
        SimulateFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SimulateFormat.text,
    seed: Annotated[int, typer.Option(help="Seed of the random draws.", min=0)] = 0,
    trials: Annotated[
        int | None,
        typer.Option(
            help="Trials per kind of data (default: until the 99.9th percentile "
            "is known within 15 %).",
            min=100,
            max=2_000_000,
            show_default=False,
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            help="Latency profile from rules/data/latency.yaml (lnkd-ssd, "
            "lnkd-disk, ymmr); overrides the file's deployment.latency_profile.",
            show_default=False,
        ),
    ] = None,
    width: Annotated[int, typer.Option(help="Columns of the text report.", min=40, max=1000)] = 80,
    ascii: Annotated[bool, typer.Option("--ascii", help="Pure 7-bit ASCII bars.")] = False,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Predict how stale, available and fast the recommended design will be, from
    replica counts, placement, latency fits and failure rates (Monte Carlo, seeded)."""
    from ..errors import InputError, Location, did_you_mean
    from ..render import prediction as render
    from ..simulate.data import load_latency
    from ..simulate.predict import predict
    from .common import check_one, fail, guard, settings, stdout_draws_boxes

    run = settings(rules, fail_on)  # the settings file's fail-on applies here too
    checked = check_one(file, run)
    rec, req = checked.recommendation, checked.requirements
    assert rec is not None and req is not None
    known = sorted(guard(load_latency).profiles)
    if profile is not None and profile not in known:
        fail(
            InputError.single(
                "unknown latency profile",
                Location(path="--profile"),
                expected="one of " + ", ".join(known),
                found=repr(profile)[:60],
                hint=did_you_mean(profile, known),
            )
        )
    result = guard(
        lambda: predict(rec, req, seed=seed, trials=trials, profile=profile, ruleset=run.ruleset)
    )
    # The settings' --select/--ignore apply to the findings of predictions too.
    result = result._replace(
        findings=tuple(f for f in result.findings if run.selection.keeps(f.rule))
    )
    if fmt is SimulateFormat.json:
        sys.stdout.write(render.render_json(result))
    elif fmt is SimulateFormat.markdown:
        sys.stdout.write(render.render_markdown(result))
    else:
        text = render.render_text(result, width=width, ascii=ascii or not stdout_draws_boxes())
        sys.stdout.write(text)
    failing = [
        f
        for f in result.findings
        if not f.suppressed
        and ("error", "warning", "info").index(f.severity)
        <= ("error", "warning", "info").index(run.fail_on)
    ]
    if failing:
        raise typer.Exit(1)
