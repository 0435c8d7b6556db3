"""
The plugins' log store: bounded, safe across processes, readable after a
crash.
"""

import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest

from acc_plugins.host.debug import LogStore
from acc_plugins.host.debug._logentry import MAX_MESSAGE, level_of


def test_lines_come_back_in_order_with_level_and_time(tmp_path):
    """Each line keeps its level, its source and an aware UTC time."""
    store = LogStore(tmp_path)
    store.append("p", "INFO", "one")
    store.append("p", "ERROR", "two", source="host")

    entries = store.entries("p")

    assert [(e.level, e.source, e.message) for e in entries] == [
        ("INFO", "plugin", "one"),
        ("ERROR", "host", "two"),
    ]
    assert all(e.at.tzinfo is not None for e in entries)


def test_level_and_since_select_lines(tmp_path):
    """--level keeps that level and above; --since keeps later lines."""
    store = LogStore(tmp_path)
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.append("p", "ERROR", "old error", at=old)
    store.append("p", "DEBUG", "detail")
    store.append("p", "WARNING", "careful")

    warned = store.entries("p", level="WARNING")
    recent = store.entries("p", since=old + dt.timedelta(days=1))

    assert [e.message for e in warned] == ["old error", "careful"]
    assert [e.message for e in recent] == ["detail", "careful"]


def test_a_chatty_plugin_stays_within_the_bound(tmp_path):
    """However much a plugin logs, its files hold about twice the limit."""
    limit = 4096
    store = LogStore(tmp_path, max_bytes=limit)

    for n in range(2000):
        store.append("chatty", "INFO", f"line {n} " + "x" * 50)

    sizes = [
        f.stat().st_size for f in tmp_path.iterdir() if ".jsonl" in f.name
    ]
    assert len(sizes) == 2  # the current file and one rotated
    assert sum(sizes) <= 2 * (limit + 100)
    messages = [e.message for e in store.entries("chatty")]
    assert messages[-1].startswith("line 1999 ")
    numbers = [int(m.split()[1]) for m in messages]
    assert numbers == list(range(numbers[0], 2000))  # the newest, in order


def test_a_long_message_is_cut(tmp_path):
    """One huge line cannot take the whole bound."""
    store = LogStore(tmp_path)

    store.append("p", "INFO", "y" * (MAX_MESSAGE * 3))

    (entry,) = store.entries("p")
    assert len(entry.message) == MAX_MESSAGE
    assert entry.message.endswith("…")


def test_a_line_a_crash_left_unfinished_loses_only_itself(tmp_path):
    """Lines before an unfinished one, and the one appended to it, stay."""
    store = LogStore(tmp_path)
    store.append("p", "INFO", "before")
    with store.path("p").open("ab") as file:
        file.write(b'{"at": "2026-12-04T10:00:00+00:00", "level": "IN')
    store.append("p", "INFO", 'after, with {"at": in it')

    messages = [e.message for e in store.entries("p")]

    assert messages == ["before", 'after, with {"at": in it']


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from acc_plugins.host.debug import LogStore

    store = LogStore(Path(sys.argv[1]), max_bytes=10**9)
    for n in range(int(sys.argv[3])):
        store.append("shared", "INFO", f"{sys.argv[2]} {n} " + "z" * 300)
    """
)


def test_two_processes_appending_lose_no_line(tmp_path):
    """Lines appended at once by two processes are all there, whole."""
    count = 400
    writers = [
        subprocess.Popen(  # noqa: S603 -- our own program
            [sys.executable, "-c", _WRITER, str(tmp_path), who, str(count)]
        )
        for who in ("a", "b")
    ]
    for writer in writers:
        assert writer.wait(timeout=60) == 0

    lines = LogStore(tmp_path).path("shared").read_bytes().splitlines()
    seen = [json.loads(line)["message"].split()[:2] for line in lines]

    assert len(lines) == 2 * count
    for who in ("a", "b"):
        assert [int(n) for w, n in seen if w == who] == list(range(count))


def test_rotation_from_two_processes_keeps_whole_lines(tmp_path):
    """Rotating while another process appends leaves only whole lines."""
    script = _WRITER.replace("10**9", "20_000")
    writers = [
        subprocess.Popen(  # noqa: S603 -- our own program
            [sys.executable, "-c", script, str(tmp_path), who, "300"]
        )
        for who in ("a", "b")
    ]
    for writer in writers:
        assert writer.wait(timeout=60) == 0

    store = LogStore(tmp_path)
    raw = store.path("shared").read_bytes().splitlines()
    entries = store.entries("shared")

    assert all(json.loads(line) for line in raw)
    assert store.path("shared").stat().st_size <= 20_000 + 400
    assert {e.message.split()[0] for e in entries} <= {"a", "b"}


def test_names_are_the_plugins_with_a_log(tmp_path):
    """A name that is not plain gets a file of its own, never a path."""
    store = LogStore(tmp_path)
    store.append("beta", "INFO", "x")
    store.append("alpha", "INFO", "x")
    store.append("../evil", "INFO", "x")

    assert store.names() == ["alpha", "beta"]
    assert store.path("../evil").parent == tmp_path
    assert [e.message for e in store.entries("../evil")] == ["x"]


@pytest.mark.parametrize(
    ("text", "level"),
    [("debug", "DEBUG"), ("Warn", "WARNING"), ("ERROR", "ERROR")],
)
def test_levels_are_named_in_any_case(text, level):
    """warn, Warning and WARNING all name WARNING."""
    assert level_of(text) == level


def test_an_unknown_level_names_the_levels():
    """A typo in --level lists the levels there are."""
    with pytest.raises(ValueError, match="debug, info, warning, error"):
        level_of("loud")
