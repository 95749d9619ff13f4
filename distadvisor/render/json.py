"""The JSON form of a recommendation: the public contract (contract.md §2)."""

from __future__ import annotations

import json

from ..recommendation import Recommendation
from .escape import json_document


def render(rec: Recommendation) -> str:
    return json_document(json.dumps(rec.to_dict(), indent=2, ensure_ascii=False)) + "\n"
