"""The file-based cache of one machine: a write does not list the whole directory, and the
entries of ended rate-limit windows do not pile up."""

from __future__ import annotations

from pathlib import Path

from vik.core import cache as file_cache
from vik.core.cache import FileCache


def _files(directory: Path) -> int:
    return len(list(directory.glob("*.djcache")))


def test_writes_list_the_directory_once_per_period_and_expired_entries_go(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(file_cache.time, "monotonic", lambda: clock[0])
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 100_000}})
    listings = []
    original = cache._list_cache_files

    def listing() -> list[str]:
        listings.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", listing)
    for n in range(50):
        cache.set(f"window-{n}", n, timeout=1)
    cache.set("kept", "yes", timeout=600)
    # The first write culls (the expired entries, then Django's culling past MAX_ENTRIES);
    # Django's own cache lists the directory at each of the 51 writes.
    assert len(listings) == 2
    assert _files(tmp_path) == 51

    monkeypatch.setattr(file_cache.time, "time", lambda: 10**10)  # the windows have ended
    clock[0] += file_cache.CULL_SECONDS
    cache._cull()
    assert len(listings) == 4
    assert _files(tmp_path) == 0  # every entry expired at that time, "kept" too
    monkeypatch.undo()


def test_counts_survive_the_periodic_cull(tmp_path):
    count = 3
    cache = FileCache(str(tmp_path), {})
    cache.add("counter", 0, timeout=600)
    for _n in range(count):
        cache.incr("counter")
    cache._next_cull = 0.0
    cache.set("other", 1, timeout=600)  # culls now: nothing has expired
    assert cache.get("counter") == count
