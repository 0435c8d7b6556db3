"""
The watcher under real editing: files written in steps, plugin folders
and the whole plugins folder removed and restored.
"""

import contextlib
import shutil
import time

from tests.host.test_host import started_host, write_plugin
from tests.host.test_reload import Outcomes, source, wait_for_state

from acc_plugins.host import State
from acc_plugins.host.reload._settle import settle, snapshot


def wait_for_answer(host, tool, expected, seconds=20):
    """
    Call *tool* until it answers *expected* (or fail after *seconds*).
    """
    deadline = time.monotonic() + seconds
    answer = None
    while time.monotonic() < deadline:
        try:
            answer = host.call_tool(tool)
        except Exception as exc:  # noqa: BLE001 -- not there yet
            answer = exc
        if answer == expected:
            return
        time.sleep(0.02)
    msg = f"{tool} answered {answer!r}, not {expected!r}"
    raise AssertionError(msg)


@contextlib.contextmanager
def watched(home, outcomes=None):
    """
    A started host over ``home/plugins`` and its watcher, both stopped at
    the end.
    """
    host = started_host(home)
    watcher = host.watch(on_reload=outcomes or Outcomes(), debounce_ms=20)
    try:
        yield host
    finally:
        watcher.stop()
        host.stop()


def test_a_file_truncated_then_written_is_read_whole(tmp_path):
    """A save in two steps with a pause between: no refusal is reported."""
    folder = write_plugin(tmp_path / "plugins", "live", source("v0"))
    outcomes = Outcomes()
    with watched(tmp_path, outcomes) as host:
        for n in range(1, 9):
            text = source(f"v{n}")
            # Cut inside the class: the first half alone does not compile.
            cut = text.index("def version")
            with (folder / "main.py").open("w") as file:
                file.write(text[:cut] + "    def ver")
                file.flush()
                time.sleep(0.03)  # longer than the watcher's debounce
                file.seek(0)
                file.truncate()
                file.write(text)
            wait_for_answer(host, "live.version", f"v{n}")

    assert [o for o in outcomes.seen if o.error] == []


def test_settling_waits_for_a_quiet_interval(tmp_path):
    """settle() returns what the files are once left alone."""
    folder = write_plugin(tmp_path / "plugins", "live", source("v0"))
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.py").write_text("ignored")
    (folder / "notes.txt").write_text("ignored")

    settled = settle(folder, quiet=0.05)

    assert sorted(settled) == sorted(
        str(folder / name) for name in ("main.py", "plugin.toml")
    )
    assert settled == snapshot(folder)
    newest = max(mtime for _, mtime in settled.values()) / 1e9
    assert time.time() - newest >= 0.05


def test_a_plugin_folder_removed_and_restored_comes_back(tmp_path):
    plugins = tmp_path / "plugins"
    folder = write_plugin(plugins, "live", source("v1"))
    outcomes = Outcomes()
    with watched(tmp_path, outcomes) as host:
        shutil.rmtree(folder)
        wait_for_state(host, "live", State.UNLOADED, seconds=20)

        write_plugin(plugins, "live", source("v2"))
        wait_for_answer(host, "live.version", "v2")
        wait_for_state(host, "live", State.ACTIVE)
        assert any(o.added and o.plugin == "live" for o in outcomes.seen)

        # Watched again: an edit reloads it.
        (folder / "main.py").write_text(source("v3"))
        wait_for_answer(host, "live.version", "v3")


def test_the_whole_plugins_folder_removed_and_restored(tmp_path):
    """Every plugin comes back with its folder, and edits reload again."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "one", source("one-v1"))
    write_plugin(plugins, "two", source("two-v1"))
    with watched(tmp_path) as host:
        backup = tmp_path / "backup"
        shutil.copytree(plugins, backup)
        shutil.rmtree(plugins)
        wait_for_state(host, "one", State.UNLOADED, seconds=20)
        wait_for_state(host, "two", State.UNLOADED, seconds=20)

        shutil.copytree(backup, plugins)
        wait_for_answer(host, "one.version", "one-v1")
        wait_for_answer(host, "two.version", "two-v1")

        (plugins / "two" / "main.py").write_text(source("two-v2"))
        wait_for_answer(host, "two.version", "two-v2")
