"""
Racing moves of a plugin's state: the first one stands, the others are
dropped, and no raw ``ValueError`` from the state machine reaches a caller.
"""

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.host.test_host import BOTH_TIERS, ECHO, started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import State
from acc_plugins.host.gate._quarantine import QuarantineList
from acc_plugins.host.isolation import _tier as _hostisolation


SNEAKY = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    def on_activate(self):
        try:  # reaches for a tool it never asked for, and hides it
            self.ctx.tools.call("other.secret")
        except Exception:
            pass

    @tool
    def hello(self) -> str:
        return "hi"
"""


def at_once(count: int, action: Callable[[], object]) -> list[object]:
    """
    Run *action* in *count* threads released together; what each returned
    or raised.
    """
    barrier = threading.Barrier(count)
    outcomes: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(action())
        except Exception as exc:  # noqa: BLE001 -- what the tests look for
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@BOTH_TIERS
def test_a_plugin_quarantined_while_activating_stays_out(tmp_path, isolation):
    """start() neither raises nor registers a plugin its own code got
    quarantined (or failed, in its worker) on the way to active."""
    write_plugin(tmp_path / "plugins", "sneaky", SNEAKY, extra=isolation)
    host = started_host(tmp_path)
    try:
        assert host.state("sneaky") in {State.QUARANTINED, State.ERROR}
        assert [t.name for t in host.tools()] == []
    finally:
        host.stop()


def test_racing_quarantines_move_the_plugin_once(tmp_path, monkeypatch):
    """Eight threads quarantining one plugin at once: one move, one audit
    entry, no ValueError."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    host = started_host(tmp_path)
    add = QuarantineList.add

    def slow_add(*args, **kwargs):
        time.sleep(0.05)  # every thread passes the state check first
        add(*args, **kwargs)

    monkeypatch.setattr(QuarantineList, "add", slow_add)
    record = host._plugins.records["echo"]

    outcomes = at_once(
        8, lambda: host._parts.security.quarantine(record, "breaches")
    )
    try:
        assert outcomes == [None] * 8
        assert host.state("echo") is State.QUARANTINED
        moves = [
            t
            for t in record.lifecycle.history
            if t.target is State.QUARANTINED
        ]
        assert len(moves) == 1
        entries = list(host.audit_log.entries(kind="quarantine"))
        assert [e.plugin for e in entries] == ["echo"]
    finally:
        host.stop()


def test_a_failure_racing_a_quarantine_never_raises(tmp_path, monkeypatch):
    """Quarantine first, then a failure that passed its check earlier: the
    quarantine stands and nothing escapes."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    host = started_host(tmp_path)
    try:
        record = host._plugins.records["echo"]
        host._parts.security.quarantine(record, "violation")
        assert record.lifecycle.move_if(State.ERROR, "late") is None
        assert host.state("echo") is State.QUARANTINED
        with pytest.raises(ValueError, match="cannot go from quarantined"):
            record.lifecycle.move(State.ERROR, "a host bug")
    finally:
        host.stop()


def test_callers_racing_to_restart_a_crashed_worker_all_get_answers(
    tmp_path, monkeypatch
):
    """After the backoff, four callers at once: one restarts the worker,
    the others wait for it, and every call is answered."""
    monkeypatch.setattr(_hostisolation, "RESTART_BACKOFF_SECONDS", 0.01)
    write_plugin(
        tmp_path / "plugins",
        "echo",
        ECHO,
        extra='isolation = "subprocess"\n',
    )
    host = started_host(tmp_path)
    try:
        worker = host._plugins.records["echo"].remote
        assert worker is not None
        os.kill(worker.pid or 0, signal.SIGKILL)
        with pytest.raises(PluginCallError, match="the worker died"):
            host.call_tool("echo.echo", text="x")
        time.sleep(0.05)  # past the backoff

        answers = at_once(4, lambda: host.call_tool("echo.echo", text="back"))

        assert answers == [["back"]] * 4
        assert host.state("echo") is State.ACTIVE
    finally:
        host.stop()


@BOTH_TIERS
def test_racing_activations_activate_once(tmp_path, isolation):
    """Four threads activating one deactivated plugin: one activates it
    (one worker for an isolated plugin), the others are told it is
    active."""
    write_plugin(tmp_path / "plugins", "echo", ECHO, extra=isolation)
    host = started_host(tmp_path)
    try:
        host.deactivate("echo")
        outcomes = at_once(4, lambda: host.activate("echo"))

        assert outcomes.count(None) == 1
        refusals = [o for o in outcomes if o is not None]
        assert all("is active, not deactivated" in str(o) for o in refusals)
        assert host.state("echo") is State.ACTIVE
        if isolation:
            assert len(_our_workers()) == 1
        assert host.call_tool("echo.echo", text="x") == ["x"]
    finally:
        host.stop()


def _our_workers() -> list[int]:
    """
    The worker processes this test process started that still run.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
            parent = int(stat.rsplit(b")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"_worker" in command:
            found.append(int(entry.name))
    return found
