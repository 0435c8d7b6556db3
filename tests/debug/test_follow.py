"""
Following a plugin's log as it grows, across rotations.
"""

from acc_plugins.host.debug import LogStore


def _messages(entries):
    return [e.message for e in entries]


def test_a_follower_sees_only_new_lines(tmp_path):
    """Lines written before it started are not repeated."""
    store = LogStore(tmp_path)
    store.append("p", "INFO", "before")
    with store.follow("p") as follower:
        store.append("p", "INFO", "one")
        store.append("p", "INFO", "two")
        first = follower.poll()
        second = follower.poll()

    assert _messages(first) == ["one", "two"]
    assert second == []


def test_a_follower_waits_for_a_log_that_does_not_exist_yet(tmp_path):
    """A plugin that never logged starts its file later; all of it shows."""
    store = LogStore(tmp_path)
    with store.follow("p") as follower:
        assert follower.poll() == []
        store.append("p", "INFO", "first")
        assert _messages(follower.poll()) == ["first"]


def test_a_follower_reads_across_rotations(tmp_path):
    """No line is missed or repeated when the file is rotated between
    polls."""
    store = LogStore(tmp_path, max_bytes=600)
    seen = []

    with store.follow("p") as follower:
        for n in range(40):
            store.append("p", "INFO", f"{n:03} " + "x" * 40)
            if n % 3 == 0:  # more often than the file fills
                seen += follower.poll()
        seen += follower.poll()

    assert [int(m.split()[0]) for m in _messages(seen)] == list(range(40))


def test_half_a_line_waits_for_the_rest(tmp_path):
    """A line being written is returned once it is whole."""
    store = LogStore(tmp_path)
    store.append("p", "INFO", "whole")
    path = store.path("p")
    line = path.read_bytes()

    with store.follow("p", backlog=True) as follower:
        assert _messages(follower.poll()) == ["whole"]
        with path.open("ab") as file:
            file.write(line[:10])
            file.flush()
            assert follower.poll() == []
            file.write(line[10:])
        assert _messages(follower.poll()) == ["whole"]
