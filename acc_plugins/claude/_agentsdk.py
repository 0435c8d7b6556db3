"""
The plugins inside a Claude Code session that an application runs with
the Claude Agent SDK (``pip install 'acc-plugins[agent-sdk]'``)::

    options = claude_options(host)
    async for message in query(prompt="...", options=options): ...

`sdk_mcp_server` serves the host's tools to Claude Code in process, on
the same bridge as ``acc-plugins mcp``; `subagents` turns the host's
agents into Claude Code subagents; `claude_options` puts both into the
SDK's options.

The Messages API takes tool names of letters, digits, ``_`` and ``-``
only, so each dot of a host's name becomes ``__`` here: Claude sees
``text-tools.slugify`` as ``mcp__acc-plugins__text-tools__slugify`` and
the agent ``code-reviewer.review`` as the tool
``mcp__acc-plugins__agent__code-reviewer__review`` (`claude_tool_name`).
Plugin names hold no ``_``, so every name maps back.

``claude_agent_sdk`` is imported when one of these functions runs, not
with ``acc_plugins.claude``, which needs only the ``mcp`` extra.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.claude._mcp import McpBridge, bridge_server
from acc_plugins.claude._names import McpNames, claude_limit
from acc_plugins.errors import PluginNotFoundError


if TYPE_CHECKING:
    from claude_agent_sdk import (
        AgentDefinition,
        ClaudeAgentOptions,
        McpSdkServerConfig,
    )

    from acc_plugins.host import AgentInfo, PluginHost

SERVER_NAME: Final = "acc-plugins"


def _names(server: str) -> McpNames:
    # Each dot of a host's name is "__" in an MCP tool's name, and the
    # whole of mcp__<server>__<tool> stays within Claude's limit.
    return McpNames(separator="__", limit=claude_limit(server))


def _require_sdk() -> None:
    try:
        import claude_agent_sdk  # noqa: F401, PLC0415 -- an optional extra
    except ModuleNotFoundError as exc:
        msg = (
            "the Claude Agent SDK adapter needs the agent-sdk extra: "
            "pip install 'acc-plugins[agent-sdk]'"
        )
        raise ModuleNotFoundError(msg, name=exc.name) from exc


def claude_tool_name(
    name: str, *, server: str = SERVER_NAME, agent: bool = False
) -> str:
    """
    The name Claude Code gives the host's tool *name* served by
    `sdk_mcp_server`, or, with *agent*, the tool that runs the host's
    agent *name*: what ``allowed_tools``, ``disallowed_tools`` and a
    subagent's ``tools`` list.

    Args:
        name: A namespaced name, such as ``text-tools.slugify``.

        server: The server's name in the options' ``mcp_servers``.

        agent: Whether *name* is an agent's.

    Returns:
        Such as ``mcp__acc-plugins__text-tools__slugify``.
    """
    names = _names(server)
    wire = names.agent(name) if agent else names.tool(name)
    return f"mcp__{server}__{wire}"


def sdk_mcp_server(
    host: PluginHost, *, name: str = SERVER_NAME
) -> McpSdkServerConfig:
    """
    The host's tools and agents as an in-process MCP server for the
    Agent SDK's ``mcp_servers`` option.

    Each active plugin's tool keeps its description and JSON Schema, and
    each agent is a tool that takes a ``task``, as with ``acc-plugins
    mcp``; only the names differ (see `claude_tool_name`).  Every call
    goes through the host (grants, budgets, audit, quarantine) in a
    worker thread, off the event loop, and a failure comes back as an
    error result with the host's message.

    Args:
        host: A started host.

        name: The server's name; give the same one as its key in
            ``mcp_servers``.

    Returns:
        ``{"type": "sdk", "name": name, "instance": server}``, where
        *server* is the ``mcp`` SDK's low-level ``Server``.
    """
    _require_sdk()
    server = bridge_server(McpBridge(host, names=_names(name)), name)
    return {"type": "sdk", "name": name, "instance": server}


def _delegation(mcp_tool: str) -> str:
    return (
        f"Pass the task you are given, unchanged and in full, to the tool "
        f"{mcp_tool}, and answer with what it returns. If it returns an "
        "error, answer with the error."
    )


def subagent(
    info: AgentInfo,
    *,
    available: frozenset[str],
    server: str = SERVER_NAME,
    run_in: str = "claude-code",
) -> AgentDefinition:
    """
    One agent of the host as a Claude Code subagent.

    An agent the host drives with its system prompt becomes a subagent
    that Claude Code runs with that prompt and only the tools the agent
    declares (those among *available*): the session's model answers, on
    the session's tokens.  An agent that the plugin's code drives, or any
    agent when *run_in* is ``"host"``, becomes a subagent that hands its
    task to the agent's tool on the server, so the host runs it: the
    plugin's code, what other plugins add to its prompt, its model
    budget and the host's own Claude provider.

    Args:
        info: What the host says of the agent (``host.describe_agent``).

        available: The namespaced tools the host offers now.

        server: The name of the `sdk_mcp_server` in ``mcp_servers``.

        run_in: ``"claude-code"`` or ``"host"``: who runs an agent that
            is only a system prompt.

    Raises:
        ValueError: If *run_in* is neither.
    """
    _require_sdk()
    from claude_agent_sdk import AgentDefinition  # noqa: PLC0415

    if run_in not in {"claude-code", "host"}:
        msg = f"run_in must be 'claude-code' or 'host', not {run_in!r}"
        raise ValueError(msg)
    description = info.description or f"The agent {info.name}."
    if info.scripted or not info.system_prompt or run_in == "host":
        tool = claude_tool_name(info.name, server=server, agent=True)
        return AgentDefinition(
            description=description, prompt=_delegation(tool), tools=[tool]
        )
    tools = [
        claude_tool_name(name, server=server)
        for name in info.tools
        if name in available
    ]
    return AgentDefinition(
        description=description, prompt=info.system_prompt, tools=tools
    )


def subagents(
    host: PluginHost, *, server: str = SERVER_NAME, run_in: str = "claude-code"
) -> dict[str, AgentDefinition]:
    """
    Every agent of the active plugins as a Claude Code subagent (see
    `subagent`), for the Agent SDK's ``agents`` option.

    Args:
        host: A started host.

        server: The name of the `sdk_mcp_server` in ``mcp_servers``.

        run_in: Who runs an agent that is only a system prompt:
            ``"claude-code"`` or ``"host"`` (see `subagent`).

    Returns:
        The subagents by name: ``code-reviewer.review`` is
        ``code-reviewer:review``, as Claude Code names a plugin's agent.
    """
    available = frozenset(info.name for info in host.tools())
    found: dict[str, AgentDefinition] = {}
    for name in host.agents():
        try:
            info = host.describe_agent(name)
        except PluginNotFoundError:
            continue  # its plugin stopped since it was listed
        plugin, _, local = name.partition(".")
        found[f"{plugin}:{local}"] = subagent(
            info, available=available, server=server, run_in=run_in
        )
    return found


def claude_options(
    host: PluginHost,
    *,
    server: str = SERVER_NAME,
    run_agents_in: str = "claude-code",
    **options: Any,
) -> ClaudeAgentOptions:
    """
    The Agent SDK's options with every plugin in: the host's tools as the
    in-process MCP server *server*, its agents as subagents, and the
    server's tools allowed without a permission prompt (the host's
    grants and policy decide what they may do).

    Args:
        host: A started host.

        server: The server's name: Claude Code's names of its tools
            begin ``mcp__SERVER__``.

        run_agents_in: ``"claude-code"`` (the session's model runs an
            agent that is only a system prompt) or ``"host"`` (every
            agent runs in the host, within its plugin's model budget);
            see `subagent`.

        options: Any other ``ClaudeAgentOptions`` field.  Servers,
            subagents and allowed tools given here are kept beside the
            plugins' (a subagent given here wins over a plugin's of the
            same name).

    Raises:
        TypeError: If ``mcp_servers`` names a file rather than a dict.
    """
    _require_sdk()
    from claude_agent_sdk import ClaudeAgentOptions  # noqa: PLC0415

    given = ClaudeAgentOptions(**options)
    servers = given.mcp_servers
    if not isinstance(servers, dict):
        msg = "mcp_servers must be a dict to add the plugins' server to it"
        raise TypeError(msg)
    return dataclasses.replace(
        given,
        mcp_servers={**servers, server: sdk_mcp_server(host, name=server)},
        agents={
            **subagents(host, server=server, run_in=run_agents_in),
            **(given.agents or {}),
        },
        allowed_tools=[*given.allowed_tools, f"mcp__{server}"],
    )
