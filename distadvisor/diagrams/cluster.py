"""How diagrams name the user's nodes and regions, so every diagram of a system agrees.

A requirements file names its kinds of data and, optionally, its regions, but not its
machines: node names are derived as `<entity>-1` .. `<entity>-n`, n from the
recommended quorum, and nodes are spread over the regions in turn.
"""

from __future__ import annotations

from collections.abc import Sequence


def node_names(entity: str, n: int) -> list[str]:
    return [f"{entity}-{i}" for i in range(1, n + 1)]


def region_names(regions: int | Sequence[str]) -> list[str]:
    """The regions' names from the file, `region-1`.. for a count; none for one region."""
    if isinstance(regions, int):
        return [f"region-{i}" for i in range(1, regions + 1)] if regions > 1 else []
    return list(regions)


def spread(
    nodes: Sequence[str], regions: Sequence[str], residency: Sequence[str] = ()
) -> dict[str, list[str]]:
    """Region -> its nodes, dealt out in turn (one group named "" without regions).

    With a residency that names some of the regions, only those get nodes: the data
    must not leave them.
    """
    if not regions:
        return {"": list(nodes)}
    allowed = [region for region in regions if region in residency] or list(regions)
    groups: dict[str, list[str]] = {region: [] for region in regions}
    for i, node in enumerate(nodes):
        groups[allowed[i % len(allowed)]].append(node)
    return groups


def placed(
    nodes: Sequence[str], regions: Sequence[str], where: Sequence[int]
) -> dict[str, list[str]]:
    """Region -> its nodes, node i in region `where[i]` (engine/placement.py)."""
    groups: dict[str, list[str]] = {region: [] for region in regions}
    for node, region in zip(nodes, where, strict=True):
        groups[regions[region]].append(node)
    return groups
