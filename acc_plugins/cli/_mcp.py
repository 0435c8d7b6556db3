"""
``acc-plugins mcp``: the active plugins' tools and agents, served over MCP
on standard input and output for Claude Code or any MCP client.
"""

from __future__ import annotations

import importlib.util

import click

from ._log import fail


@click.command()
@click.pass_context
def mcp(ctx: click.Context) -> None:
    """
    Serve the active plugins' tools, and their agents as tools named
    agent.PLUGIN.AGENT, over MCP on standard input and output, until the
    client closes them.  Every call goes through the host: grants,
    budgets, audit and quarantine apply.  Needs the mcp extra
    (pip install 'acc-plugins[mcp]').  Standard output carries the
    protocol only; messages go to standard error.

    Claude Code starts it itself once told how:
    claude mcp add acc-plugins -- acc-plugins --path ./plugins mcp

    \b
    Example:
      acc-plugins --path ./plugins mcp
    """
    from ._main import _host  # noqa: PLC0415 -- the CLI's one way to a host

    if importlib.util.find_spec("mcp") is None:
        fail(
            "the MCP server needs the mcp package: pip install 'acc-plugins[mcp]'"
        )
    from acc_plugins.claude import serve_stdio  # noqa: PLC0415 -- optional extra

    serve_stdio(_host(ctx))  # the host stops when the command's context closes
