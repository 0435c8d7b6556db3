"""
Claude and Claude Code with the plugins: the active plugins' tools and
agents served over MCP (``acc-plugins mcp``, `mcp_server`).

Needs the ``mcp`` extra: ``pip install 'acc-plugins[mcp]'``.
"""

from acc_plugins.claude._mcp import (
    AGENT_PREFIX,
    McpBridge,
    mcp_server,
    serve_stdio,
)


__all__ = ["AGENT_PREFIX", "McpBridge", "mcp_server", "serve_stdio"]
