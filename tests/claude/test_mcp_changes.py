"""
The MCP server tells its clients when the tools change: the ``mcp`` SDK's
own clients, over ``acc-plugins mcp``'s stdio pipe while plugin folders
change on disk, and in process while the application changes the host.
"""

import logging
import shutil
import sys
import textwrap
from pathlib import Path

import anyio
import pytest


pytest.importorskip("mcp")

import mcp_types as types
from mcp import Client
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

import acc_plugins
from acc_plugins.host import PluginHost


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COMMAND = Path(sys.executable).with_name("acc-plugins")
# The command imports the code under test, not another copy installed.
CODE = Path(acc_plugins.__file__).resolve().parents[1]

ONE_TOOL = '''
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def shout(self, text: str) -> str:
        """Say it louder."""
        return text.upper()
'''

TWO_TOOLS = (
    ONE_TOOL
    + '''
    @tool
    def whisper(self, text: str) -> str:
        """Say it softer."""
        return text.lower()
'''
)


def _write_plugin(plugins: Path, name: str, source: str) -> None:
    """
    Put a plugin folder in *plugins* whole (built aside, then renamed), as
    an installer does, so the watcher never reads half of it.
    """
    staging = plugins.parent / f"staging-{name}"
    staging.mkdir()
    (staging / "plugin.toml").write_text(
        textwrap.dedent(
            f"""\
            [plugin]
            name = "{name}"
            version = "1.0.0"
            description = "A test plugin."
            entry = "main:Main"
            kind = "tool"
            """
        )
    )
    (staging / "main.py").write_text(source)
    staging.rename(plugins / name)


def _rewrite(path: Path, text: str) -> None:
    """
    Replace a file at once, as an editor's save does.
    """
    aside = path.with_name(f".{path.name}.new")
    aside.write_text(text)
    aside.replace(path)


class Heard:
    """
    The ``notifications/tools/list_changed`` a client received.
    """

    def __init__(self):
        self.count = 0
        self._changed = None

    async def __call__(self, message):
        if isinstance(message, types.ToolListChangedNotification):
            self.count += 1
            if self._changed is not None:
                self._changed.set()

    async def until_listed(self, client, wanted, *, after):
        """
        At each notification past the first *after*, list the tools
        again, until *wanted* (a test of the names) holds; return the
        names then.
        """
        seen = after
        while True:
            while self.count <= seen:
                self._changed = anyio.Event()
                await self._changed.wait()
            seen = self.count
            names = {tool.name for tool in (await client.list_tools()).tools}
            if wanted(names):
                return names


async def _names(client):
    return {tool.name for tool in (await client.list_tools()).tools}


def test_stdio_clients_hear_of_plugins_and_tools_appearing(tmp_path):
    """A new plugin folder, then a new tool in it: each is announced."""
    plugins = tmp_path / "plugins"
    shutil.copytree(
        EXAMPLES / "text-tools",
        plugins / "text-tools",
        ignore=shutil.ignore_patterns("__pycache__", "tests"),
    )
    server = StdioServerParameters(
        command=str(COMMAND),
        args=[
            f"--path={plugins}",
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
            "mcp",
        ],
        env={"HOME": str(tmp_path), "NO_COLOR": "1", "PYTHONPATH": str(CODE)},
    )
    heard = Heard()

    async def main():
        with (
            anyio.fail_after(120),
            (tmp_path / "stderr.txt").open("w") as errors,
        ):
            async with (
                stdio_client(server, errlog=errors) as (read, write),
                ClientSession(read, write, message_handler=heard) as session,
            ):
                started = await session.initialize()
                before = await _names(session)

                _write_plugin(plugins, "loud", ONE_TOOL)
                added = await heard.until_listed(
                    session, lambda names: "loud.shout" in names, after=0
                )
                count = heard.count
                _rewrite(plugins / "loud" / "main.py", TWO_TOOLS)
                grown = await heard.until_listed(
                    session, lambda names: "loud.whisper" in names, after=count
                )
                return started, before, added, grown

    started, before, added, grown = anyio.run(main)

    assert started.capabilities.tools.list_changed is True
    assert "loud.shout" not in before
    assert added - before == {"loud.shout"}
    assert grown - added == {"loud.whisper"}
    assert heard.count >= 2


@pytest.fixture(name="host")
def _host(tmp_path):
    """
    A started host over text-tools and code-reviewer.
    """
    for name in ("text-tools", "code-reviewer"):
        shutil.copytree(
            EXAMPLES / name,
            tmp_path / "plugins" / name,
            ignore=shutil.ignore_patterns("__pycache__", "tests"),
        )
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
        auto_update=False,
    ) as host:
        yield host


def test_an_in_process_client_hears_of_a_plugin_disabled(host):
    """The application disables a plugin: its agent is gone, and said so."""
    heard = Heard()

    async def main():
        with anyio.fail_after(60):
            async with Client(
                host.mcp_server(), mode="legacy", message_handler=heard
            ) as client:
                before = await _names(client)
                await anyio.to_thread.run_sync(
                    host.set_enabled, "code-reviewer", False
                )
                after = await heard.until_listed(
                    client,
                    lambda names: "agent.code-reviewer.review" not in names,
                    after=0,
                )
                return client.server_capabilities, before, after

    capabilities, before, after = anyio.run(main)

    assert capabilities.tools.list_changed is True
    assert "agent.code-reviewer.review" in before
    assert {n for n in after if n.startswith("text-tools.")} == {
        n for n in before if n.startswith("text-tools.")
    }
    assert heard.count == 1


def test_a_2026_client_hears_it_on_its_listen_stream(host):
    """A client of the 2026-07-28 protocol listens, and hears the change."""

    async def main():
        with anyio.fail_after(60):
            async with (
                Client(host.mcp_server()) as client,
                client.listen(tools_list_changed=True) as events,
            ):
                await anyio.to_thread.run_sync(
                    host.set_enabled, "code-reviewer", False
                )
                async for event in events:
                    names = await _names(client)
                    return client.protocol_version, event, names
        return None

    version, event, names = anyio.run(main)

    assert version == "2026-07-28"
    assert type(event).__name__ == "ToolsListChanged"
    assert "agent.code-reviewer.review" not in names


class Unchanged(logging.Handler):
    """
    Told when the server looked at the tools after host events and found
    them as they were (its debug line says so).
    """

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = anyio.Event()

    def emit(self, record):
        # The server logs it on its event loop: the test's thread.
        if "not announced" in record.getMessage():
            self.seen.set()


def test_nothing_is_announced_when_the_tools_stay_the_same(host):
    """A setting changed and an unchanged plugin reloaded: no notification."""
    heard = Heard()
    logger = logging.getLogger("acc_plugins.claude")

    def unchanged():
        host.configure("text-tools", "default_width", 60)
        host.reload("text-tools")

    async def main():
        unchanged_seen = Unchanged()
        logger.addHandler(unchanged_seen)
        logger.setLevel(logging.DEBUG)
        try:
            with anyio.fail_after(60):
                async with Client(
                    host.mcp_server(), mode="legacy", message_handler=heard
                ) as client:
                    await client.list_tools()
                    await anyio.to_thread.run_sync(unchanged)
                    # The server has looked at the tools since those events
                    # before the next change is made, so the two are not
                    # announced as one.
                    await unchanged_seen.seen.wait()
                    before = heard.count
                    await anyio.to_thread.run_sync(
                        host.set_enabled, "code-reviewer", False
                    )
                    await heard.until_listed(
                        client,
                        lambda names: (
                            "agent.code-reviewer.review" not in names
                        ),
                        after=0,
                    )
                    return before
        finally:
            logger.removeHandler(unchanged_seen)
            logger.setLevel(logging.NOTSET)

    before = anyio.run(main)

    assert before == 0
    assert heard.count == 1


def test_the_server_stops_listening_to_the_host_when_it_stops(host):
    """Once the client is gone, the host has no listener left."""
    bus = host._parts.events._bus

    async def main():
        async with Client(host.mcp_server(), mode="legacy") as client:
            await client.list_tools()
            return bus.has_listeners

    listened = anyio.run(main)

    assert listened is True
    assert bus.has_listeners is False
