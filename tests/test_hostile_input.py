"""Hostile input ends in a located message: tags, huge numbers, limits, paths, streams."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from distadvisor import pipeline
from distadvisor.errors import InputError
from distadvisor.model import requirements, yamlsource
from distadvisor.questionnaire import answers, questions

CLI = Callable[..., Result]
MINIMAL = "version: 1\nsystem: shop\ndata:\n  - name: orders\n"


def refused(text: str) -> str:
    with pytest.raises(InputError) as caught:
        yamlsource.parse(text, "evil.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!timestamp 2020-99-99\n", "evil.yaml:1:4: cannot read this value as timestamp"),
        ("a: !!timestamp x\n", "cannot read this value as timestamp"),
        ("a: !!timestamp 2020-1-1 1:1:1.1+99\n", "cannot read this value as timestamp"),
        ("a: !!bool maybe\n", "evil.yaml:1:4: cannot read this value as bool"),
        ("a: !!int x\n", "cannot read this value as int"),
        ("a: !!int 0x\n", "cannot read this value as int"),
        ("a: 0x_\n", "cannot read this value as int"),  # resolved as an int, then fails
        ("a: !!float x\n", "cannot read this value as float"),
        ("? !!timestamp x\n: 1\n", "evil.yaml:1:3: cannot read this value as timestamp"),
        ("a: !!int " + "9" * 5000 + "\n", "number too long; expected at most 1000 characters"),
        ("a: " + "9" * 5000 + "\n", "number too long"),
        ("a: [" * 60 + "]" * 60 + "\n", "nests too deeply; expected at most 50 levels"),
        ("a: &a [*a]\n", "undefined alias *'a'"),
        (
            "m0: &m0 {a: 1}\n" + "".join(f"m{i}: &m{i} {{<<: *m{i - 1}}}\n" for i in range(1, 60)),
            "nests too deeply",
        ),
    ],
)
def test_values_the_constructor_cannot_build_are_located(text: str, expected: str) -> None:
    assert expected in refused(text)


def test_key_bombs_are_refused_before_they_expand() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        prior = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{prior}"] * 10) + "]\n"
    message = refused(bomb + "? *h\n: 1\n")
    assert "mapping key is not a string; expected a name, found a list or mapping" in message


def test_nesting_through_aliases_is_bounded_like_nesting_in_the_text() -> None:
    text = "a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert "nests too deeply" in refused(text)


def test_the_node_limit_counts_keys_while_reading() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(yamlsource.MAX_NODES // 2 + 1))
    assert f"document too large; expected at most {yamlsource.MAX_NODES} nodes" in refused(text)


def test_standard_input_is_read_up_to_the_limit_only(monkeypatch: pytest.MonkeyPatch) -> None:
    endless = io.BytesIO(b"#" * (yamlsource.MAX_BYTES + 5_000_000))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(endless))
    with pytest.raises(InputError, match="file too large; expected at most 10 MB"):
        yamlsource.load("-")
    assert endless.tell() <= yamlsource.MAX_BYTES + 1 + io.DEFAULT_BUFFER_SIZE


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (None, "<stdin>: cannot read standard input: standard input is closed"),
        (io.TextIOWrapper(io.BytesIO(b"system: \xff\n")), "<stdin>: not UTF-8 text"),
    ],
)
def test_bad_standard_input_is_a_message(
    monkeypatch: pytest.MonkeyPatch, stdin: object, expected: str
) -> None:
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(InputError, match=expected):
        yamlsource.load("-")


def test_lists_have_a_documented_maximum() -> None:
    text = MINIMAL + "deployment:\n  regions: [" + ", ".join(f"r{i}" for i in range(3000)) + "]\n"
    with pytest.raises(InputError, match="regions: too many entries; expected at most 100"):
        requirements.from_document(yamlsource.parse(text, "req.yaml"))
    many = requirements.MAX_ENTRIES + 1
    text = MINIMAL + "services:\n" + "".join(f"  - {{name: s{i}}}\n" for i in range(many))
    with pytest.raises(InputError, match=f"services: too many entries; .* found {many}"):
        requirements.from_document(yamlsource.parse(text, "req.yaml"))


@pytest.mark.parametrize("key", ["data[1000000000].name", "data[" + "9" * 5000 + "].name"])
def test_init_refuses_list_indices_past_the_limit_at_once(key: str) -> None:
    with pytest.raises(InputError, match="list index too large; expected an index below 10000"):
        answers.command_line(questions.load(), [f"{key}=b"])


def test_symlink_loops_long_names_and_empty_paths(tmp_path: Path, cli: CLI) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    cases = {
        str(tmp_path / "loop1"): "cannot read: Too many levels of symbolic links",
        "a" * 5000 + ".yaml": "cannot read: File name too long",
        "": "'': empty path; expected a file, folder or glob",
    }
    for target, expected in cases.items():
        result = cli("check", target)
        assert result.exit_code == 2, result.output
        assert expected in result.output
    advised = cli("advise", str(tmp_path / "loop1"))
    assert advised.exit_code == 2
    assert "Too many levels of symbolic links" in advised.output


def test_unreadable_files_and_folders_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    real_open, real_scandir = Path.open, os.scandir

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "secret.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    # Chmod cannot lock a file for root, which CI may run as: the errors are injected.
    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(os, "scandir", scandir)
    files, problems = pipeline.discover([str(tmp_path)])
    assert files == [str(tmp_path / "ok.yaml")]
    assert sorted(str(p) for p in problems) == [
        f"{tmp_path / 'locked'}: cannot read: Permission denied",
        f"{tmp_path / 'secret.yaml'}: cannot read: Permission denied",
    ]
    files, problems = pipeline.discover([str(tmp_path / "*.yaml")])
    assert files == [str(tmp_path / "ok.yaml")]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'secret.yaml'}: cannot read: Permission denied"
    ]


MERGES = (
    "a: &a {k: 1, only_a: 1}\nb: &b {k: 2, only_b: 2}\nc: &c {<<: *b, k: 3}\n"
    "x: {<<: [*a, *b]}\ny: {<<: [*b, *a], own: 0}\nz: {<<: [*c, *a], k: 9}\n"
)
SPEC = {  # the YAML merge-key spec: own keys win, then earlier mappings of the list
    "x": {"k": 1, "only_a": 1, "only_b": 2},
    "y": {"k": 2, "only_b": 2, "only_a": 1, "own": 0},
    "z": {"k": 9, "only_b": 2, "only_a": 1},
}


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_merge_keys_mean_the_same_whatever_the_pyyaml(
    monkeypatch: pytest.MonkeyPatch, loader: str
) -> None:
    """Merge keys are applied by our composer from the parser's events: neither
    PyYAML's composer nor its constructor's flattening (whose order changed in 6.0.4)
    takes part, with libyaml's parser or the pure-Python one."""
    import yaml

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("PyYAML's merge handling was used")

    monkeypatch.setattr(yaml.constructor.SafeConstructor, "flatten_mapping", refuse)
    monkeypatch.setattr(yaml.composer.Composer, "compose_node", refuse)
    if not hasattr(yaml, loader):
        pytest.skip(f"PyYAML built without {loader}")
    monkeypatch.setattr(yamlsource, "_SAFE_LOADER", getattr(yaml, loader))
    data = yamlsource.parse(MERGES, "m.yaml").data
    assert {key: data[key] for key in SPEC} == SPEC


def test_the_drawn_reports_say_when_a_file_is_too_large_for_them(tmp_path: Path, cli: CLI) -> None:
    from distadvisor.cli.advise import REPORT_MAX_DATA

    many = REPORT_MAX_DATA["text"] + 1
    file = tmp_path / "big.yaml"
    file.write_text(
        "version: 1\nsystem: big\ndata:\n" + "".join(f"  - {{name: d{i}}}\n" for i in range(many)),
        encoding="utf-8",
    )
    out = tmp_path / "scaffolds"
    result = cli("advise", str(file), "--scaffold", str(out))
    assert result.exit_code == 2
    assert f"too many kinds of data for the text report; expected at most {many - 1}" in (
        result.output
    )
    assert not out.exists()  # refused before anything is written
    assert cli("advise", str(file), "--format", "json").exit_code in (0, 1)


def test_init_answer_files_refuse_list_indices_past_the_limit() -> None:
    doc = yamlsource.parse("data[1000000000].name: b\n", "answers.yaml")
    with pytest.raises(InputError, match=r"answers.yaml:1:1: .*list index too large"):
        answers.from_file(questions.load(), doc)
