"""The consistent-hash scaffold's `--compat uhashring` maps keys exactly as uhashring.

The generated tests must stay standard-library only, so the proof against the real
library lives here: the module is generated through the scaffold API and compared
with uhashring's HashRing on many random keys, through weights, weight changes and
removals. uhashring comes with the test extras; without it this file is skipped.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from scaffold_import import import_generated

from distadvisor.scaffold.options import snake_case
from distadvisor.scaffold.render import render
from distadvisor.scaffold.safewrite import write_files
from distadvisor.scaffold.specs import load_patterns, resolve_options

uhashring = pytest.importorskip("uhashring")


def generate(tmp_path: Path, class_name: str, options: dict[str, object]) -> Any:
    """The class `class_name` of a freshly generated consistent-hash module."""
    spec = load_patterns()["consistent-hash"]
    write_files(render(spec, class_name, resolve_options(spec, options)), tmp_path)
    return getattr(import_generated(tmp_path, snake_case(class_name)), class_name)


def random_keys(seed: int, count: int = 5000) -> list[str | bytes]:
    """str keys of every length and alphabet, and bytes keys (uhashring hashes str(b))."""
    rng = random.Random(seed)
    alphabet = "abcXYZ019:/-_ éß漢🔑"
    keys: list[str | bytes] = []
    for index in range(count):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
        keys.append(text.encode() if index % 5 == 0 else text)
    return keys


def int_hash(name: str) -> Callable[[object], int]:
    """A uhashring hash_fn: the integer of the hex digest of str(key)."""
    return lambda key: int(hashlib.new(name, str(key).encode()).hexdigest(), 16)


def assert_same_mapping(ours: Any, theirs: Any, keys: Sequence[str | bytes]) -> None:
    mismatches = [key for key in keys if ours.get_node(key) != theirs.get_node(key)]
    assert not mismatches, f"{len(mismatches)} keys differ, e.g. {mismatches[:3]!r}"
    for key in keys[:500]:
        preference = [conf["nodename"] for conf in theirs.range(key, 3)]
        assert ours.get_nodes(key, 3) == preference


@pytest.mark.parametrize(
    ("options", "ring_kwargs"),
    [
        ({"compat": "uhashring"}, {}),
        ({"compat": "uhashring", "vnodes": 40}, {"vnodes": 40}),
        ({"compat": "uhashring", "hash": "sha1"}, {"hash_fn": int_hash("sha1")}),
        ({"compat": "uhashring", "hash": "blake2s"}, {"hash_fn": int_hash("blake2s")}),
        ({"compat": "uhashring", "bounded_loads": True}, {}),
    ],
    ids=["default", "vnodes-40", "sha1", "blake2s", "bounded-loads"],
)
def test_get_node_equals_uhashring_through_membership_changes(
    tmp_path: Path, options: dict[str, object], ring_kwargs: dict[str, object]
) -> None:
    ring_class = generate(tmp_path, "RingCompatCheck", options)
    nodes = [f"cache-{i}.example:11211" for i in range(10)]
    ours, theirs = ring_class(nodes), uhashring.HashRing(nodes=nodes, **ring_kwargs)
    assert_same_mapping(ours, theirs, random_keys(1))

    for node, weight in [("heavy", 3), ("medium", 2), ("cache-3.example:11211", 4)]:
        ours.add_node(node, weight)
        theirs.add_node(node, {"weight": weight})
    assert_same_mapping(ours, theirs, random_keys(2))

    for node in ["cache-0.example:11211", "medium", "cache-7.example:11211"]:
        ours.remove_node(node)
        theirs.remove_node(node)
    ours.add_node("cache-3.example:11211", 1)
    theirs.add_node("cache-3.example:11211", {"weight": 1})
    assert ours.nodes == {name: conf["weight"] for name, conf in theirs.nodes.items()}
    assert_same_mapping(ours, theirs, random_keys(3))


def test_native_mode_is_not_uhashring_for_bytes_keys(tmp_path: Path) -> None:
    """The difference compat makes: native hashes b"k" as "k", uhashring as "b'k'"."""
    ring_class = generate(tmp_path, "RingNativeCheck", {"hash": "md5"})
    nodes = [f"node-{i}" for i in range(10)]
    ours, theirs = ring_class(nodes), uhashring.HashRing(nodes=nodes)
    text_keys = [key for key in random_keys(4) if isinstance(key, str)]
    assert_same_mapping(ours, theirs, text_keys)
    as_bytes = [key.encode() for key in text_keys]
    assert any(ours.get_node(key) != theirs.get_node(key) for key in as_bytes)


def test_any_key_is_hashed_as_its_str_like_uhashring(tmp_path: Path) -> None:
    """uhashring hashes str(key): a UUID object lands where its text does, key for key."""
    ring_class = generate(tmp_path, "RingUuidCheck", {"compat": "uhashring"})
    nodes = [f"shard-{i}" for i in range(7)]
    ours, theirs = ring_class(nodes), uhashring.HashRing(nodes=nodes)
    rng = random.Random(11)
    keys = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(1000)]
    mismatches = [key for key in keys if ours.get_node(key) != theirs.get_node(key)]
    assert mismatches == []
    assert [ours.get_node(key) for key in keys] == [ours.get_node(str(key)) for key in keys]
    assert len({ours.get_node(key) for key in keys}) == len(nodes)
