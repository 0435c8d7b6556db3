"""
Claude and Claude Code with the plugins: the active plugins' tools and
agents served over MCP (``acc-plugins mcp``, `mcp_server`), and handed to
a Claude Code session that an application runs with the Claude Agent SDK
(`claude_options`, `sdk_mcp_server`, `subagents`).

Needs the ``mcp`` extra: ``pip install 'acc-plugins[mcp]'``; the Agent
SDK adapter needs the ``agent-sdk`` extra, and imports
``claude_agent_sdk`` only when one of its functions runs.
"""

from acc_plugins.claude._agentsdk import (
    SERVER_NAME,
    claude_options,
    claude_tool_name,
    sdk_mcp_server,
    subagent,
    subagents,
)
from acc_plugins.claude._mcp import (
    AGENT_PREFIX,
    McpBridge,
    McpNames,
    mcp_server,
    serve_stdio,
)


__all__ = [
    "AGENT_PREFIX",
    "SERVER_NAME",
    "McpBridge",
    "McpNames",
    "claude_options",
    "claude_tool_name",
    "mcp_server",
    "sdk_mcp_server",
    "serve_stdio",
    "subagent",
    "subagents",
]
