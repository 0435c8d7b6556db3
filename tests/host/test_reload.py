"""
Hot reload: a new version is built beside the old one, takes over its
state and its names atomically, and a refused version changes nothing.
"""

import shutil
import textwrap
import threading
import time
from typing import TYPE_CHECKING

import pytest
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin

from acc_plugins.errors import LoadError, PluginCallError, ReloadError
from acc_plugins.host import State


if TYPE_CHECKING:
    from acc_plugins.sdk import Event


VERSIONED = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    def __init__(self):
        self.calls = 0

    def export_state(self):
        return {"calls": self.calls, "from": "VERSION"}

    def import_state(self, state):
        self.calls = state["calls"]
        self.ctx.log.info(f"took over from {state['from']}")

    def on_activate(self):
        self.ctx.log.info("VERSION activated")

    def on_deactivate(self):
        self.ctx.log.info("VERSION deactivated")

    @tool
    def version(self) -> str:
        self.calls += 1
        return "VERSION"

    @tool
    def calls_so_far(self) -> int:
        return self.calls
"""


class Outcomes:
    """
    An ``on_reload`` callback that keeps what it is told and signals it.
    """

    def __init__(self):
        self.seen = []
        self.arrived = threading.Event()

    def __call__(self, outcome):
        self.seen.append(outcome)
        self.arrived.set()


def wait_for_state(host, name, state, seconds=5):
    deadline = time.monotonic() + seconds
    while host.state(name) is not state:
        assert time.monotonic() < deadline, f"{name} is {host.state(name)}"
        time.sleep(0.01)


def source(version):
    return textwrap.dedent(VERSIONED.replace("VERSION", version))


@pytest.fixture(name="live")
def _live(tmp_path):
    folder = write_plugin(tmp_path / "plugins", "live", source("v1"))
    host = started_host(tmp_path)
    yield host, folder
    host.stop()


def test_a_reload_swaps_the_version_and_hands_over_its_state(live):
    host, folder = live
    assert host.call_tool("live.version") == "v1"
    assert host.call_tool("live.version") == "v1"

    (folder / "main.py").write_text(source("v2"))
    seconds = host.reload("live")

    assert host.call_tool("live.version") == "v2"
    assert host.call_tool("live.calls_so_far") == 3  # counted across versions
    assert seconds < 5
    log = host.info("live").log
    assert log.index("INFO: took over from v1") < log.index(
        "INFO: v2 activated"
    )
    assert "INFO: v1 deactivated" in log
    assert host.stats()[0].calls >= 4  # statistics carry on too
    moves = [(t.source, t.target) for t in host.info("live").transitions]
    assert moves[-2:] == [
        (State.ACTIVE, State.RELOADING),
        (State.RELOADING, State.ACTIVE),
    ]


BROKEN = {
    "syntax": ("main.py", "def broken(:\n", "main.py:1"),
    "manifest": ("plugin.toml", '[plugin]\nname = "live"\n', "plugin.toml"),
    "constructor": (
        "main.py",
        (
            "from acc_plugins.sdk import Plugin\n"
            "class Main(Plugin):\n"
            "    def __init__(self):\n"
            "        raise ValueError('no')\n"
        ),
        "main.py:4",
    ),
    "refused_import": ("main.py", "import subprocess\n", "main.py:1"),
    "import_state": (
        "main.py",
        (
            "from acc_plugins.sdk import Plugin\n"
            "class Main(Plugin):\n"
            "    def import_state(self, state):\n"
            "        raise KeyError('calls')\n"
        ),
        "main.py:4",
    ),
    "on_activate": (
        "main.py",
        (
            "from acc_plugins.sdk import Plugin\n"
            "class Main(Plugin):\n"
            "    def on_activate(self):\n"
            "        raise RuntimeError('cannot start')\n"
        ),
        "main.py:4",
    ),
    "renamed": (
        "plugin.toml",
        (
            '[plugin]\nname = "other"\nversion = "1.0.0"\n'
            'description = "x"\nentry = "main:Main"\nkind = "tool"\n'
        ),
        "plugin.toml",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_refused_version_leaves_the_old_one_serving(live, name):
    host, folder = live
    file, text, where = BROKEN[name]
    events: list[Event] = []
    host.subscribe(events.append)
    assert host.call_tool("live.version") == "v1"

    (folder / file).write_text(text)
    with pytest.raises(ReloadError) as caught:
        host.reload("live")

    assert where in (caught.value.location or "")
    assert host.state("live") is State.ACTIVE
    assert host.call_tool("live.version") == "v1"
    assert host.call_tool("live.calls_so_far") == 2  # the same instance
    failed = [e for e in events if e.name == "plugin.reload_failed"]
    assert len(failed) == 1
    assert where in failed[0].payload["location"]
    if where.endswith(".py:1") or ".py:4" in where:  # a source line: shown
        assert any(
            line.startswith(">") for line in failed[0].payload["excerpt"]
        )
    assert "v1 deactivated" not in "\n".join(host.info("live").log)


def test_only_an_active_plugin_reloads(live):
    host, _ = live
    host.deactivate("live")
    with pytest.raises(LoadError, match="only an active plugin reloads"):
        host.reload("live")


ENVY = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def home(self) -> object:
        return self.ctx.env.get("HOME")
"""


def test_new_permissions_are_never_granted_by_a_reload(tmp_path):
    folder = write_plugin(tmp_path / "plugins", "envy", ENVY)
    host = started_host(tmp_path)
    try:
        (folder / "plugin.toml").write_text(
            (folder / "plugin.toml").read_text()
            + '\n[permissions]\nenvironment = ["HOME"]\n'
        )
        host.reload("envy")

        with pytest.raises(
            PluginCallError, match="lacks permission 'env:HOME'"
        ):
            host.call_tool("envy.home")
        permissions = host.permissions("envy")
        assert permissions["requested"] == ["env:HOME"]
        assert permissions["effective"] == []
        # Asked for, so refused without quarantine.
        assert host.state("envy") is State.ACTIVE
    finally:
        host.stop()


BASE = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def word(self) -> str:
        return "WORD"
"""

USER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def shout(self) -> str:
        return self.ctx.tools.call("base.word").upper()
"""


def test_dependents_reload_after_what_they_depend_on(tmp_path):
    plugins = tmp_path / "plugins"
    base = write_plugin(plugins, "base", BASE.replace("WORD", "one"))
    write_plugin(
        plugins, "user", USER, extra='\n[dependencies]\nbase = ">=1"\n'
    )
    host = started_host(tmp_path)
    order = []
    host.subscribe(
        lambda e: (
            order.append(e.payload["plugin"])
            if e.name == "plugin.reloaded"
            else None
        )
    )
    try:
        (base / "main.py").write_text(
            textwrap.dedent(BASE).replace("WORD", "two")
        )
        host.reload("base")
        assert order == ["base", "user"]
        assert host.call_tool("user.shout") == "TWO"
    finally:
        host.stop()


@BOTH_TIERS
def test_an_isolated_or_in_process_plugin_reloads(tmp_path, isolation):
    folder = write_plugin(
        tmp_path / "plugins", "live", source("v1"), extra=isolation
    )
    host = started_host(tmp_path)
    try:
        assert host.call_tool("live.version") == "v1"
        (folder / "main.py").write_text(source("v2"))
        host.reload("live")
        assert host.call_tool("live.version") == "v2"
        assert host.call_tool("live.calls_so_far") == 2  # state came along
        assert host.state("live") is State.ACTIVE
    finally:
        host.stop()


def test_calls_never_fail_while_the_source_is_rewritten_100_times(tmp_path):
    """
    A thread calls the tool in a loop while the watcher reloads valid and
    broken versions in turn: no call fails, every valid version serves,
    every broken one is refused while the previous one keeps serving.
    """
    folder = write_plugin(tmp_path / "plugins", "live", source("v0"))
    host = started_host(tmp_path)
    outcomes = Outcomes()
    settled = outcomes.arrived
    seen, failures = set(), []
    stop = threading.Event()

    def caller():
        while not stop.is_set():
            try:
                seen.add(host.call_tool("live.version"))
            except Exception as exc:  # noqa: BLE001 -- counted, not raised
                failures.append(exc)

    worker = threading.Thread(target=caller)
    watcher = host.watch(on_reload=outcomes, debounce_ms=20)
    worker.start()
    try:
        for n in range(1, 101):
            settled.clear()
            valid = n % 2 == 1
            text = source(f"v{n}") if valid else f"def broken_{n}(:\n"
            # As editors save: a whole new file renamed into place, so the
            # watcher never reads half a version.
            temporary = folder / "main.py.tmp"
            temporary.write_text(text)
            temporary.replace(folder / "main.py")
            assert settled.wait(10), f"no reload after write {n}"
            if valid:
                deadline = time.monotonic() + 5
                while f"v{n}" not in seen and time.monotonic() < deadline:
                    time.sleep(0.001)
    finally:
        stop.set()
        worker.join()
        watcher.stop()
        host.stop()

    assert failures == []
    assert {f"v{n}" for n in range(1, 101, 2)} <= seen
    refused = [o for o in outcomes.seen if o.error]
    assert len(refused) >= 50
    assert all("invalid syntax" in o.error for o in refused)
    assert not any(f"v{n}" in seen for n in range(2, 101, 2))


def test_the_watcher_restarts_a_plugin_whose_fix_arrives(tmp_path):
    folder = write_plugin(tmp_path / "plugins", "live", "def broken(:\n")
    host = started_host(tmp_path)
    outcomes = Outcomes()
    watcher = host.watch(on_reload=outcomes, debounce_ms=20)
    try:
        assert host.state("live") is State.ERROR
        (folder / "main.py").write_text(source("v1"))
        assert outcomes.arrived.wait(10)
        assert outcomes.seen[0].restarted
        assert host.call_tool("live.version") == "v1"
    finally:
        watcher.stop()
        host.stop()


def test_the_watcher_loads_a_new_folder_and_unloads_a_removed_one(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "live", source("v1"))
    host = started_host(tmp_path)
    outcomes = Outcomes()
    arrived = outcomes.arrived
    watcher = host.watch(on_reload=outcomes, debounce_ms=20)
    try:
        write_plugin(plugins, "newcomer", source("n1"))
        assert arrived.wait(10), "no arrival"
        wait_for_state(host, "newcomer", State.ACTIVE)
        assert host.call_tool("newcomer.version") == "n1"
        assert any(o.added and o.plugin == "newcomer" for o in outcomes.seen)

        arrived.clear()
        shutil.rmtree(plugins / "newcomer")
        assert arrived.wait(10), f"no departure: {outcomes.seen}"
        wait_for_state(host, "newcomer", State.UNLOADED)
        assert host.call_tool("live.version") == "v1"
    finally:
        watcher.stop()
        host.stop()


HOARDING = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    def export_state(self):
        return ["x" * 1000] * 2000

    @tool
    def version(self) -> str:
        return "VERSION"
"""


def test_an_oversized_exported_state_is_refused(tmp_path):
    folder = write_plugin(
        tmp_path / "plugins",
        "hoarder",
        HOARDING.replace("VERSION", "v1"),
        extra="\n[limits]\noutput-bytes = 100000\n",
    )
    host = started_host(tmp_path)
    try:
        (folder / "main.py").write_text(
            textwrap.dedent(HOARDING.replace("VERSION", "v2"))
        )
        with pytest.raises(ReloadError, match="more than its output-bytes"):
            host.reload("hoarder")
        assert host.call_tool("hoarder.version") == "v1"
    finally:
        host.stop()
