"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader gives plain values but forgets positions, and silently keeps the
last of two duplicate keys. Composing the node graph ourselves gives every value a
line and column for error messages, rejects duplicate keys, and bounds alias
expansion so a "billion laughs" document cannot exhaust memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ..errors import InputError, Location

PathKey = tuple[str | int, ...]

# Generous for any real requirements or rule file, small enough to stop alias bombs.
MAX_NODES = 200_000
MAX_BYTES = 10_000_000

# libyaml's safe loader when PyYAML was built with it: the same safe semantics, and
# several times faster, which start-up feels.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def format_path(path: PathKey) -> str:
    """`("data", 1, "stale_reads")` -> `data[1].stale_reads`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):  # quoted, so no odd character is printed
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text


class Document(NamedTuple):
    """A parsed YAML document: plain data plus the position of every node."""

    data: Any
    source: str
    marks: dict[PathKey, tuple[int, int]]

    def locate(self, path: PathKey) -> Location:
        """The location of `path`, or of its nearest ancestor that YAML placed."""
        probe = path
        while probe not in self.marks and probe:
            probe = probe[:-1]
        line, column = self.marks.get(probe, (None, None))
        return Location(self.source, line, column, format_path(path))


# Collections may carry only their standard tags: a `!!python/...` tag on a list or a
# mapping is refused like one on a scalar (the safe constructor refuses those).
_COLLECTION_TAGS: dict[type, str] = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


# libyaml recurses on the C stack and crashes the process on very deep nesting; the
# pure-Python loader raises RecursionError instead, which becomes a message. Deep
# documents (a generous bound for real files) go to the Python loader.
_C_LOADER_MAX_DEPTH = 100
_BRACKETS = re.compile(r"[\[\]{}]")
_DEEP_INDENT = re.compile(r"^ {200,}", re.M)  # block nesting this deep needs this indent


def _loader_for(text: str) -> type:
    if _DEEP_INDENT.search(text):
        return yaml.SafeLoader
    if text.count("[") + text.count("{") <= _C_LOADER_MAX_DEPTH:
        return _SAFE_LOADER  # too few openers to nest deeply: no need to follow them
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > _C_LOADER_MAX_DEPTH:
            return yaml.SafeLoader
    return _SAFE_LOADER


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Composer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def _mark(self, node: yaml.Node, path: PathKey) -> None:
        self._count(node)
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)

    def _count(self, node: yaml.Node) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError.single(
                "document too large",
                Location(self.source, node.start_mark.line + 1, node.start_mark.column + 1),
                expected=f"at most {MAX_NODES} values, aliases expanded",
            )

    def value(self, node: yaml.Node, path: PathKey) -> Any:
        self._mark(node, path)
        standard = _COLLECTION_TAGS.get(type(node))
        if standard is not None and node.tag != standard:
            raise InputError.single(
                f"unsupported YAML tag {node.tag}",
                Location(self.source, node.start_mark.line + 1, node.start_mark.column + 1),
                expected="plain mappings and lists",
            )
        if isinstance(node, yaml.MappingNode):
            return dict(self._pairs(node, path))
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR_TAG:  # most scalars: no need for the constructor's machinery
            return node.value
        return self.constructor.construct_object(node, deep=True)

    def _pairs(self, node: yaml.MappingNode, path: PathKey) -> Iterator[tuple[str, Any]]:
        seen: set[str] = set()
        for key_node, _ in node.value:  # keys written here: each once
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, path)
            if key in seen:
                raise self._key_error(
                    key_node, path, f"duplicate key '{key}'", expected="each key once in a mapping"
                )
            seen.add(key)
        winners: dict[str, yaml.Node] = {}
        for key_node, value_node in self._merged(node, path):
            winners[self._key(key_node, path)] = value_node
        for key, value_node in winners.items():
            yield key, self.value(value_node, (*path, key))

    def _merged(self, node: yaml.MappingNode, path: PathKey) -> list[tuple[yaml.Node, yaml.Node]]:
        """The pairs of `node` with its `<<` merge key applied, lowest precedence first.

        We apply merge keys ourselves, as the YAML merge-key spec says, rather than rely on
        PyYAML's `flatten_mapping`, whose order for a list of merged mappings changed in
        6.0.4: keys written in the mapping win over merged ones, and in a list of merged
        mappings an earlier mapping wins over a later one.
        """
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        own: list[tuple[yaml.Node, yaml.Node]] = []
        merge_keys = 0
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                own.append((key_node, value_node))
                continue
            merge_keys += 1
            if merge_keys > 1:
                raise self._key_error(
                    key_node, path, "duplicate merge key '<<'", expected="one '<<' in a mapping"
                )
            is_list = isinstance(value_node, yaml.SequenceNode)
            sources = value_node.value if is_list else [value_node]
            for source in reversed(sources):  # an earlier mapping wins: applied last
                if not isinstance(source, yaml.MappingNode):
                    raise self._key_error(
                        source,
                        path,
                        "merge key '<<' takes mappings only",
                        expected="a mapping, or a list of mappings",
                        found=type(source).__name__.removesuffix("Node").lower(),
                    )
                for pair in self._merged(source, path):
                    self._count(pair[0])  # merged pairs count, so a merge bomb stops early
                    merged.append(pair)
        return merged + own

    def _key(self, key_node: yaml.Node, path: PathKey) -> str:
        if key_node.tag == _STR_TAG:
            return str(key_node.value)
        key = self.constructor.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise self._key_error(
                key_node,
                path,
                "mapping key is not a string",
                expected="a name",
                found=f"{type(key).__name__} {key!r}",
            )
        return key

    def _key_error(
        self, key_node: yaml.Node, path: PathKey, message: str, *, expected: str, found: str = ""
    ) -> InputError:
        mark = key_node.start_mark
        where = Location(self.source, mark.line + 1, mark.column + 1, format_path(path))
        return InputError.single(message, where, expected=expected, found=found)


def parse(text: str, source: str) -> Document:
    """Parse one YAML document with the safe loader; any failure is an InputError."""
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
    except RecursionError:
        raise InputError.single(
            "document nests too deeply", Location(source), expected="a flatter document"
        ) from None
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. from undecodable stdin
        raise InputError.single(
            "not valid Unicode text",
            Location(source),
            found=f"character {exc.object[exc.start]!r} at offset {exc.start}",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        raise InputError.single(f"not valid YAML: {exc.problem or exc.context}", where) from None
    except yaml.YAMLError as exc:  # e.g. a second document in the stream
        raise InputError.single(f"not valid YAML: {exc}", Location(source)) from None
    if node is None:
        return Document(None, source, {})
    composer = _Composer(source)
    try:
        data = composer.value(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        raise InputError.single(f"unsupported YAML value: {exc.problem}", where) from None
    except RecursionError:
        raise InputError.single(
            "document nests too deeply", Location(source), expected="a flatter document"
        ) from None
    return Document(data, source, composer.marks)


def read_text(path: str, *, stdin_text: str | None = None) -> tuple[str, str]:
    """Read a file (or standard input for `-`); returns (text, name for messages)."""
    if path == "-":
        if stdin_text is None:
            import sys

            stdin_text = sys.stdin.read()
        return stdin_text, "<stdin>"
    if not path:
        raise InputError.single("no file given", expected="a file path, or - for standard input")
    file = Path(path)
    try:
        if file.exists() and not file.is_dir() and not file.is_file():
            raise InputError.single(
                "not a regular file", Location(path), expected="a file (not a device or FIFO)"
            )
        if file.is_file() and file.stat().st_size > MAX_BYTES:
            raise InputError.single(
                "file too large",
                Location(path),
                expected=f"at most {MAX_BYTES // 1_000_000} MB",
                found=f"{file.stat().st_size} bytes",
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError.single("file not found", Location(path)) from None
    except IsADirectoryError:
        raise InputError.single("is a directory", Location(path), expected="a file") from None
    except OSError as exc:
        raise InputError.single(f"cannot read: {exc.strerror}", Location(path)) from None
    try:
        return raw.decode("utf-8"), path
    except UnicodeDecodeError as exc:
        raise InputError.single(
            "not UTF-8 text",
            Location(path),
            found=f"byte {raw[exc.start]:#04x} at offset {exc.start}",
        ) from None


def load(path: str) -> Document:
    """Read and parse a YAML file, `-` meaning standard input."""
    text, source = read_text(path)
    return parse(text, source)
