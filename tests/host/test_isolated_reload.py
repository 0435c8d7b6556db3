"""
An isolated plugin reloaded while it is being called: calls in flight
finish on the old worker, the new one takes over, the old one closes once
drained, and no racing move of the plugin's state escapes as a host bug.
"""

import threading
import time

from tests.host.test_host import started_host, write_plugin
from tests.host.test_isolated import process_exists
from tests.host.test_reload import source

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State
from acc_plugins.host.isolation._isolated import Worker


ISOLATED = 'isolation = "subprocess"\n'


def worker_of(host: PluginHost, name: str) -> Worker:
    """
    The worker serving *name* now.
    """
    worker = host._plugins.records[name].remote
    assert worker is not None
    return worker


def hammer(host, name, stop, seen, failures):
    """
    Call *name* until *stop* is set, keeping answers and failures.
    """
    while not stop.is_set():
        try:
            seen.append(host.call_tool(name))
        except Exception as exc:  # noqa: BLE001 -- counted, not raised
            failures.append(exc)


def test_calls_during_reloads_finish_and_no_worker_survives_stop(tmp_path):
    """Reloads under three callers: no call fails but by naming the reload,
    the plugin stays active, and stop() leaves no worker of any version."""
    # A generous budget: on a loaded machine a new worker's load may take
    # seconds, and this test is about the swap, not about deadlines.
    folder = write_plugin(
        tmp_path / "plugins",
        "live",
        source("v0"),
        extra=ISOLATED + "[limits]\ntimeout-ms = 60000\n",
    )
    host = started_host(tmp_path)
    pids = {worker_of(host, "live").pid}
    stop = threading.Event()
    seen: list[object] = []
    failures: list[Exception] = []
    callers = [
        threading.Thread(
            target=hammer, args=(host, "live.version", stop, seen, failures)
        )
        for _ in range(3)
    ]
    for caller in callers:
        caller.start()
    try:
        for n in range(1, 9):
            (folder / "main.py").write_text(source(f"v{n}"))
            host.reload("live")
            assert host.state("live") is State.ACTIVE
            pids.add(worker_of(host, "live").pid)
            served = len(seen)
            deadline = time.monotonic() + 30
            while len(seen) < served + 3 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        stop.set()
        for caller in callers:
            caller.join()
    try:
        unexplained = [
            f
            for f in failures
            if not (isinstance(f, PluginCallError) and "reloaded" in str(f))
        ]
        assert unexplained == []
        assert host.state("live") is State.ACTIVE
        assert host.call_tool("live.version") == "v8"
        assert len(pids) == 9
    finally:
        host.stop()
    assert [pid for pid in pids if process_exists(pid)] == []


SLOW = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def total(self, rounds: int) -> int:
        total = 0
        for _ in range(rounds):
            total += sum(range(10**7))
        return total
"""


def test_a_retired_worker_closes_once_its_call_is_done(tmp_path):
    """The call in flight finishes on the retired worker; then it closes."""
    write_plugin(
        tmp_path / "plugins",
        "slow",
        SLOW,
        extra=ISOLATED + "[limits]\ntimeout-ms = 20000\n",
    )
    host = started_host(tmp_path)
    try:
        worker = worker_of(host, "slow")
        answers = []
        call = threading.Thread(
            target=lambda: answers.append(
                host.call_tool("slow.total", rounds=8)
            )
        )
        call.start()
        deadline = time.monotonic() + 30
        while worker._users == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        worker.retire()
        assert worker.alive  # still serving the call
        call.join()
        assert answers == [8 * sum(range(10**7))]
        assert worker.stopped
        assert not worker.alive
    finally:
        host.stop()
