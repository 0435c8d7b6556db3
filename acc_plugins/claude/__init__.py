"""
Claude and Claude Code with the plugins: providers that give plugins a
real Claude (`AnthropicProvider`, `ClaudeCodeProvider`); the active
plugins' tools and agents served over MCP (``acc-plugins mcp``,
`mcp_server`); and the same handed to a Claude Code session that an
application runs with the Claude Agent SDK (`claude_options`,
`sdk_mcp_server`, `subagents`).

Each part needs its extra, imported only when a name from it is used:
``pip install 'acc-plugins[anthropic]'`` for `AnthropicProvider`,
``'acc-plugins[mcp]'`` for the MCP server, ``'acc-plugins[agent-sdk]'``
for the Agent SDK adapter, or ``'acc-plugins[claude]'`` for everything.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final


if TYPE_CHECKING:
    from acc_plugins.claude._agentsdk import (
        SERVER_NAME,
        claude_options,
        claude_tool_name,
        sdk_mcp_server,
        subagent,
        subagents,
    )
    from acc_plugins.claude._anthropic import AnthropicProvider
    from acc_plugins.claude._claudecode import ClaudeCodeProvider
    from acc_plugins.claude._mcp import (
        AGENT_PREFIX,
        McpBridge,
        mcp_server,
        serve_stdio,
    )
    from acc_plugins.claude._names import McpNames

# Where each public name lives: importing this package imports none of
# the optional SDKs; using a name imports the one it needs.
_HOMES: Final = {
    "AGENT_PREFIX": "_mcp",
    "AnthropicProvider": "_anthropic",
    "ClaudeCodeProvider": "_claudecode",
    "McpBridge": "_mcp",
    "McpNames": "_names",
    "SERVER_NAME": "_agentsdk",
    "claude_options": "_agentsdk",
    "claude_tool_name": "_agentsdk",
    "mcp_server": "_mcp",
    "sdk_mcp_server": "_agentsdk",
    "serve_stdio": "_mcp",
    "subagent": "_agentsdk",
    "subagents": "_agentsdk",
}

__all__ = [
    "AGENT_PREFIX",
    "SERVER_NAME",
    "AnthropicProvider",
    "ClaudeCodeProvider",
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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
