"""
A tool call through ``acc-plugins mcp`` against the round trip of an echo
tool written directly with the ``mcp`` SDK: both servers run as
subprocesses on stdio, each with one client session of the SDK's own
client, and their calls take turns in the same rounds.

(Not named ``mcp.py``: this folder is on ``sys.path`` when ``run.py``
runs, and the module would hide the SDK.)
"""

from __future__ import annotations

import sys
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
from _interleave import calibrate, interleave, timed
from _report import Row, ratio_row


if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal
    from mcp.client.session import ClientSession


_DIRECT_SERVER = """\
import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

TOOL = types.Tool(
    name="echo.echo",
    description="Give the text back.",
    input_schema={
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    },
)


async def list_tools(ctx, params):
    return types.ListToolsResult(tools=[TOOL])


async def call_tool(ctx, params):
    text = params.arguments["text"]
    return types.CallToolResult(
        content=[types.TextContent(text=text)],
        structured_content={"result": text},
    )


server = Server("echo", on_list_tools=list_tools, on_call_tool=call_tool)


async def main():
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


anyio.run(main)
"""

_MANIFEST = """\
[plugin]
name = "echo"
version = "1.0.0"
description = "Echo."
entry = "echo:Echo"
kind = "tool"
"""

_PLUGIN = """\
from acc_plugins.sdk import Plugin, tool


class Echo(Plugin):
    @tool
    def echo(self, text: str) -> str:
        \"\"\"Give the text back.\"\"\"
        return text
"""


def _servers(home: Path) -> tuple[list[str], list[str]]:
    script = home / "direct.py"
    script.write_text(_DIRECT_SERVER)
    plugin = home / "plugins" / "echo"
    plugin.mkdir(parents=True)
    (plugin / "plugin.toml").write_text(_MANIFEST)
    (plugin / "echo.py").write_text(_PLUGIN)
    ours = [
        str(Path(sys.executable).with_name("acc-plugins")),
        f"--path={home / 'plugins'}",
        f"--cache-dir={home / 'cache'}",
        f"--data-dir={home / 'data'}",
        f"--config-dir={home / 'config'}",
        "mcp",
    ]
    return [sys.executable, str(script)], ours


async def _hold(
    commands: list[list[str]],
    home: Path,
    done: anyio.Event,
    *,
    task_status: anyio.abc.TaskStatus[list[ClientSession]],
) -> None:
    # One task opens and closes every session: the SDK's transports keep
    # cancel scopes that must be left in the task that entered them.
    from mcp.client.session import ClientSession  # noqa: PLC0415 -- optional
    from mcp.client.stdio import (  # noqa: PLC0415
        StdioServerParameters,
        stdio_client,
    )

    async with AsyncExitStack() as stack:
        sessions = []
        for command in commands:
            server = StdioServerParameters(
                command=command[0], args=command[1:], env={"HOME": str(home)}
            )
            read, write = await stack.enter_async_context(stdio_client(server))
            session = await stack.enter_async_context(
                ClientSession(read, write)
            )
            await session.initialize()
            sessions.append(session)
        task_status.started(sessions)
        await done.wait()


def _caller(portal: BlockingPortal, session: ClientSession) -> Any:
    async def call() -> object:
        result = await session.call_tool("echo.echo", {"text": "ping"})
        assert result.structured_content == {"result": "ping"}, result
        return result

    return lambda: portal.call(call)


def bench_mcp(rounds: int) -> list[Row]:
    """
    ``acc-plugins mcp`` against a server written with the ``mcp`` SDK.
    """
    try:
        import mcp  # noqa: F401, PLC0415 -- the extra is installed
        from anyio.from_thread import start_blocking_portal  # noqa: PLC0415
    except ImportError:
        return [Row("tool call over MCP", "skipped", note="no mcp package")]
    with tempfile.TemporaryDirectory() as name:
        home = Path(name)
        direct_command, our_command = _servers(home)
        with start_blocking_portal() as portal:
            done = portal.call(anyio.Event)
            future, (direct, ours) = portal.start_task(
                _hold, [direct_command, our_command], home, done
            )
            try:
                reference = _caller(portal, direct)
                measured = _caller(portal, ours)
                number = calibrate(reference)
                ratio = interleave(
                    timed(reference, number),
                    timed(measured, number),
                    rounds=rounds,
                    number=number,
                )
            finally:
                portal.call(done.set)
                future.result()
    row = ratio_row(
        "tool call through acc-plugins mcp / echo server on the mcp SDK",
        ratio,
        2.0,
    )
    note = (
        f"{ratio.measured * 1e3:.2f} ms a call against "
        f"{ratio.reference * 1e3:.2f} ms"
    )
    return [Row(row.case, row.value, row.spread, row.target, row.passed, note)]
