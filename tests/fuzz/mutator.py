"""A grammar-aware mutator for requirements files, deterministic per seed.

Requirements files arrive in pull requests, so every byte is untrusted. Random bytes
mostly stop at the YAML parser; this mutator knows the shape of the files instead,
so most of its inputs parse and many validate, and the hostile part reaches the
validator, the engine and every renderer. It mutates in two ways:

- structurally, on the parsed document: a value, a key or a list replaced by a
  hostile one (huge numbers, control characters, workflow commands, unknown keys,
  wrong types), entries duplicated or nested deeper; dumped back as valid YAML;
- textually, on the lines: explicit tags on wrong values, anchors, aliases and alias
  bombs (as values and as keys), merge keys, deep flow nesting, broken indentation,
  lines that start with `::error::`, raw control characters.

Seeds are the examples, tests/data and the regression files of earlier findings.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = ROOT / "tests" / "data" / "fuzz"


def seeds() -> list[str]:
    """The texts mutations start from, in a stable order."""
    folders = (ROOT / "examples", ROOT / "tests" / "data", REGRESSIONS)
    files = sorted(p for folder in folders for p in folder.glob("*.yaml"))
    return [p.read_text(encoding="utf-8") for p in files]


# Values that have broken YAML loaders, validators or renderers somewhere.
HOSTILE_SCALARS = [
    "9" * 5000,
    "-" + "9" * 400,
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "0x_",
    "0b",
    "0o",
    "1_000",
    "1:99:99",
    "190:20:30.15",
    "-0",
    "1e-400",
    "!!timestamp 2020-99-99",
    "!!timestamp x",
    "!!timestamp 2020-1-1 1:1:1.1+99",
    "!!timestamp 2001-12-14t21:59:43.10-05:00",
    "!!bool maybe",
    "!!bool yes",
    "!!int x",
    "!!int 0x",
    "!!int " + "9" * 5000,
    "!!float x",
    "!!float 1e999999",
    "!!binary '!!'",
    "!!binary aGVsbG8=",
    "!!null x",
    "!!str 12",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!pairs [a: 1]",
    "!!seq x",
    "!!map x",
    "!!merge x",
    "!!value x",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!custom x",
    "!<tag:yaml.org,2002:int> x",
    '"\\e[31mred\\e[0m"',
    '"\\e]8;;http://x\\e\\\\link\\e]8;;\\e\\\\"',
    '"\\x85next\\u2028line\\u2029para"',
    '"\\u202eevil\\u202c"',
    '"\\x9b31m"',
    '"\\x00nul"',
    '"a\\nb"',
    '"::error::forged"',
    '"x\\n::error file=a,line=1::forged"',
    '"x\\r\\n::add-mask::secret"',
    '"::stop-commands::token"',
    "'[bold red]markup[/]'",
    "'<script>alert(1)</script>'",
    "'![pixel](http://example.com/p.png)'",
    "'[link](javascript:alert(1)) @team'",
    "'" + "x" * 20000 + "'",
    "''",
    "~",
    "[]",
    "{}",
    "[[[[[[[[[[]]]]]]]]]]",
    "{a: {b: {c: {d: {}}}}}",
    "true",
    "-1",
    "0",
    "2147483648",
    "'1'",
    "QUORUM",
    "ALL",
]

# Finding rules a file may accept (with a reason, which reports print).
ACCEPTABLE = [
    "findings.money-last-write-wins",
    "findings.external-unprotected",
    "findings.undeclared-service",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HOSTILE_KEYS = [
    "<<",
    "'::error::k'",
    '"\\e[2Jk"',
    "? [a, b]",
    "? {a: 1}",
    "!!int 1",
    "!!timestamp x",
    "!!bool maybe",
    "'" + "k" * 300 + "'",
    "''",
    "~",
    "version",
    "system",
    "data",
    "unknown_key",
    "x" * 5000,
]

HOSTILE_TEXTS = [
    "::error::forged",
    "::add-mask::secret",
    "::stop-commands::tok",
    "a\n::error file=x,line=1::forged",
    "a\r\n::warning::x",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "\x85line",
    "\u202eevil",
    "\u2028sep",
    "\x00nul",
    "\x7fdel",
    "[bold]markup[/bold]",
    "![pixel](http://example.com/p.png)",
    "[click](http://example.com) @org/team",
    "<b>html</b> &amp;",
    "| a | b |",
    "`code` *emph* _u_ # h",
    "%0A%25",
    "x" * 5000,
]


def _alike(rng: random.Random, old: Any) -> Any:
    """A value of the old one's type, at the edges of what it may hold: the document
    often stays valid, so the value reaches the engine and the reports."""
    if isinstance(old, bool):
        return not old
    if isinstance(old, int | float):
        return rng.choice(
            [0, 1, -1, 2, 3, 5, 50, 51, 99.999, 100, 101, 1e15, 1e-9, 0.5, old * 10, old + 1]
        )
    if isinstance(old, str):
        return rng.choice(
            [
                *HOSTILE_TEXTS,
                "never",
                "bounded",
                "tolerated",
                "merge",
                "reject",
                "last-write-wins",
                "hash",
                "range",
                "geographic",
                "none",
                "causal",
                "total",
                "consensus",
                "chain",
                "leaderless",
                "multi-leader",
                "all-regions",
                "one-region",
                "QUORUM",
                "ALL",
                "ONE",
                "Cassandra",
                "cassandra",
                "PostgreSQL",
                "etcd",
                old + "_2",
                old.upper(),
            ]
        )
    if isinstance(old, list) and old:
        return [*old, *rng.sample(old, 1)] if rng.random() < 0.5 else old[:-1]
    return _hostile_value(rng)


def _hostile_value(rng: random.Random) -> Any:
    """A Python value a structural mutation puts in the document."""
    choice = rng.randrange(12)
    if choice == 0:
        return rng.choice(HOSTILE_TEXTS)
    if choice == 1:
        return 10 ** rng.choice([20, 300, 999])
    if choice == 2:
        return rng.choice([float("inf"), float("-inf"), float("nan"), 1e308, -0.0, 5e-324])
    if choice == 3:
        return rng.choice([True, False, None, 0, -1, 1, 3, 50, 51, 100, 101])
    if choice == 4:
        return [rng.choice(HOSTILE_TEXTS) for _ in range(rng.randrange(4))]
    if choice == 5:
        return {rng.choice(HOSTILE_TEXTS): rng.choice(HOSTILE_TEXTS)}
    if choice == 6:
        return [f"name_{i}" for i in range(rng.choice([0, 1, 2, 101, 500]))]
    if choice == 7:
        return rng.choice(
            [
                "never",
                "bounded",
                "tolerated",
                "merge",
                "reject",
                "hash",
                "geo",
                "consensus",
                "chain",
                "all-regions",
                "QUORUM",
                "ONE",
                "ALL",
            ]
        )
    if choice == 8:
        return rng.choice(["a", "svc", "payments", "orders", "data[0]", "services[0]"])
    if choice == 9:
        return rng.uniform(-1e6, 1e6)
    if choice == 10:
        nested: Any = "deep"
        for _ in range(rng.choice([5, 20, 49, 60])):
            nested = [nested]
        return nested
    return "x" * rng.choice([0, 1, 64, 65, 300])


def _nodes(data: Any) -> list[tuple[Any, ...]]:
    """Paths to the values of the document, the root included: the first 5,000 at most
    30 levels deep (a seed may be deep, or share lists through aliases)."""
    out: list[tuple[Any, ...]] = []
    pending: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while pending and len(out) < 5_000:
        value, path = pending.pop()
        out.append(path)
        if len(path) >= 30:
            continue
        if isinstance(value, dict):
            pending += [(v, (*path, k)) for k, v in value.items()]
        elif isinstance(value, list):
            pending += [(v, (*path, i)) for i, v in enumerate(value)]
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _structural(rng: random.Random, text: str) -> str | None:
    try:
        data = yaml.load(text, Loader=_LOADER)
    except (
        yaml.YAMLError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        RecursionError,
    ):
        return None  # a seed PyYAML's own constructor cannot build (a bad tag)
    if not isinstance(data, dict):
        return None
    for _ in range(rng.randint(1, 3)):
        paths = _nodes(data)
        path = rng.choice(paths)
        if not path:
            continue
        parent, last = _get(data, path[:-1]), path[-1]
        action = rng.randrange(8)
        if action >= 6:  # hostile free text where the model takes it
            _free_text(rng, data)
        elif action <= 1:  # replace a value by one alike
            parent[last] = _alike(rng, parent[last])
        elif action == 2:  # by anything
            parent[last] = _hostile_value(rng)
        elif action == 3 and isinstance(parent, dict):  # rename a key
            value = parent.pop(last)
            parent[rng.choice([*HOSTILE_TEXTS, "unknown", "name", "calls", "design"])] = value
        elif action == 4 and isinstance(parent, list):  # duplicate an entry
            parent.insert(last, parent[last])
        elif action == 5 and isinstance(parent, dict):  # add a field beside it
            field = rng.choice(
                [
                    "description",
                    "reason",
                    "name",
                    "calls",
                    "residency",
                    "protected_by",
                    "steps",
                    "services",
                    "accept",
                    "level",
                ]
            )
            parent[field] = _hostile_value(rng)
        else:
            parent[last] = [parent[last]] if rng.random() < 0.5 else {"x": parent[last]}
    try:
        return yaml.dump(
            data, Dumper=_DUMPER, sort_keys=False, allow_unicode=rng.random() < 0.5, width=1000
        )
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None


def _free_text(rng: random.Random, data: dict[str, Any]) -> None:
    """Hostile text in the fields that take free text: the document stays valid, so
    the text reaches every report."""
    text = rng.choice(HOSTILE_TEXTS)
    choice = rng.randrange(3)
    if choice == 0:
        data["description"] = text
    elif choice == 1:
        accepted = data.setdefault("accept", [])
        if isinstance(accepted, list):
            accepted.append({"rule": rng.choice(ACCEPTABLE), "reason": text})
    else:
        items = data.get("data")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            design = items[0].setdefault("design", {})
            if isinstance(design, dict):
                design[rng.choice(["datastore", "level"])] = text


def _value_line(lines: list[str], rng: random.Random) -> int | None:
    candidates = [
        i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")
    ]
    return rng.choice(candidates) if candidates else None


def _replace_value(rng: random.Random, lines: list[str]) -> None:
    i = _value_line(lines, rng)
    if i is not None:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {rng.choice(HOSTILE_SCALARS)}"


def _replace_key(rng: random.Random, lines: list[str]) -> None:
    i = _value_line(lines, rng)
    if i is not None:
        key, _, value = lines[i].partition(":")
        indent = key[: len(key) - len(key.lstrip())]
        bullet = "- " if key.lstrip().startswith("- ") else ""
        new = rng.choice(HOSTILE_KEYS)
        if new.startswith("? "):
            lines[i] = f"{indent}{bullet}{new}"
            lines.insert(i + 1, f"{indent}{'  ' if bullet else ''}:{value}")
        else:
            lines[i] = f"{indent}{bullet}{new}:{value}"


def _anchor_alias(rng: random.Random, lines: list[str]) -> None:
    """An anchor on one value and aliases to it elsewhere, as values or keys."""
    i = _value_line(lines, rng)
    j = _value_line(lines, rng)
    if i is None or j is None:
        return
    key, _, value = lines[i].partition(":")
    lines[i] = f"{key}: &a{value}" if value.strip() else f"{key}: &a"
    key_j = lines[j].split(":", 1)[0]
    lines[j] = rng.choice([f"{key_j}: *a", f"{key_j}: [*a, *a, *a]", f"{key_j}: *missing"])


def _merge_key(rng: random.Random, lines: list[str]) -> None:
    """Entries of a list anchored, and a new entry merging them (`<<: [*e0, *e1]`)."""
    entries = [i for i, line in enumerate(lines) if line.lstrip().startswith("- name:")]
    if not entries:
        return
    anchored = sorted(rng.sample(entries, min(len(entries), rng.randint(1, 2))), reverse=True)
    names = []
    for k, i in enumerate(anchored):
        indent = " " * (len(lines[i]) - len(lines[i].lstrip()))
        lines[i] = f"{indent}- &e{k}\n{indent}  {lines[i].lstrip()[2:]}"
        names.append(f"*e{k}")
    indent = " " * (len(lines[anchored[-1]]) - len(lines[anchored[-1]].lstrip()))
    merge = rng.choice(
        [
            names[0],
            "[" + ", ".join(names) + "]",
            "[" + ", ".join(names[::-1]) + "]",
            "3",
            f"[{names[0]}, [1]]",
            "*missing",
            f"{{<<: {names[0]}}}",
        ]
    )
    own = rng.choice(
        ["", f"\n{indent}  name: merged_{rng.randrange(99)}", f"\n{indent}  money: true"]
    )
    lines.insert(anchored[0] + 1, f"{indent}- <<: {merge}{own}")


def _alias_bomb(rng: random.Random, lines: list[str]) -> None:
    """Anchors of anchors: small text, a huge expansion; used as a value or as a key."""
    bomb = ["bomb_a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefgh":
        prior = chr(ord(level) - 1)
        bomb.append(f"bomb_{level}: &{level} [" + ", ".join([f"*{prior}"] * 10) + "]")
    use = rng.choice(["bomb_use: *h", "? *h\n: 1", "? *e\n: 1", "bomb_map: {<<: [*a]}"])
    lines[:0] = [*bomb, use]


def _deep_nesting(rng: random.Random, lines: list[str]) -> None:
    i = _value_line(lines, rng)
    if i is None:
        return
    key, _, value = lines[i].partition(":")
    depth = rng.choice([10, 49, 51, 200, 5000])
    opener, closer = rng.choice([("[", "]"), ("{a: ", "}")])
    lines[i] = f"{key}: {opener * depth}{value.strip() or 'x'}{closer * depth}"


def _workflow_line(rng: random.Random, lines: list[str]) -> None:
    """A workflow command where user text goes: a description, a reason, a comment."""
    text = rng.choice(HOSTILE_TEXTS).replace("\n", "\\n").replace("\r", "\\r")
    escaped = text.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    choice = rng.randrange(3)
    if choice == 0:
        lines[:] = [line for line in lines if not line.startswith("description:")]
        lines.append(f'description: "{escaped}"')
    elif choice == 1:
        lines.append(f'accept:\n  - rule: findings.money-last-write-wins\n    reason: "{escaped}"')
    else:
        lines.insert(rng.randrange(len(lines) + 1), "::error::" + text)


def _line_edit(rng: random.Random, lines: list[str]) -> None:
    if not lines:
        return
    i = rng.randrange(len(lines))
    action = rng.randrange(5)
    if action == 0:
        del lines[i]
    elif action == 1:
        lines.insert(i, lines[i])  # duplicate keys and entries
    elif action == 2:
        lines[i] = " " * rng.randrange(7) + lines[i].lstrip()
    elif action == 3:
        j = rng.randrange(len(lines[i]) + 1)
        char = rng.choice(
            [
                "\x1b",
                "\x00",
                "\x85",
                "\u202e",
                "\t",
                "\r",
                "\ufeff",
                "\ud800",
                ":",
                "#",
                "&",
                "*",
                "!",
                "|",
                ">",
                "%",
                "@",
                "`",
                "{",
                "[",
            ]
        )
        lines[i] = lines[i][:j] + char + lines[i][j:]
    else:
        lines.extend(lines[i : i + rng.randrange(1, 30)])


def _many_entries(rng: random.Random, lines: list[str]) -> None:
    """Many services calling each other, or many regions: the sizes the limits bound."""
    count = rng.choice([50, 101, 300])
    if rng.random() < 0.5:
        lines.append("services:")
        lines += [
            f"  - {{name: s{i}, calls: [s{(i + 1) % count}, s{(i + 7) % count}],"
            f" external: {str(i % 9 == 0).lower()}}}"
            for i in range(count)
        ]
    else:
        lines.append(
            "deployment: {regions: ["
            + ", ".join(f"r{i}" for i in range(count))
            + "], writes_from: all-regions}"
        )


TEXT_MUTATIONS: list[Callable[[random.Random, list[str]], None]] = [
    _replace_value,
    _replace_value,
    _replace_value,
    _replace_key,
    _anchor_alias,
    _merge_key,
    _alias_bomb,
    _deep_nesting,
    _workflow_line,
    _workflow_line,
    _line_edit,
    _line_edit,
    _many_entries,
]


def mutate(rng: random.Random, seed_texts: list[str]) -> str:
    """One mutated requirements file: structural, textual, or both."""
    text = rng.choice(seed_texts)
    way = rng.random()
    if way < 0.6:
        structural = _structural(rng, text)
        if structural is not None:
            text = structural
            if way < 0.45:
                return text
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        rng.choice(TEXT_MUTATIONS)(rng, lines)
    return "\n".join(lines) + "\n"


BATCH = 250


def batch(seed: int, index: int, size: int = BATCH) -> list[str]:
    """Batch `index` of the inputs of `seed`: batches can be made in any order, or in
    parallel, and are always the same."""
    rng = random.Random(f"{seed}/{index}")
    texts = seeds()
    return [mutate(rng, texts) for _ in range(size)]


def inputs(seed: int, count: int) -> list[str]:
    """The first `count` mutated files of `seed`, the same for the same seed."""
    whole, rest = divmod(count, BATCH)
    out = [text for i in range(whole) for text in batch(seed, i)]
    return out + (batch(seed, whole, rest) if rest else [])
