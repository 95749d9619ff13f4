"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader gives plain values but forgets positions, and silently keeps the
last of two duplicate keys. Composing the node graph ourselves gives every value a
line and column for error messages, rejects duplicate keys, and bounds alias
expansion so a "billion laughs" document cannot exhaust memory.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from typing import Any, NamedTuple

import yaml

from ..errors import InputError, Location

PathKey = tuple[str | int, ...]

# Limits, generous for any real requirements or rule file and applied while reading,
# so a hostile document stops before it is built: bytes read (standard input too),
# nodes composed (keys included), values built (aliases and merge keys expanded),
# nesting depth, and the length of an integer (Python refuses to print one beyond
# 4,300 digits; no field needs more than a few).
MAX_BYTES = 10_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50
MAX_INT_LENGTH = 1000

# libyaml's parser when PyYAML was built with it: the same safe semantics, several
# times faster, which start-up feels. Its parser keeps its own stack, so deep nesting
# cannot overflow the C stack; we compose the nodes from its events ourselves.
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


def _shown(text: str, limit: int = 40) -> str:
    """A scalar from the file for a message: quoted (controls escaped) and shortened."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


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


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
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
        if len(path) > MAX_DEPTH:  # aliases can nest what the text does not
            raise _too_deep(self.source, node.start_mark)
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
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar built by the safe constructor, or a located InputError.

        An explicit tag on a value it cannot describe (`!!timestamp x`, `!!bool maybe`,
        `!!int 0x`) makes the constructor fail in many ways, none of them an error of
        its own; an over-long integer could not even be printed in a message.
        """
        if node.tag == _INT_TAG and len(node.value) > MAX_INT_LENGTH:
            raise InputError.single(
                "number too long",
                _where(self.source, node.start_mark),
                expected=f"at most {MAX_INT_LENGTH} characters",
                found=f"{len(node.value)} characters",
            )
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            raise InputError.single(
                f"cannot read this value as {node.tag.rpartition(':')[2]}",
                _where(self.source, node.start_mark),
                expected="a value of the form its tag names, or no tag",
                found=_shown(node.value),
            ) from None

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

    def _merged(
        self, node: yaml.MappingNode, path: PathKey, depth: int = 0
    ) -> list[tuple[yaml.Node, yaml.Node]]:
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
                if depth >= MAX_DEPTH:  # a chain of mappings each merging the last
                    raise _too_deep(self.source, source.start_mark)
                for pair in self._merged(source, path, depth + 1):
                    self._count(pair[0])  # merged pairs count, so a merge bomb stops early
                    merged.append(pair)
        return merged + own

    def _key(self, key_node: yaml.Node, path: PathKey) -> str:
        if key_node.tag == _STR_TAG:
            return str(key_node.value)
        # A list or mapping as a key is refused before it is built: an alias there
        # could expand to any size ("key bombs").
        key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else key_node
        if not isinstance(key, str):
            found = "a list or mapping" if key is key_node else type(key).__name__
            raise self._key_error(
                key_node, path, "mapping key is not a string", expected="a name", found=found
            )
        return key

    def _key_error(
        self, key_node: yaml.Node, path: PathKey, message: str, *, expected: str, found: str = ""
    ) -> InputError:
        mark = key_node.start_mark
        where = Location(self.source, mark.line + 1, mark.column + 1, format_path(path))
        return InputError.single(message, where, expected=expected, found=found)


def _where(source: str, mark: Any) -> Location:
    return Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)


def _compose(text: str, source: str) -> yaml.Node | None:
    """The node graph of a one-document stream, built from the parser's events.

    Unlike PyYAML's composer this one counts nodes and nesting as it goes, so a
    document past a limit stops at the node that crosses it; and it uses no recursion,
    so no depth of nesting can crash the process. An anchor is defined once its node
    is complete: an alias inside its own anchor is refused, so no graph has a cycle.
    """
    loader = _SAFE_LOADER(text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        root = _compose_document(loader, source)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            raise InputError.single(
                "not valid YAML: more than one document",
                _where(source, loader.peek_event().start_mark),
                expected="one document (no second '---')",
            )
        return root
    finally:
        loader.dispose()


def _compose_document(loader: Any, source: str) -> yaml.Node:
    anchors: dict[str, yaml.Node] = {}
    # Open collections: the node, its anchor, and (in a mapping) a key awaiting its value.
    open_nodes: list[tuple[yaml.Node, str | None, list[yaml.Node]]] = []
    count = 0
    while True:
        event = loader.get_event()
        start: Any = event.start_mark  # libyaml's marks or PyYAML's: the same fields
        end: Any = event.end_mark
        node: yaml.Node
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise InputError.single(
                    f"undefined alias *{_shown(str(event.anchor))}",
                    _where(source, start),
                    expected="an alias to an anchor (&name) defined before it, outside it",
                )
            node = anchors[event.anchor]
            count += 1
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            count += 1
        elif isinstance(event, yaml.CollectionStartEvent):
            kind = (
                yaml.SequenceNode
                if isinstance(event, yaml.SequenceStartEvent)
                else yaml.MappingNode
            )
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(kind, None, event.implicit)
            collection = kind(tag, [], start, None, flow_style=event.flow_style)
            open_nodes.append((collection, event.anchor, []))
            count += 1
            if len(open_nodes) > MAX_DEPTH:
                raise _too_deep(source, event.start_mark)
            if count > MAX_NODES:
                raise _too_many_nodes(source, event.start_mark)
            continue
        else:  # the end of a collection
            node, anchor, _ = open_nodes.pop()
            node.end_mark = end
            if anchor is not None:
                anchors[anchor] = node
        if count > MAX_NODES:
            raise _too_many_nodes(source, event.start_mark)
        if not open_nodes:
            return node
        parent, _, pending = open_nodes[-1]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif pending:
            parent.value.append((pending.pop(), node))
        else:
            pending.append(node)


def _too_deep(source: str, mark: Any) -> InputError:
    return InputError.single(
        "document nests too deeply",
        _where(source, mark),
        expected=f"at most {MAX_DEPTH} levels of nesting",
    )


def _too_many_nodes(source: str, mark: Any) -> InputError:
    return InputError.single(
        "document too large",
        _where(source, mark),
        expected=f"at most {MAX_NODES} nodes, keys included",
    )


def parse(text: str, source: str) -> Document:
    """Parse one YAML document with the safe loader; any failure is an InputError."""
    try:
        node = _compose(text, source)
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. from undecodable stdin
        raise InputError.single(
            "not valid Unicode text",
            Location(source),
            found=f"character {exc.object[exc.start]!r} at offset {exc.start}",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):  # libyaml's own bound, read ahead of ours
            raise _too_deep(source, mark) from None
        raise InputError.single(
            f"not valid YAML: {exc.problem or exc.context}", _where(source, mark)
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.single(f"not valid YAML: {exc}", Location(source)) from None
    if node is None:
        return Document(None, source, {})
    composer = _Composer(source)
    try:
        data = composer.value(node, ())
    except yaml.constructor.ConstructorError as exc:
        raise InputError.single(
            f"unsupported YAML value: {exc.problem}", _where(source, exc.problem_mark)
        ) from None
    return Document(data, source, composer.marks)


def read_text(path: str) -> tuple[str, str]:
    """Read a file (or standard input for `-`); returns (text, name for messages).

    At most MAX_BYTES + 1 bytes are read from any source, so an endless or huge
    stream stops at the limit; every failure to read is a located InputError.
    """
    if path == "-":
        return _decode(_read_stdin(), "<stdin>"), "<stdin>"
    if not path:
        raise InputError.single("no file given", expected="a file path, or - for standard input")
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError.single("is a directory", Location(path), expected="a file")
        if not stat.S_ISREG(mode):
            raise InputError.single(
                "not a regular file", Location(path), expected="a file (not a device or FIFO)"
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError.single("file not found", Location(path)) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise InputError.single(f"cannot read: {_reason(exc)}", Location(path)) from None
    return _decode(raw, path), path


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _read_stdin() -> bytes:
    """At most MAX_BYTES + 1 bytes of standard input, or an InputError if it is closed."""
    import sys

    stream = sys.stdin
    try:
        if stream is None:
            raise ValueError("standard input is closed")
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream without bytes beneath (embedding, tests)
            return str(stream.read(MAX_BYTES + 1)).encode("utf-8", "surrogatepass")
        return bytes(buffer.read(MAX_BYTES + 1))
    except (OSError, ValueError) as exc:
        raise InputError.single(
            f"cannot read standard input: {_reason(exc)}", Location("<stdin>")
        ) from None


def _decode(raw: bytes, source: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InputError.single(
            "file too large",
            Location(source),
            expected=f"at most {MAX_BYTES // 1_000_000} MB",
            found=f"more than {MAX_BYTES} bytes",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            "not UTF-8 text",
            Location(source),
            found=f"byte {raw[exc.start]:#04x} at offset {exc.start}",
        ) from None


def load(path: str) -> Document:
    """Read and parse a YAML file, `-` meaning standard input."""
    text, source = read_text(path)
    return parse(text, source)
