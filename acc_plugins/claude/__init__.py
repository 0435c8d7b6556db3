"""
Claude and Claude Code with the plugins: providers that give plugins a
real Claude (`AnthropicProvider`, `ClaudeCodeProvider`), and the active
plugins' tools and agents served over MCP (``acc-plugins mcp``,
`mcp_server`).

Each part needs its extra, imported only when used:
``pip install 'acc-plugins[anthropic]'`` for `AnthropicProvider`,
``'acc-plugins[mcp]'`` for the MCP server, or ``'acc-plugins[claude]'``
for everything.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final


if TYPE_CHECKING:
    from acc_plugins.claude._anthropic import AnthropicProvider
    from acc_plugins.claude._claudecode import ClaudeCodeProvider
    from acc_plugins.claude._mcp import (
        AGENT_PREFIX,
        McpBridge,
        mcp_server,
        serve_stdio,
    )

# Where each public name lives: importing this package imports none of
# the optional SDKs; using a name imports the one it needs.
_HOMES: Final = {
    "AGENT_PREFIX": "_mcp",
    "AnthropicProvider": "_anthropic",
    "ClaudeCodeProvider": "_claudecode",
    "McpBridge": "_mcp",
    "mcp_server": "_mcp",
    "serve_stdio": "_mcp",
}

__all__ = [
    "AGENT_PREFIX",
    "AnthropicProvider",
    "ClaudeCodeProvider",
    "McpBridge",
    "mcp_server",
    "serve_stdio",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
