"""
``acc-plugins list`` and ``info``: the discovered plugins, as a table or,
with ``--json``, as the API's ``PluginInfo`` fields for scripts.
"""

from __future__ import annotations

import click

from acc_plugins.errors import PluginError

from ._format import (
    console,
    jsonable,
    plugin_details,
    plugins_table,
    print_json,
)
from ._log import fail


_JSON_HELP = "Print JSON (the fields of the Python API's PluginInfo)."


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """
    List discovered plugins: name, version, kind, state, permissions.

    With --json, a list of objects ([] when there are none).

    \b
    Example:
      acc-plugins list --json
    """
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    host = _host(ctx)
    infos = host.plugins()
    if as_json:
        print_json(jsonable(infos))
        return
    if not infos:
        searched = ", ".join(str(path) for path in host.search_paths())
        click.echo(
            f"no plugins found in {searched}; install one with `acc-plugins "
            f"install NAME`, start one with `acc-plugins new NAME`, or "
            f"point --path at a folder of plugins",
            err=True,
        )
        return
    console().print(plugins_table(infos))


@click.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    Show everything about one plugin.

    With --json, one object, its tools described under "tool_details".

    \b
    Example:
      acc-plugins info text-tools --json
    """
    from ._main import _host  # noqa: PLC0415

    host = _host(ctx)
    try:
        details = host.info(name)
    except PluginError as exc:
        fail(str(exc))
    tools = [host.describe_tool(t) for t in details.tools]
    if as_json:
        data = jsonable(details)
        assert isinstance(data, dict)  # noqa: S101 -- an attrs instance
        print_json({**data, "tool_details": jsonable(tools)})
        return
    console().print(plugin_details(details, tools))
