"""
The bytecode cache stays small: a few entries per file, a bound on the
whole (least recently used out first), and nothing older versions left.
"""

import os
import time

import pytest
from tests.host.test_host import ECHO, started_host, write_plugin

from acc_plugins.sandbox import BytecodeCache


def _entries(folder):
    return sorted(
        p.name for p in folder.iterdir() if p.suffix in {".accc", ".accs"}
    )


def test_two_hundred_reloads_of_a_changing_plugin_leave_few_files(tmp_path):
    folder = write_plugin(tmp_path / "plugins", "echo", ECHO)
    host = started_host(tmp_path)
    try:
        for n in range(200):
            (folder / "main.py").write_text(f"# version {n}\n{ECHO}")
            host.reload("echo")
        answer = host.call_tool("echo.echo", text="hi")
    finally:
        host.stop()

    assert answer == ["hi"]
    names = _entries(tmp_path / "cache")
    # At most four code entries for main.py and four scans of the plugin.
    assert sum(n.endswith(".accc") for n in names) <= 4
    assert sum(n.endswith(".accs") for n in names) <= 4


def test_each_new_process_prunes_what_earlier_ones_left(tmp_path):
    for n in range(30):
        BytecodeCache(tmp_path).compile(f"x = {n}\n", "m.py")

    assert len(_entries(tmp_path)) <= 4


def test_the_whole_cache_is_bounded_least_recently_used_out_first(tmp_path):
    cache = BytecodeCache(tmp_path, max_entries=10)
    cache.compile("x = 1\n", "first.py")
    for n in range(30):
        cache.compile("x = 1\n", f"m{n}.py")
        cache.compile("x = 1\n", "first.py")  # used all along

    again = BytecodeCache(tmp_path)
    again.compile("x = 1\n", "first.py")

    assert len(_entries(tmp_path)) == 10
    assert (again.hits, again.misses) == (1, 0)


def test_what_older_versions_left_is_removed_and_nothing_else(tmp_path):
    old_key = "ab" * 32
    scans = tmp_path / "scan"
    scans.mkdir()
    (scans / f"{old_key}.json").write_text("[]")
    (tmp_path / f"{old_key}.accc").write_bytes(b"old")
    killed = tmp_path / "tmpk1ll3d.tmp"
    killed.write_bytes(b"half")
    an_hour_ago = time.time() - 7200
    os.utime(killed, (an_hour_ago, an_hour_ago))
    (tmp_path / "tmplive.tmp").write_bytes(b"being written")
    (tmp_path / "notes.txt").write_text("mine")

    BytecodeCache(tmp_path).compile("x = 1\n", "m.py")

    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [*_entries(tmp_path), "notes.txt", "tmplive.tmp"]


def test_a_warm_start_lists_no_folder(tmp_path, monkeypatch):
    for n in range(5):
        BytecodeCache(tmp_path).compile("x = 1\n", f"m{n}.py")
    listings = []
    real = os.scandir

    def counted(path):
        listings.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counted)
    warm = BytecodeCache(tmp_path)
    for n in range(5):
        warm.compile("x = 1\n", f"m{n}.py")
    assert listings == []

    for n in range(5):
        warm.compile("x = 2\n", f"m{n}.py")

    assert (warm.hits, warm.misses) == (5, 5)
    assert listings == [tmp_path]


@pytest.mark.parametrize("per_file", [1, 2])
def test_the_current_entry_is_always_kept(tmp_path, per_file):
    cache = BytecodeCache(tmp_path, per_file=per_file)
    for n in range(5):
        cache.compile(f"x = {n}\n", "m.py")

    again = BytecodeCache(tmp_path)
    again.compile("x = 4\n", "m.py")

    assert len(_entries(tmp_path)) == per_file
    assert again.hits == 1
