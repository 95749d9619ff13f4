"""What the engine concludes for every kind of data, and the type of each conclusion.

The strings themselves are the contract's (model/vocabulary.py); this module gives the
engine the types it checks rule conclusions against.
"""

from __future__ import annotations

from ..model.vocabulary import (
    CAP,
    CONFLICT_RESOLUTION,
    CONSISTENCY,
    ISOLATION,
    PACELC,
    PARTITIONING,
    REPLICATION,
)
from .conditions import NUMBER, Type

QUORUM = Type("object", fields=(("n", NUMBER), ("w", NUMBER), ("r", NUMBER)))

# What the engine concludes for every kind of data, in the order the JSON lists them.
# Enumerated slots are set by literal values; the others are computed by functions.
ENTITY_SLOTS: dict[str, Type] = {
    "consistency": Type("string", CONSISTENCY),
    "cap": Type("string", CAP),
    "pacelc": Type("string", PACELC),
    "replication": Type("string", REPLICATION),
    "quorum": QUORUM,
    "partitioning": Type("string", PARTITIONING),
    "conflict_resolution": Type("string", CONFLICT_RESOLUTION),
    "datastores": Type("list"),
    # An extension of the contract: listed after its fields, so theirs keep their order.
    "isolation": Type("string", ISOLATION),
}
