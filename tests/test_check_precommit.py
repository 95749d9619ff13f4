"""The pre-commit hook, run by `pre-commit try-repo` on a sample repository.

pre-commit installs distadvisor from a copy of this checkout into a fresh virtualenv
(from PyPI, so this test needs the package index), then runs the hook on the sample.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="pre-commit needs git")

CLEAN = "version: 1\nsystem: clean\ndata:\n  - {name: notes}\n"
ERROR = (
    "version: 1\nsystem: err\ndata:\n"
    "  - name: balance\n    money: true\n    conflicts: last-write-wins\n"
)
COMPOSE = "version: '3.8'\nservices:\n  web: {image: nginx}\n"


def git(cwd: Path, *args: str) -> None:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run([GIT or "git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "sample")
    return path


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's package, rules and hook definition, committed in a git repository."""
    copy = tmp_path_factory.mktemp("hook") / "distadvisor"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("distadvisor", "rules", "templates"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, copy / name)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "hook")
    return copy


def try_repo(hook_repo: Path, sample: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "distadvisor-check",
            "--all-files",
            "--verbose",
        ],
        cwd=sample,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_hook_definition() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "distadvisor-check"
    assert hook["language"] == "python"
    assert hook["entry"].startswith("distadvisor check")


def test_try_repo_fails_on_a_bad_design_and_passes_when_fixed(
    hook_repo: Path, tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    sample = make_repo(
        tmp_path / "sample",
        {
            "docs/requirements.yaml": ERROR,
            "svc/requirements.yaml": CLEAN,
            "docker-compose.yaml": COMPOSE,  # YAML, but not a requirements file: skipped
            "README.md": "sample\n",
        },
    )
    failed = try_repo(hook_repo, sample, home)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "docs/requirements.yaml:6:16: error findings.money-last-write-wins" in output
    assert "2 files: 1 passed, 1 failed, 0 bad input" in output
    assert "docker-compose.yaml" not in output.split("distadvisor check", 1)[1]

    (sample / "docs/requirements.yaml").write_text(CLEAN, encoding="utf-8")
    git(sample, "commit", "-qam", "fix")
    passed = try_repo(hook_repo, sample, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 files: 2 passed" in passed.stdout
