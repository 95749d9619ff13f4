"""Replication topology of one kind of data: its nodes by region, their roles, n/w/r.

Nodes are `<entity>-1`..`<entity>-n` (n from the recommended quorum), placed where
the advice places them (engine/placement.py: the home region's zones for a quorum kept
there, with an asynchronous follower in each other region), else spread over the
regions in turn. W marks the first w nodes and R the last r: one possible write
quorum and read quorum, so the picture shows whether they must overlap. Where a
leader acknowledges only what a quorum holds, R marks the leader: reads that must be
current go there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..engine.placement import Placement
from . import canvas, cluster

# A node line inside a region box is "● name  role           W R".
_ROLE_WIDTH = len("follower")
_NODE_LINE_EXTRA = 2 + 2 + _ROLE_WIDTH + 2 + 3
_BOX_EXTRA = 4


def _roles(replication: str, nodes: list[str], groups: dict[str, list[str]]) -> dict[str, str]:
    if replication == "leaderless":
        return dict.fromkeys(nodes, "replica")
    if replication == "chain":
        roles = dict.fromkeys(nodes, "middle")
        roles[nodes[-1]] = "tail"
        roles[nodes[0]] = "head"
        return roles
    if replication == "multi-leader":
        leaders = {g[0] for g in groups.values() if g} if len(groups) > 1 else set(nodes)
        return {node: "leader" if node in leaders else "follower" for node in nodes}
    return {node: "leader" if i == 0 else "follower" for i, node in enumerate(nodes)}


def _flow(
    replication: str, shown: list[str], roles: Mapping[str, str], conflicts: str, cs: canvas.Charset
) -> str:
    first, last = shown[0], shown[-1]
    if replication == "consensus":
        return (
            f"writes {cs.right} {first}, the elected leader, which replicates to the "
            "followers and commits once a majority has the write; if it fails, the "
            "others elect a new leader."
        )
    if replication == "leader-follower-sync":
        return (
            f"writes {cs.right} {first}, the leader, which waits for followers to "
            "confirm before it acknowledges."
        )
    if replication == "leader-follower-async":
        return (
            f"writes {cs.right} {first}, the leader, which acknowledges at once and "
            "ships changes to the followers later: they may lag."
        )
    if replication == "multi-leader":
        leaders = ", ".join(
            s for s, role in zip(shown, roles.values(), strict=True) if role == "leader"
        )
        return (
            f"writes {cs.right} the nearest leader ({leaders}); leaders exchange changes "
            f"asynchronously and settle conflicts by {conflicts}."
        )
    if replication == "chain":
        return (
            f"writes {cs.right} {first} (head) {cs.right} ... {cs.right} {last} (tail), "
            "which acknowledges; reads go to the tail."
        )
    return (
        f"writes {cs.right} every node at once, with no leader; reads ask several "
        "nodes and repair the stale copies they see."
    )


# Schemes whose leader only acknowledges what a quorum holds: a read at the leader,
# once a majority confirms it still leads, sees the latest write.
_LEADER_READS = ("consensus", "leader-follower-sync")


def _quorum_text(n: int, w: int, r: int, replication: str, cs: canvas.Charset) -> str:
    if replication in _LEADER_READS and w + r > n:
        return (
            f"W: one write quorum (a write waits for w={w} of n={n}); R: a read that must "
            f"be current is answered by the leader once r={r} replicas confirm it still "
            "leads, so it meets every write quorum; followers serve reads that may be "
            "stale."
        )
    overlap = (
        "w+r>n: every read quorum meets the latest write"
        if w + r > n
        else f"w+r{cs.le}n: a read may miss the latest write"
    )
    return (
        f"W: one write quorum (a write waits for w={w} of n={n}); R: one read quorum "
        f"(r={r}); {overlap}."
    )


def draw(
    entity: str,
    replication: str,
    quorum: Mapping[str, int],
    *,
    regions: int | Sequence[str] = 1,
    residency: Sequence[str] = (),
    conflicts: str = "none",
    placement: Placement | None = None,
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> str:
    """The topology of `entity` as recommended: nodes, roles, regions, quorums;
    `placement` (over the same regions) says where each node sits."""
    cs = canvas.charset(ascii)
    n, w, r = quorum["n"], quorum["w"], quorum["r"]
    region_list = cluster.region_names(regions)
    # Node names are <entity>-i: abbreviate the entity so the widest node line fits.
    suffix = len(f"-{n}")
    limit = width - _NODE_LINE_EXTRA - _BOX_EXTRA - suffix
    short_entity = canvas.abbreviate([entity], limit, cs)
    regions_shown = canvas.abbreviate(region_list, width - _BOX_EXTRA - 2, cs)
    followers = len(placement.followers) if placement and region_list else 0
    every = cluster.node_names(entity, n + followers)
    nodes = every[:n]
    shown = dict(
        zip(every, cluster.node_names(short_entity.shown[entity], n + followers), strict=True)
    )
    if placement and region_list:
        groups = cluster.placed(every, region_list, placement.voters + placement.followers)
    else:
        groups = cluster.spread(nodes, region_list, residency)
    roles = _roles(replication, nodes, groups) | dict.fromkeys(every[n:], "async")
    name_width = canvas.width_of(shown.values())
    lines_by_region = []
    for members in groups.values():
        lines = []
        for node in members:
            i = every.index(node)
            hollow = ("follower", "replica", "middle", "async")
            mark = cs.hollow if roles[node] in hollow else cs.filled
            reads = i < r if replication in _LEADER_READS else n - r <= i < n
            quorums = ("W" if i < w else " ") + " " + ("R" if reads else " ")
            lines.append(
                f"{mark} {shown[node].ljust(name_width)}  "
                f"{roles[node].ljust(_ROLE_WIDTH)}  {quorums}".rstrip()
            )
        lines_by_region.append(lines or ["(no replica)"])
    inner = max(canvas.width_of(lines) for lines in lines_by_region)
    boxes = [
        canvas.box(lines, cs, regions_shown.shown.get(region, ""), inner)
        for region, lines in zip(groups, lines_by_region, strict=True)
    ]
    title = f"{short_entity.shown[entity]}: {replication} replication, n={n} w={w} r={r}"
    out = canvas.wrap(title, width)
    out += ["", *canvas.flow(boxes, width), ""]
    out += canvas.wrap(_flow(replication, list(shown.values()), roles, conflicts, cs), width)
    out += canvas.wrap(_quorum_text(n, w, r, replication, cs), width)
    if followers:
        out += canvas.wrap(
            "async: a follower in each other region gets the changes later, serves reads "
            "that may be stale and is promoted if the quorum's region is lost.",
            width,
        )
    out += short_entity.lines(width) + regions_shown.lines(width)
    return canvas.finish(out, width)
