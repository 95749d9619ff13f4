"""The package's shape holds: imports run one way, from the command line down to the model.

A module may import its own folder and the layers below it, never one above. The layers,
from the top (docs/architecture.md explains each):
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import distadvisor

PACKAGE = Path(distadvisor.__file__).parent

# Top first. Modules at the package's top level are named without a folder.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli",),
    ("render", "questionnaire"),
    ("scaffold",),
    ("diagrams",),
    ("simulate",),
    ("pipeline",),
    ("engine",),
    ("recommendation",),
    ("model",),
    ("errors", "resources", "__init__"),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    """`distadvisor.engine.rules` -> `engine`; `distadvisor.pipeline` -> `pipeline`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every distadvisor module `path` imports, at any depth (lazy imports count too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("distadvisor")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("distadvisor"):
                continue
            if node.module is None or target == "distadvisor":  # `from . import a, b`
                found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_folder_and_top_level_module_has_a_layer() -> None:
    units = {unit_of(module_name(p)) for p in MODULES}
    assert units <= set(RANK), f"add to LAYERS and docs/architecture.md: {units - set(RANK)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path: Path) -> None:
    own = unit_of(module_name(path))
    upward = []
    for line, target in imported_modules(path):
        other = unit_of(target)
        if other == "__version__":
            other = "__init__"
        if other in RANK and other != own and RANK[other] < RANK[own]:
            upward.append(f"line {line}: {target} ({other} is above {own})")
    assert not upward, "\n".join(upward)


def test_no_private_module_of_a_dependency_is_imported() -> None:
    private = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                if not name.startswith("distadvisor") and any(
                    part.startswith("_") and not part.startswith("__") for part in name.split(".")
                ):
                    private.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {name}")
    assert not private
