"""Partitioning of one kind of data: a hash ring, a log's partitions, a range table,
or regions.

The ring is computed, not sketched: every node gets `vnodes` points at
hash("<node>-<i>") and a key belongs to the first point clockwise of hash(key), as
the consistent-hash scaffold places them by default (blake2s, 160 vnodes). So the
preference list drawn for the sample key is the one `get_nodes(key, n)` returns for
those nodes.
"""

from __future__ import annotations

import functools
import hashlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from . import canvas, cluster

DEFAULT_HASH = "blake2s"
DEFAULT_VNODES = 160
_ORDINALS = ("1st", "2nd", "3rd")
# "├─▶  42.03%  " before a vnode name and "  1st" after it.
_RING_ROW_EXTRA = 4 + 9 + 6
_KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def sample_key(entity: str) -> str:
    """The key the diagrams follow: the same for an entity in every diagram and run."""
    return f"{entity}:1"


def _ordinal(i: int) -> str:
    return _ORDINALS[i - 1] if i <= len(_ORDINALS) else f"{i}th"


def _point(hash_name: str, data: str) -> bytes:
    digest: bytes = _hasher(hash_name)(data.encode(), usedforsecurity=False).digest()
    return digest


@functools.cache
def _hasher(hash_name: str) -> Callable[..., Any]:
    """The hash's own constructor, found once: `hashlib.new` looks it up on every call,
    which was most of the cost of a report with many kinds of data (a ring each)."""
    own = getattr(hashlib, hash_name, None)
    return own if callable(own) else functools.partial(hashlib.new, hash_name)


def walk(
    nodes: Sequence[str],
    key: str,
    replicas: int,
    *,
    hash_name: str = DEFAULT_HASH,
    vnodes: int = DEFAULT_VNODES,
) -> list[tuple[bytes, str, int]]:
    """The vnodes clockwise from `key`, (point, node, vnode index), until `replicas`
    distinct nodes are found: the steps `get_nodes(key, replicas)` takes."""
    ring = sorted(
        (_point(hash_name, f"{node}-{i}"), node, i) for node in nodes for i in range(vnodes)
    )
    start = bisect_right([point for point, _, _ in ring], _point(hash_name, key))
    steps: list[tuple[bytes, str, int]] = []
    seen: set[str] = set()
    for offset in range(len(ring)):
        step = ring[(start + offset) % len(ring)]
        steps.append(step)
        seen.add(step[1])
        if len(seen) == min(replicas, len(nodes)):
            break
    return steps


def _percent(point: bytes) -> str:
    return f"{int.from_bytes(point[:4], 'big') * 100 / 2**32:.2f}%"


def ring(
    nodes: Sequence[str],
    key: str,
    replicas: int,
    *,
    hash_name: str = DEFAULT_HASH,
    vnodes: int = DEFAULT_VNODES,
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> list[str]:
    """Where `key` and its preference list land on a ring of `nodes`."""
    cs = canvas.charset(ascii)
    limit = width - _RING_ROW_EXTRA - len(f"-{vnodes - 1}")
    names = canvas.abbreviate(nodes, limit, cs)
    steps = walk(nodes, key, replicas, hash_name=hash_name, vnodes=vnodes)
    shown_key = canvas.abbreviate([key], width - 30, cs)
    out = canvas.wrap(
        f"{len(nodes)} nodes ({', '.join(names.shown[n] for n in nodes)}) {cs.times} "
        f'{vnodes} vnodes, each at {hash_name}("<node>-<i>"); a key belongs to the '
        "first vnode clockwise of its own point.",
        width,
    )
    out += [
        "",
        f'{cs.mark} key "{shown_key.shown[key]}" at {_percent(_point(hash_name, key))}',
        f"{cs.v}  clockwise",
    ]
    # Runs of vnodes of nodes already listed collapse into one row.
    rows: list[tuple[str, str, str]] = []
    listed: list[str] = []
    skipped: list[bytes] = []
    for point, node, index in steps:
        if node in listed:
            skipped.append(point)
            continue
        if skipped:
            rows.append((_percent(skipped[0]), f"+{len(skipped)} vnode(s)", "skip"))
            skipped = []
        listed.append(node)
        rows.append((_percent(point), f"{names.shown[node]}-{index}", _ordinal(len(listed))))
    label = canvas.width_of(r[1] for r in rows)
    for i, (where, what, note) in enumerate(rows):
        branch = (cs.bl if i == len(rows) - 1 else cs.tee_right) + cs.h + cs.right
        out.append(f"{branch} {where:>7}  {what.ljust(label)}  {note}")
    out.append("")
    out += canvas.wrap(
        f"preference list for {len(listed)} replicas: "
        + ", ".join(names.shown[n] for n in listed)
        + "; the 1st owns the key (get_node); skip: vnodes of nodes already listed.",
        width,
    )
    return out + names.lines(width) + shown_key.lines(width)


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (Utils.murmur2 of its Java client) as an unsigned 32-bit value,
    so the partition drawn for a key is the one Kafka's default partitioner picks."""
    mask = 0xFFFFFFFF
    m = 0x5BD1E995
    h = (0x9747B28C ^ len(data)) & mask
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = ((h * m) & mask) ^ k
    tail = data[whole:]
    if tail:
        for i in reversed(range(len(tail))):
            h ^= tail[i] << (8 * i)
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    return h ^ (h >> 15)


def kafka_partition(key: str, partitions: int) -> int:
    """The partition of a keyed record: toPositive(murmur2(key)) mod partitions."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions


def partition_table(
    nodes: Sequence[str],
    key: str,
    replicas: int,
    *,
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> list[str]:
    """A log's partitions, two per node, each led by one node and copied to the next
    ones, and the partition `key` goes to (Kafka's default partitioner)."""
    cs = canvas.charset(ascii)
    names = canvas.abbreviate(nodes, (width - 30) // 2, cs)
    count = 2 * len(nodes)
    home = kafka_partition(key, count)
    rows = []
    for p in range(count):
        holders = [nodes[(p + i) % len(nodes)] for i in range(min(replicas, len(nodes)))]
        followers = ", ".join(names.shown[n] for n in holders[1:]) or "-"
        rows.append((f"p{p}", names.shown[holders[0]], followers, p == home))
    lead = max(len("leader"), *(len(r[1]) for r in rows))
    follow = max(len("followers"), *(len(r[2]) for r in rows))
    out = [
        f"  {'partition':<9}  {'leader'.ljust(lead)}  {'followers'.ljust(follow)}",
        f"  {cs.h * 9}  {cs.h * lead}  {cs.h * follow}",
    ]
    for part, leader, followers, holds in rows:
        here = f"  {cs.left} key" if holds else ""
        out.append(f"  {part:<9}  {leader.ljust(lead)}  {followers.ljust(follow)}{here}")
    shown_key = canvas.abbreviate([key], width - 40, cs)
    out.append("")
    out += canvas.wrap(
        f'The key "{shown_key.shown[key]}" goes to partition murmur2(key) mod {count} = '
        f"p{home}, so its records stay in order there. Adding partitions changes the "
        "modulus: most keys move to another partition, after their earlier records.",
        width,
    )
    return out + names.lines(width) + shown_key.lines(width)


def range_table(
    nodes: Sequence[str],
    key: str,
    *,
    access: str = "range",
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> list[str]:
    """Contiguous key ranges, one per node, and the range `key` falls in."""
    cs = canvas.charset(ascii)
    names = canvas.abbreviate(nodes, width - 26, cs)
    count = len(nodes)
    bounds = ["", *(_KEY_ALPHABET[len(_KEY_ALPHABET) * i // count] for i in range(1, count))]
    rows = []
    for i, node in enumerate(nodes):
        low = f'"{bounds[i]}"' if bounds[i] else "(start)"
        high = f'"{bounds[i + 1]}"' if i + 1 < count else "(end)"
        holds = bounds[i] <= key and (i + 1 == count or key < bounds[i + 1])
        rows.append((f"{low} .. {high}", names.shown[node], holds))
    span = max(len("keys from .. to"), *(len(r[0]) for r in rows))
    node_width = max(len("node"), *(len(r[1]) for r in rows))
    out = [
        f"  {'keys from .. to'.ljust(span)}  {'node'.ljust(node_width)}",
        f"  {cs.h * span}  {cs.h * node_width}",
    ]
    for keys, node, holds in rows:
        here = f"  {cs.left} key" if holds else ""
        out.append(f"  {keys.ljust(span)}  {node.ljust(node_width)}{here}")
    out.append("")
    text = (
        f"Keys stay in order, so a range scan reads adjacent nodes only; a range that "
        f'grows hot splits. The key "{key}" falls in the marked range.'
    )
    if access == "time-series":
        text += (
            " Time-series keys that start with the time all land in the last range: "
            "prefix them (a source id, a bucket) to spread the writes."
        )
    return out + canvas.wrap(text, width) + names.lines(width)


def regions_view(
    nodes: Sequence[str],
    regions: Sequence[str],
    residency: Sequence[str],
    *,
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> list[str]:
    """One partition per region: each key lives in its home region."""
    cs = canvas.charset(ascii)
    region_list = list(regions) or ["region-1"]
    names = canvas.abbreviate([*nodes, *region_list], width - 12, cs)
    groups = cluster.spread(nodes, region_list, residency)
    contents = []
    for region, members in groups.items():
        home = f"keys homed in {names.shown[region]}"
        lines = [
            home if len(home) <= width - 4 else "keys homed here",
            *(f"{cs.hollow} {names.shown[m]}" for m in members),
        ]
        contents.append(lines if members else ["holds none of it", "(residency)"])
    inner = max(canvas.width_of(lines) for lines in contents)
    boxes = [
        canvas.box(lines, cs, names.shown[region], inner)
        for region, lines in zip(region_list, contents, strict=True)
    ]
    text = (
        "Each key is written and read in its home region, so local requests stay "
        "local; a request for another region's key crosses regions."
    )
    if residency:
        text += f" Residency keeps this data in {', '.join(residency)} only."
    return [*canvas.flow(boxes, width), "", *canvas.wrap(text, width), *names.lines(width)]


def draw(
    entity: str,
    partitioning: str,
    n: int,
    *,
    regions: int | Sequence[str] = 1,
    residency: Sequence[str] = (),
    access: str = "point",
    width: int = canvas.DEFAULT_WIDTH,
    ascii: bool = False,
) -> str:
    """How `entity` is partitioned, drawn on its own nodes `<entity>-1..n`."""
    cs = canvas.charset(ascii)
    short = canvas.abbreviate([entity], width - 2, cs)
    nodes = cluster.node_names(entity, n)
    key = sample_key(entity)
    title = f"{short.shown[entity]}: " + (
        "not partitioned" if partitioning == "none" else f"{partitioning} partitioning"
    )
    if partitioning == "hash" and access == "log":
        body = partition_table(nodes, key, n, width=width, ascii=ascii)
        title += f", {2 * len(nodes)} partitions by key"
    elif partitioning == "hash":
        body = ring(nodes, key, n, width=width, ascii=ascii)
        title += ", a consistent-hash ring"
    elif partitioning == "range":
        body = range_table(nodes, key, access=access, width=width, ascii=ascii)
    elif partitioning == "geographic":
        body = regions_view(
            nodes, cluster.region_names(regions), residency, width=width, ascii=ascii
        )
    else:
        names = canvas.abbreviate(nodes, width - 8, cs)
        boxes = [canvas.box([names.shown[node], "all keys"], cs) for node in nodes]
        body = [
            *canvas.flow(boxes, width),
            "",
            *canvas.wrap("Not partitioned: every node holds the whole data set.", width),
            *names.lines(width),
        ]
    return canvas.finish([*canvas.wrap(title, width), "", *body, *short.lines(width)], width)
