"""The rule-set cache gives exactly the rule set loading gives, and never gets in the way."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from distadvisor.cli.common import scaffold_names
from distadvisor.engine import rulecache, rules
from distadvisor.pipeline import check_file
from distadvisor.render import json as json_report
from distadvisor.resources import rules_dir

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = sorted(
    p for p in (ROOT / "tests/systems").glob("*.yaml") if not p.name.endswith(".expect.yaml")
)


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DISTADVISOR_NO_CACHE", raising=False)
    return tmp_path / "cache" / "distadvisor" / "parsed"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the rules were loaded from, parsing and checking them, so far."""
    calls: list[Path] = []
    real = rules.load

    def counted(folders: list[Path]) -> rules.RuleSet:
        calls.extend(folders)
        return real(folders)

    monkeypatch.setattr(rules, "load", counted)
    return calls


def entry_of(cache_home: Path) -> Path:
    [entry] = cache_home.glob("ruleset-*.json")
    return entry


def same(a: rules.RuleSet, b: rules.RuleSet) -> None:
    """Equal in every part: conditions compared through their encoding, data directly."""
    assert rulecache.encode(a) == rulecache.encode(b)
    assert a.catalogue.stores == b.catalogue.stores  # tuples stay tuples
    assert (a.network, a.figures, a.failures, a.files) == (
        b.network,
        b.figures,
        b.failures,
        b.files,
    )
    assert [r._replace(when=None, message=None, value=None) for r in a.rules] == [
        r._replace(when=None, message=None, value=None) for r in b.rules
    ]
    assert a.slot_order == b.slot_order
    assert {s: [r.id for r in rs] for s, rs in a.slot_rules.items()} == {
        s: [r.id for r in rs] for s, rs in b.slot_rules.items()
    }


def test_a_cached_rule_set_advises_every_system_as_a_fresh_one(
    cache_home: Path, loads: list[Path]
) -> None:
    cold = rules.load([rules_dir()])
    rulecache.load(rules_dir())  # fills the cache
    loads.clear()
    cached = rulecache.load(rules_dir())
    assert loads == []  # read from the cache, not loaded again
    same(cold, cached)
    scaffolds = scaffold_names()
    assert SYSTEMS
    for system in SYSTEMS:
        fresh = check_file(str(system), cold, scaffolds)
        again = check_file(str(system), cached, scaffolds)
        assert fresh.problems == again.problems, system
        assert fresh.recommendation is not None, system
        assert again.recommendation is not None, system
        assert json_report.render(fresh.recommendation) == json_report.render(
            again.recommendation
        ), system


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: b"{not json\n" + text,  # garbage header
        lambda text: text.replace(b'"PostgreSQL"', b'"PostgreSQl"', 1),  # edited payload
        lambda text: b"",
    ],
)
def test_a_corrupt_or_tampered_entry_is_ignored(
    cache_home: Path, loads: list[Path], damage: object
) -> None:
    assert callable(damage)
    fresh = rulecache.load(rules_dir())
    entry = entry_of(cache_home)
    text = entry.read_bytes()
    damaged = damage(text)
    assert damaged != text
    entry.write_bytes(damaged)
    loads.clear()
    again = rulecache.load(rules_dir())
    assert loads == [rules_dir()]  # loaded afresh, and the entry written whole again
    same(fresh, again)
    assert entry.read_bytes() == text


def test_a_changed_rule_file_invalidates_the_entry(
    cache_home: Path, tmp_path: Path, loads: list[Path]
) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    before = rulecache.load(folder).by_id("consistency.money")
    assert before is not None
    path = folder / "consistency.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("id: consistency.money\n") == 1
    changed = text.replace("id: consistency.money\n", "id: consistency.money-changed\n")
    path.write_text(changed, encoding="utf-8")
    loads.clear()
    after = rulecache.load(folder)
    assert loads == [folder]
    assert after.by_id("consistency.money") is None
    assert after.by_id("consistency.money-changed") is not None
    same(after, rules.load([folder]))


def test_an_unwritable_cache_falls_back_to_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loads: list[Path]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder must go
    first = rulecache.load(rules_dir())
    second = rulecache.load(rules_dir())
    assert loads == [rules_dir(), rules_dir()]
    same(first, second)
    assert blocker.read_text() == ""


def test_a_disabled_cache_writes_nothing(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, loads: list[Path]
) -> None:
    monkeypatch.setenv("DISTADVISOR_NO_CACHE", "1")
    rulecache.load(rules_dir())
    rulecache.load(rules_dir())
    assert loads == [rules_dir(), rules_dir()]
    assert not cache_home.exists()


def test_concurrent_writers_leave_one_whole_entry(cache_home: Path) -> None:
    results: list[rules.RuleSet] = []

    def load() -> None:
        results.append(rulecache.load(rules_dir()))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for result in results[1:]:
        same(results[0], result)
    assert entry_of(cache_home).is_file()
    assert not list(cache_home.glob("*.tmp"))  # every writer's copy renamed into place
    same(results[0], rulecache.load(rules_dir()))


def test_scaffold_names_are_cached_like_the_rules(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distadvisor.scaffold import specs

    fresh = {i: s.pattern for s in specs.load_patterns().values() for i in s.implements}
    assert fresh
    assert scaffold_names() == fresh
    [entry] = cache_home.glob("scaffolds-*.json")

    def unused() -> None:
        raise AssertionError("the specs were read again")

    monkeypatch.setattr(specs, "load_patterns", unused)
    assert scaffold_names() == fresh  # from the cache
    entry.write_bytes(entry.read_bytes().replace(b'"saga"', b'"sagas"'))
    with pytest.raises(AssertionError, match="read again"):
        scaffold_names()  # an edited entry is not believed
