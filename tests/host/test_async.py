"""
Coroutines in plugins: async tools, hooks and agents run to their end
inside the host's call, under its budget, in both tiers, and plugin code
never reaches the event loop.
"""

import asyncio

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import PluginCallError


ASYNC_PLUGIN = """
import asyncio
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.seen = []

    @tool
    async def fetch_all(self, names: list) -> dict:
        async def one(name):
            await asyncio.sleep(0.001)
            return name.upper()
        results = await asyncio.gather(*(one(n) for n in names))
        return {"results": results}

    @tool
    async def slow(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "woke"

    @tool
    async def spin(self) -> int:
        n = 0
        while True:
            n += 1

    @tool
    async def loop_of_the_host(self) -> str:
        fut = asyncio.sleep(0)
        return repr(fut.__await__().send(None))

    @hook("tool.called")
    async def on_called(self, event):
        await asyncio.sleep(0)
        self.seen.append(event.payload["tool"])

    @tool
    def seen_calls(self) -> list:
        return self.seen
"""

SUBPROCESS = '\nisolation = "subprocess"\n'


def _host(tmp_path, isolated=False):
    plugins = tmp_path / "plugins"
    folder = write_plugin(plugins, "aio", ASYNC_PLUGIN)
    if isolated:
        manifest = folder / "plugin.toml"
        text = manifest.read_text()
        manifest.write_text(
            text.replace('kind = "tool"\n', 'kind = "tool"' + SUBPROCESS, 1)
        )
    return started_host(tmp_path)


@pytest.mark.parametrize(
    "isolated", [False, True], ids=["in-process", "isolated"]
)
def test_an_async_tool_runs_to_its_end(tmp_path, isolated):
    """The host drives the coroutine; gather runs the parts side by side."""
    host = _host(tmp_path, isolated)
    try:
        assert host.call_tool("aio.fetch_all", names=["a", "b"]) == {
            "results": ["A", "B"]
        }
        assert host.call_tool("aio.slow", seconds=0.01) == "woke"
    finally:
        host.stop()


def test_an_async_hook_is_driven_too(tmp_path):
    """A hook written with async def runs before emit returns."""
    host = _host(tmp_path)
    try:
        host.call_tool("aio.slow", seconds=0)
        assert "aio.slow" in host.call_tool("aio.seen_calls")
    finally:
        host.stop()


def test_waiting_past_the_budget_fails_the_call(tmp_path):
    """An await longer than the call's time ends as out of time."""
    plugins = tmp_path / "plugins"
    write_plugin(
        plugins, "aio", ASYNC_PLUGIN, extra="[limits]\ntimeout-ms = 300\n"
    )
    host = started_host(tmp_path)
    try:
        with pytest.raises(PluginCallError, match="time budget"):
            host.call_tool("aio.slow", seconds=30)
        with pytest.raises(PluginCallError, match="time budget"):
            host.call_tool("aio.spin")
        # The plugin keeps serving.
        assert host.call_tool("aio.slow", seconds=0) == "woke"
    finally:
        host.stop()


def test_stepping_an_awaitable_by_hand_reaches_nothing(tmp_path):
    """send() on the sandbox's awaitable is refused at __await__."""
    host = _host(tmp_path)
    try:
        with pytest.raises(PluginCallError, match="'__await__'"):
            host.call_tool("aio.loop_of_the_host")
    finally:
        host.stop()


def test_acall_tool_from_a_running_loop(tmp_path):
    """An async application awaits calls without blocking its loop."""
    host = _host(tmp_path)

    async def application():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.001)
                ticks += 1

        running = asyncio.create_task(ticker())
        result = await host.acall_tool("aio.slow", seconds=0.05)
        running.cancel()
        return result, ticks

    try:
        result, ticks = asyncio.run(application())
        assert result == "woke"
        assert ticks > 0
        # Called synchronously from inside a loop, the coroutine gets a
        # loop of its own in a helper thread.

        async def blocking():
            return host.call_tool("aio.fetch_all", names=["x"])

        assert asyncio.run(blocking()) == {"results": ["X"]}
    finally:
        host.stop()
