"""Import a module a scaffold generated into a flat folder, as its users would.

A generation-gap scaffold is two modules (the user's and the base it imports), so
loading one file by path is not enough: the folder goes on sys.path for the import.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType


def import_generated(folder: Path, module: str) -> ModuleType:
    """`module` from `folder`, freshly imported; sys.path and sys.modules are restored
    afterwards, so the next test's module of the same name is its own."""
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(folder))
        for name in (module, f"_{module}_base"):
            sys.modules.pop(name, None)
