"""The parse cache returns exactly what parsing returns, and never gets in the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from distadvisor.engine import parsecache
from distadvisor.model import yamlsource
from distadvisor.resources import rules_dir

SHIPPED = rules_dir() / "consistency.yaml"


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DISTADVISOR_NO_CACHE", raising=False)
    return tmp_path / "cache" / "distadvisor" / "parsed"


def test_a_cached_parse_equals_a_fresh_one(cache_home: Path) -> None:
    fresh = yamlsource.load(str(SHIPPED))
    first = parsecache.load(SHIPPED)
    assert len(list(cache_home.iterdir())) == 1
    second = parsecache.load(SHIPPED)  # from the cache
    for doc in (first, second):
        assert (doc.data, doc.marks, doc.source) == (fresh.data, fresh.marks, fresh.source)


def test_a_corrupt_entry_is_parsed_again(cache_home: Path) -> None:
    parsecache.load(SHIPPED)
    [entry] = cache_home.iterdir()
    entry.write_text("{not json")
    assert parsecache.load(SHIPPED).data == yamlsource.load(str(SHIPPED)).data


def test_user_files_and_disabled_cache_are_not_cached(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "team.yaml"
    own.write_text("framework: team\n")
    assert parsecache.load(own).data == {"framework": "team"}
    monkeypatch.setenv("DISTADVISOR_NO_CACHE", "1")
    parsecache.load(SHIPPED)
    assert not cache_home.exists()


def test_an_unwritable_cache_falls_back_to_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder must go
    assert parsecache.load(SHIPPED).data == yamlsource.load(str(SHIPPED)).data


def test_a_changed_file_replaces_its_entry(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    parsecache.load(SHIPPED)
    stat = SHIPPED.stat()
    try:  # a new modification time stands for a new version of the file
        os.utime(SHIPPED, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        parsecache.load(SHIPPED)
    finally:
        os.utime(SHIPPED, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert len(list(cache_home.iterdir())) == 1
