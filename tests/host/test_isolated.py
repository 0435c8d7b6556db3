"""
The isolated tier: a plugin with ``isolation = "subprocess"`` runs in a
worker process of its own, under operating-system limits.
"""

import os
import signal
import time

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import (
    PermissionDenied,
    PluginCallError,
    ToolArgumentError,
)
from acc_plugins.host import FakeClaude, State
from acc_plugins.host.isolation import _tier as _hostisolation


WORKER = """
import itertools

from acc_plugins.sdk import Plugin, Step, ToolError, Workflow, agent, hook, tool

class Main(Plugin):
    workflows = (
        Workflow(
            name="twice",
            inputs=("word",),
            steps=(
                Step(tool="echo", arguments={"text": "${input.word}", "times": 2},
                     save_as="words"),
                Step(agent="helper", task="${words}", save_as="answer"),
            ),
            output="${answer}",
        ),
    )

    def __init__(self):
        self.seen = []

    @tool
    def echo(self, text: str, times: int = 1) -> list[str]:
        \"\"\"Repeat a text.\"\"\"
        if times < 0:
            raise ToolError("times must not be negative")
        return [text] * times

    @tool
    def ask(self, task: str) -> str:
        return self.ctx.claude.query(task)

    @tool
    def remember(self, value: int) -> list:
        self.ctx.storage.set("v", [value])
        return self.ctx.storage.get("v")

    @tool
    def spin(self) -> int:
        # Minutes of sums inside one call into C that no Python bytecode
        # interrupts, so no in-process watchdog can stop it.  Only the
        # end of the worker can.
        return max(itertools.chain.from_iterable([range(10**7)] * 1000))

    @tool
    def hog(self) -> int:
        chunks = []
        while True:
            chunks.append("x" * (64 * 1024 * 1024))

    @tool
    def grab(self) -> int:
        # One allocation in C of about 360 MB, past memory-mb.
        return len([list(range(10**7)), list(range(10**7))])

    @hook("session.*")
    def on_session(self, event):
        self.seen.append(event.name)

    @tool
    def reach(self) -> object:
        return self.ctx.tools.call("elsewhere.secret")

    @tool
    def seen_events(self) -> list:
        return self.seen

    @agent(system_prompt="Be brief.")
    def helper(self, task: str) -> str:
        return self.ctx.claude.query("helper: " + task)
"""

MANIFEST = """
[permissions]
host = ["claude.query"]

[limits]
timeout-ms = 1500
memory-mb = 256
"""


@pytest.fixture(name="host")
def _host(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "worker",
        WORKER,
        extra=MANIFEST,
        entry="main:Main",
    )
    manifest = tmp_path / "plugins" / "worker" / "plugin.toml"
    text = manifest.read_text().replace(
        'kind = "tool"\n', 'kind = "tool"\nisolation = "subprocess"\n', 1
    )
    manifest.write_text(text)
    claude = FakeClaude()
    host = started_host(tmp_path, claude=claude)
    host.fake_claude = claude  # type: ignore[attr-defined]
    yield host
    host.stop()


def test_tools_run_in_the_worker(host):
    """Calls, schema validation and tool errors behave as in-process."""
    assert host.state("worker") is State.ACTIVE
    assert "worker.echo" in [t.name for t in host.tools()]
    assert host.call_tool("worker.echo", text="hi", times=2) == ["hi", "hi"]
    with pytest.raises(ToolArgumentError):
        host.call_tool("worker.echo", times=2)
    with pytest.raises(PluginCallError, match="times must not be negative"):
        host.call_tool("worker.echo", text="x", times=-1)
    assert host.state("worker") is State.ACTIVE


def test_capabilities_are_served_by_the_parent(host):
    """ctx.claude goes through the host's provider and its permission check."""
    answer = host.call_tool("worker.ask", task="three little words")
    assert answer.startswith("[fake-claude]")
    assert host.fake_claude.queries[-1][1] == "three little words"
    assert host.call_tool("worker.remember", value=7) == [7]


def test_agents_and_hooks_run_in_the_worker(host):
    assert "worker.helper" in host.agents()

    assert host.run_agent("worker.helper", "go").startswith("[fake-claude]")
    assert host.fake_claude.queries[-1][1] == "helper: go"
    host.emit("session.started", {"id": 1})
    assert host.call_tool("worker.seen_events") == ["session.started"]


def test_workflows_run_in_the_host_against_the_worker(host):
    """A workflow is data: the host runs it, each step goes to the worker."""
    answer = host.run_workflow("worker.twice", word="hey")
    assert answer.startswith("[fake-claude]")
    assert host.fake_claude.queries[-1][1].startswith("helper: ")
    assert "hey" in host.fake_claude.queries[-1][1]


def test_info_shows_what_the_worker_offers(host):
    info = host.info("worker")
    assert "worker.echo" in info.tools
    assert info.agents == ("worker.helper",)
    assert info.workflows == ("worker.twice",)
    assert info.hooks == ("session.*",)


def test_a_c_level_loop_is_ended_within_the_deadline(host):
    """What the in-process watchdog cannot stop, ending the worker does."""
    started = time.monotonic()
    with pytest.raises(PluginCallError, match="stopped answering"):
        host.call_tool("worker.spin")
    # timeout-ms = 1500 plus the slack the host allows a worker to answer.
    assert time.monotonic() - started < 1.5 + 2 + 1
    assert host.state("worker") is State.ERROR

    host.restart("worker")
    assert host.call_tool("worker.echo", text="back") == ["back"]


def test_memory_built_up_in_a_loop_meets_the_memory_budget(host):
    """The sandbox's check or, a step later, the worker's cap stops it."""
    with pytest.raises(
        PluginCallError, match=r"more than its memory budget|MemoryError"
    ):
        host.call_tool("worker.hog")
    assert host.call_tool("worker.echo", text="still") == ["still"]


def test_memory_is_capped_by_the_operating_system(host):
    """Past memory-mb the plugin gets MemoryError; the host never does."""
    host.call_tool("worker.echo", text="warm")
    with pytest.raises(PluginCallError, match="MemoryError"):
        host.call_tool("worker.grab")
    assert host.call_tool("worker.echo", text="still") == ["still"]

    # The cap is what the worker held once loaded, plus memory-mb
    # (256 MB here), plus a margin smaller than the budget.
    memory = host._plugins.records["worker"].remote.confinement["memory"]
    assert memory["vm_kb"] + 256 * 1024 < memory["cap_kb"]
    assert memory["cap_kb"] < memory["vm_kb"] + 2 * 256 * 1024
    assert memory["cap_kb"] <= memory["load_cap_kb"]
    peak = host.stats()[0].peak_memory_mb
    assert peak < memory["cap_kb"] / 1024


def test_the_worker_reports_its_confinement(host):
    """The host keeps what the worker's operating-system layer applied."""
    confinement = host._plugins.records["worker"].remote.confinement

    assert confinement["no_new_privs"] is True
    assert confinement["limits"]["open_files"] == 64
    assert confinement["limits"]["core_bytes"] == 0
    for layer in ("landlock", "seccomp"):
        applied = confinement[layer]["applied"]
        assert applied or confinement[layer]["reason"]


def worker_pid(host, name):
    return host._plugins.records[name].remote.pid


def test_a_killed_worker_fails_the_plugin_not_the_host(host):
    os.kill(worker_pid(host, "worker"), signal.SIGKILL)
    with pytest.raises(PluginCallError, match="the worker died"):
        host.call_tool("worker.echo", text="x")
    assert host.state("worker") is State.ERROR
    assert host.info("worker").last_error.kind == "WorkerGone"


def test_a_crashed_worker_restarts_with_backoff(host, monkeypatch):
    """The first call after the backoff restarts the worker; crashes in a
    row double the wait; an answer starts the count afresh."""
    monkeypatch.setattr(_hostisolation, "RESTART_BACKOFF_SECONDS", 0.3)
    os.kill(worker_pid(host, "worker"), signal.SIGKILL)
    with pytest.raises(PluginCallError, match="the worker died"):
        host.call_tool("worker.echo", text="x")

    with pytest.raises(
        PluginCallError, match=r"next restart may run in 0\.[0-3]"
    ):
        host.call_tool("worker.echo", text="x")
    time.sleep(0.35)
    assert host.call_tool("worker.echo", text="back") == ["back"]
    assert host.state("worker") is State.ACTIVE

    # Two crashes without an answer between them: the wait doubles.
    os.kill(worker_pid(host, "worker"), signal.SIGKILL)
    with pytest.raises(PluginCallError, match="the worker died"):
        host.call_tool("worker.echo", text="x")
    time.sleep(0.35)
    with pytest.raises(PluginCallError, match="stopped answering"):
        host.call_tool("worker.spin")  # restarts it, then overruns
    with pytest.raises(
        PluginCallError, match=r"next restart may run in 0\.[4-6]"
    ):
        host.run_agent("worker.helper", "hi")
    time.sleep(0.65)
    assert host.run_agent("worker.helper", "hi").startswith("[fake-claude]")
    assert host.info("worker").last_error is None


def test_an_event_its_hooks_want_restarts_a_crashed_worker(host, monkeypatch):
    monkeypatch.setattr(_hostisolation, "RESTART_BACKOFF_SECONDS", 0.2)
    os.kill(worker_pid(host, "worker"), signal.SIGKILL)
    with pytest.raises(PluginCallError, match="the worker died"):
        host.call_tool("worker.echo", text="x")

    assert host.emit("session.started", {"id": 1}) == 0  # backoff: not yet
    assert host.emit("other.thing") == 0  # not wanted: left alone
    time.sleep(0.25)
    assert host.state("worker") is State.ERROR

    assert host.emit("session.started", {"id": 2}) == 1
    assert host.state("worker") is State.ACTIVE
    assert host.call_tool("worker.seen_events") == ["session.started"]


def test_deactivate_ends_the_worker_and_activate_starts_one(host):
    first = worker_pid(host, "worker")
    host.deactivate("worker")
    assert host.state("worker") is State.DEACTIVATED
    assert not process_exists(first)

    host.activate("worker")
    assert worker_pid(host, "worker") != first
    assert host.call_tool("worker.echo", text="again") == ["again"]


def test_stop_leaves_no_worker_behind(host):
    pid = worker_pid(host, "worker")
    host.stop()
    assert not process_exists(pid)


def process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers signal 0 until reaped; the host reaps.
    return True


def test_the_host_checks_a_workers_requests_again(host):
    """A worker that lost its sandbox still cannot reach past its grants."""
    record = host._plugins.records["worker"]
    forged = {"op": "call_tool", "tool": "elsewhere.secret", "arguments": {}}

    with pytest.raises(
        PermissionDenied, match=r"host:tools:elsewhere\.secret"
    ):
        host._parts.tier.serve(record, forged)

    # Asking for what the manifest never requested quarantines the plugin.
    assert host.state("worker") is State.QUARANTINED


def test_a_quarantine_in_the_worker_is_mirrored_in_the_host(host):
    with pytest.raises(PluginCallError, match=r"host:tools:elsewhere\.secret"):
        host.call_tool("worker.reach")
    assert host.state("worker") is State.QUARANTINED
    assert not [t for t in host.tools() if t.name.startswith("worker.")]
