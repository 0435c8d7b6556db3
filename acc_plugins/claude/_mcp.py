"""
The host's tools and agents as an MCP server, so that Claude Code (or any
MCP client) can call them: ``claude mcp add acc-plugins -- acc-plugins mcp``.

Each tool keeps its name (``text-tools.slugify``), description and JSON
Schema from the SDK; each agent becomes a tool named
``agent.<plugin>.<agent>`` that takes a ``task``.  Every call goes
through the host as any other does (grants, budgets, audit, quarantine),
in a worker thread, so that a slow plugin does not hold the server's
event loop.  A failure the plugin or the host reports is a tool result
with ``is_error`` set, which the model reads and can act on; only a name
that was never listed is a protocol error.  When the tools change while
a client is connected, the client is told (``_changes``).
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any, Final

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.stdio import stdio_server

from acc_plugins.errors import PluginError

from ._changes import ToolChanges, greet_initialized
from ._names import McpNames, claude_limit


if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from mcp.server.context import ServerRequestContext
    from mcp.server.models import InitializationOptions

    from acc_plugins.host import PluginHost

AGENT_PREFIX: Final = "agent."

_TASK_SCHEMA: Final = {
    "type": "object",
    "properties": {
        "task": {"type": "string", "description": "What to ask the agent."}
    },
    "required": ["task"],
    "additionalProperties": False,
}


class McpBridge:
    """
    What the MCP server asks of the host: the tools to list, and calls.

    Args:
        host: A started host.

        names: How the host's names become MCP tool names.
    """

    def __init__(
        self, host: PluginHost, *, names: McpNames | None = None
    ) -> None:
        self._host = host
        self._names = McpNames() if names is None else names
        # MCP name -> (an agent?, the host's name), as last listed: a
        # shortened name maps back only through it.
        self._listed: dict[str, tuple[bool, str]] = {}

    def __repr__(self) -> str:
        return f"<McpBridge {self._host!r}>"

    @property
    def names(self) -> McpNames:
        """
        How it names the host's tools and agents.
        """
        return self._names

    @property
    def host(self) -> PluginHost:
        """
        The host it serves.
        """
        return self._host

    def tools(self) -> list[types.Tool]:
        """
        Every tool and agent of the active plugins, sorted by name.
        """
        listed: dict[str, tuple[bool, str, str, dict[str, Any]]] = {}
        for info in self._host.tools():
            listed[self._names.tool(info.name)] = (
                False,
                info.name,
                info.description,
                dict(info.schema),
            )
        for name in self._host.agents():
            listed[self._names.agent(name)] = (
                True,
                name,
                f"Ask the agent {name} to do a task.",
                _TASK_SCHEMA,
            )
        self._listed = {
            mcp_name: (is_agent, name)
            for mcp_name, (is_agent, name, _, _) in listed.items()
        }
        return [
            types.Tool(
                name=mcp_name,
                # A shortened name still says whose it is.
                description=description
                if self._names.target(mcp_name) == (is_agent, name)
                else f"({name}) {description}",
                input_schema=schema,
            )
            for mcp_name, (is_agent, name, description, schema) in sorted(
                listed.items()
            )
        ]

    def _target(self, mcp_name: str) -> tuple[bool, str]:
        found = self._listed.get(mcp_name)
        if found is None:  # listed before a change, or never: look again
            self.tools()
            found = self._listed.get(mcp_name)
        return self._names.target(mcp_name) if found is None else found

    def call(
        self, name: str, arguments: dict[str, Any]
    ) -> types.CallToolResult:
        """
        Call tool or agent *name* (an MCP name, as listed); a failure is
        an error result.
        """
        is_agent, target = self._target(name)
        try:
            if is_agent:
                task = arguments.get("task")
                if not isinstance(task, str):
                    return _error(f"{name}: argument 'task' must be a string")
                value = self._host.run_agent(target, task)
            else:
                value = self._host.call_tool(target, **arguments)
        except PluginError as exc:
            return _error(str(exc))
        text = value if isinstance(value, str) else json.dumps(value)
        return types.CallToolResult(
            content=[types.TextContent(text=text)],
            structured_content={"result": value},
        )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(text=message)], is_error=True
    )


class _ChangingServer(Server[ToolChanges]):
    """
    A ``Server`` whose handshake says its tool list changes
    (``tools.listChanged``), whoever builds the initialization options.
    """

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        """
        The SDK's options, with ``tools.listChanged`` by default.
        """
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )


def mcp_server(host: PluginHost, *, name: str = "acc-plugins") -> Server[Any]:
    """
    An MCP server (the ``mcp`` SDK's low-level ``Server``) over *host*'s
    tools and agents; run it on any transport the SDK offers.

    While it serves, a change of the tools it offers (a plugin added,
    removed, reloaded, enabled, disabled or failing) is announced to the
    client: ``notifications/tools/list_changed``, or, to a 2026-07-28
    client, on the ``subscriptions/listen`` stream it opened.

    A name that would make Claude's ``mcp__<name>__<tool>`` longer than
    the API's 64 characters is shortened (``_names``).

    Args:
        host: A started host; the server calls into it from worker
            threads.

        name: The server's name, as the client knows it (``claude mcp
            add NAME``).
    """
    names = McpNames(limit=claude_limit(name))
    return bridge_server(McpBridge(host, names=names), name)


def bridge_server(bridge: McpBridge, name: str) -> Server[Any]:
    """
    The MCP server called *name* that lists and calls through *bridge*,
    each request in a worker thread.
    """
    agent = bridge.names.agent("PLUGIN.AGENT")
    from acc_plugins import __version__  # noqa: PLC0415 -- a cycle otherwise

    @contextlib.asynccontextmanager
    async def following(
        _server: Server[ToolChanges],
    ) -> AsyncIterator[ToolChanges]:
        async with ToolChanges(bridge.host, bridge.tools).running() as changes:
            yield changes

    async def listen(
        ctx: ServerRequestContext[ToolChanges],
        params: types.SubscriptionsListenRequestParams,
    ) -> types.SubscriptionsListenResult:
        return await ctx.lifespan_context.listen(ctx, params)

    async def list_tools(
        _ctx: ServerRequestContext[Any],
        _params: types.PaginatedRequestParams | None,
    ) -> types.ListToolsResult:
        tools = await anyio.to_thread.run_sync(bridge.tools)
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        _ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        arguments = dict(params.arguments or {})
        return await anyio.to_thread.run_sync(
            bridge.call, params.name, arguments
        )

    server = _ChangingServer(
        name,
        version=__version__,
        instructions=(
            "Tools of the plugins of automatic-claude-code, each run in a "
            f"sandbox; tools named {agent} ask a plugin's agent."
        ),
        lifespan=following,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_subscriptions_listen=listen,
    )
    server.middleware.append(greet_initialized)
    return server


def serve_stdio(
    host: PluginHost, *, watch: bool = False, name: str = "acc-plugins"
) -> None:
    """
    Serve *host*'s tools over standard input and output until the client
    closes them.

    Args:
        host: A started host.

        watch: Also follow the plugins' folders while serving, as
            ``host.watch()`` does: a plugin whose files change is
            reloaded, one whose folder appears is loaded, and the client
            is told when that changes the tools.

        name: The server's name, as the client knows it.
    """
    server = mcp_server(host, name=name)

    async def run() -> None:
        async with stdio_server() as (read, write):
            await server.run(
                read, write, server.create_initialization_options()
            )

    if not watch:
        anyio.run(run)
        return
    with host.watch():
        anyio.run(run)
