"""
``acc-plugins mcp``: the active plugins' tools and agents, served over MCP
on standard input and output for Claude Code or any MCP client.
"""

from __future__ import annotations

import importlib.util

import click

from ._log import fail


@click.command()
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Reload plugins whose files change, load new plugin folders.",
)
@click.option(
    "--name",
    default="acc-plugins",
    show_default=True,
    help="The name the client knows the server by (claude mcp add NAME): "
    "tool names are kept within Claude's 64 characters with it.",
)
@click.pass_context
def mcp(ctx: click.Context, *, watch: bool, name: str) -> None:
    """
    Serve the active plugins' tools, and their agents as tools named
    agent.PLUGIN.AGENT, over MCP on standard input and output, until the
    client closes them.  Every call goes through the host: grants,
    budgets, audit and quarantine apply.  Needs the mcp extra
    (pip install 'acc-plugins[mcp]').  Standard output carries the
    protocol only; messages go to standard error.

    When the tools change (a plugin added, reloaded, removed, disabled
    or failing), the client is told, so that it lists them again.

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

    # The host stops when the command's context closes.
    serve_stdio(_host(ctx), watch=watch, name=name)
