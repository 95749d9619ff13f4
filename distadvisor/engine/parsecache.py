"""A cache of parsed shipped YAML (rules, reference data, pattern specs), read on every run.

Parsing the shipped rule files is most of `advise`'s own start-up. Like Python's
bytecode cache, an entry is keyed by the file's path, size and modification time
(and the distadvisor version), and holds plain JSON: the document's data and the
positions of its values. Only files inside the installed package are cached; a
user's own rule folders are parsed fresh. Any problem with the cache (unwritable,
corrupt, a value JSON cannot hold) falls back to parsing; DISTADVISOR_NO_CACHE=1
turns it off.

`derived` keeps what is computed from shipped files the same way (the checked rule
set, the scaffolds' names), keyed by the bytes of the files it is computed from.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from importlib.util import source_hash
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..model import yamlsource
from ..resources import rules_dir, templates_dir

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The folder of cached parses, or None when DISTADVISOR_NO_CACHE turns caching off."""
    if os.environ.get("DISTADVISOR_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "distadvisor" / "parsed"


def digest(data: bytes) -> str:
    """A 64-bit keyed hash of `data` in hex: the one hash-based .pyc files are checked
    with. Enough to tell versions of a file apart, and it spares start-up loading
    OpenSSL for hashlib."""
    return source_hash(data).hex()


def _shipped(resolved: Path) -> bool:
    # The shipped folders are resolved already (resources resolves the package's path).
    return resolved.is_relative_to(rules_dir()) or resolved.is_relative_to(templates_dir())


def load(path: Path) -> yamlsource.Document:
    """Parse `path` as yamlsource.load would, reusing a cached parse of a shipped file."""
    folder = cache_dir()
    resolved = path.resolve()
    if folder is None or not _shipped(resolved):
        return yamlsource.load(str(path))
    try:
        stat = path.stat()
    except OSError:
        return yamlsource.load(str(path))  # reports the problem as usual
    # One entry per file: a new version of the file replaces its old entry.
    file_key = digest(str(resolved).encode())
    version_key = f"{__version__}|{stat.st_size}|{stat.st_mtime_ns}"
    entry = folder / f"{file_key}-{digest(version_key.encode())}.json"
    try:
        cached = json.loads(entry.read_text(encoding="utf-8"))
        marks = {tuple(p): (line, column) for p, line, column in cached["marks"]}
        return yamlsource.Document(cached["data"], str(path), marks)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    doc = yamlsource.load(str(path))
    try:
        payload = json.dumps(
            {"data": doc.data, "marks": [[list(p), lc[0], lc[1]] for p, lc in doc.marks.items()]}
        )
    except (TypeError, ValueError):
        return doc  # a value JSON cannot hold: parse next time too
    try:
        for stale in folder.glob(f"{file_key}-*.json"):
            stale.unlink(missing_ok=True)
    except OSError:
        return doc
    write_atomic(entry, payload.encode("utf-8"))
    return doc


def write_atomic(entry: Path, payload: bytes) -> None:
    """Write `entry` whole or not at all: readers never see a half-written file, and
    concurrent writers each rename their own complete copy into place. A failure (a
    read-only home, a full disk) only means the next run parses again."""
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=entry.parent, prefix=entry.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temp, entry)
    except OSError:
        Path(temp).unlink(missing_ok=True)


def derived(
    name: str,
    inputs: Iterable[Path],
    build: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """`build()`, or the value it gave before from the same bytes of `inputs`.

    For what is computed from shipped files only. The value is stored as JSON through
    `encode` and rebuilt by `decode` (which raises on anything malformed), never
    pickled: reading a cache file must not run code. An entry is keyed by the inputs'
    bytes and the distadvisor version, and its payload by a digest of it, so a stale,
    cut short or edited entry is a miss; every failure to read or write one means
    calling `build`, whose errors are reported as ever.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    parts = [f"{__version__}|{name}"]
    try:
        for path in inputs:
            content = path.read_bytes()
            parts.append(f"{path}|{len(content)}|{digest(content)}")
    except OSError:
        return build()  # a missing input: building reports it as usual
    key = digest("|".join(parts).encode())
    entry = folder / f"{name}.json"
    try:
        header, _, payload = entry.read_bytes().partition(b"\n")
        if header.decode("ascii") == f"{digest(payload)} {key}":
            return decode(json.loads(payload))
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        pass
    value = build()
    try:
        payload = json.dumps(encode(value), separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):
        return value  # something JSON cannot hold: build again next time
    write_atomic(entry, f"{digest(payload)} {key}\n".encode() + payload)
    return value
