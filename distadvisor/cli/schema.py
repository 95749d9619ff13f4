"""`distadvisor schema`: the JSON Schema of the requirements file, for editors."""

from __future__ import annotations

import sys


def schema() -> None:
    """Print the JSON Schema of the requirements file, for editors' YAML validation."""
    import json

    from ..model.schema import requirements_schema

    sys.stdout.write(json.dumps(requirements_schema(), indent=2) + "\n")
