"""Every command on a console that cannot encode its output: ASCII and cp1252.

The real CLI runs in a subprocess with PYTHONIOENCODING set, as on a Windows console
or a CI runner with a C locale. What the encoding cannot hold is printed as an escape,
diagrams and tables fall back to ASCII, and the exit status is the one the same run
gives on a UTF-8 console: never a UnicodeEncodeError read as "findings".
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "order-platform.yaml")
LEDGER = str(ROOT / "examples" / "multi-region-ledger.yaml")
UNICODE_FILE = (
    'version: 1\nsystem: intl\ndescription: "caf\\u00e9 \\u6771\\u4eac \\u2705 \\U0001F600"\n'
    "data:\n  - {name: balance, money: true, conflicts: last-write-wins}\n"
)
COMMANDS = [
    ["advise", EXAMPLE],
    ["advise", LEDGER, "--format", "json"],
    ["advise", EXAMPLE, "--format", "markdown"],
    *(
        ["check", str(ROOT / "examples"), "--format", fmt]
        for fmt in ("text", "json", "sarif", "junit", "github", "markdown")
    ),
    ["diagram", EXAMPLE],
    *(
        ["simulate", EXAMPLE, "--trials", "100", "--format", fmt]
        for fmt in ("text", "json", "markdown")
    ),
    ["rules", "list"],
    ["rules", "show", "consistency.money"],
    ["scaffold", "--list"],
    ["init", "--defaults", "--out", "{tmp}/new.yaml", "--data", "nope=1"],
    ["advise", "{tmp}/intl.yaml"],
    ["advise", "{tmp}/intl.yaml", "--detail"],
    ["advise", "{tmp}/intl.yaml", "--format", "markdown"],
    ["check", "{tmp}/intl.yaml", "--format", "markdown"],
]


def run(args: list[str], encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = os.environ | {
        "PYTHONIOENCODING": encoding,
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
        "COLUMNS": "80",
    }
    return subprocess.run(
        [sys.executable, "-m", "distadvisor", *args],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:4]).replace(str(ROOT), ""))
def test_every_command_degrades_on_a_narrow_console(
    cli: Callable[..., Result], tmp_path: Path, command: list[str], encoding: str
) -> None:
    (tmp_path / "intl.yaml").write_text(UNICODE_FILE, encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    expected = cli(*args).exit_code  # the same run on a UTF-8 console
    result = run(args, encoding)
    stderr = result.stderr.decode(encoding)
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr, stderr
    assert result.returncode == expected, stderr
    out = result.stdout.decode(encoding)  # what the console was sent, in its encoding
    if "intl.yaml" in args[1] and args[0] == "advise" and len(args) > 2:  # the description
        assert "\\u6771\\u4eac" in out  # shown as an escape, not lost
        assert ("caf\\xe9" if encoding == "ascii" else "café") in out
    if args[0] == "diagram":
        assert "+--" in out  # drawn in ASCII, not as escapes of box drawing
        assert "\\u25" not in out
