"""
``acc-plugins profile``: run one tool call and show which of the
plugin's functions its sandbox steps and its time went to.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from acc_plugins.errors import PluginError

from ._call import arguments_of, call_with, with_arguments
from ._format import console, jsonable, print_json
from ._log import fail


if TYPE_CHECKING:
    from acc_plugins.host.debug._profile import Profile

# The longest result shown above the table; --json has all of it.
_RESULT_CHARS = 200


def _table(target: str, profile: Profile) -> Table:
    steps = f", {profile.steps} steps" if profile.counted else ""
    table = Table(
        title=f"{target}: {profile.seconds * 1000:.3f} ms{steps}",
        title_justify="left",
    )
    table.add_column("function", overflow="fold")
    table.add_column("where", no_wrap=True)
    # Own: in the function's code; all: with the plugin code it called.
    for column in ("calls", "steps", "all steps", "ms", "all ms"):
        table.add_column(column, justify="right", no_wrap=True)
    for cost in profile.functions:
        table.add_row(
            cost.function,
            cost.location,
            str(cost.calls),
            str(cost.steps) if profile.counted else "-",
            str(cost.total_steps) if profile.counted else "-",
            f"{cost.seconds * 1000:.3f}",
            f"{cost.total_seconds * 1000:.3f}",
        )
    return table


@click.command()
@click.argument("target", metavar="PLUGIN.TOOL")
@with_arguments
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON: {"target", "result", "plugin", "seconds", "steps", '
    '"counted", "functions"}.',
)
@click.pass_context
def profile(
    ctx: click.Context,
    target: str,
    pairs: tuple[str, ...],
    args_spec: str | None,
    as_json: bool,
) -> None:
    """
    Call a tool once and show the sandbox steps and the time each of
    the plugin's own functions took, the costliest first: in its own
    code (steps, ms), and with the plugin functions it called (all
    steps, all ms).  Host work a function
    asks for (a guard, a capability) counts as that function's.

    Arguments as for call.  Steps are counted for every plugin during a
    profile; times include the profiler's own cost, so compare them with
    one another rather than with a normal call.

    \b
    Example:
      acc-plugins profile text-tools.slugify text="Hello World"
    """
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    arguments, text = arguments_of(pairs, args_spec)
    host = _host(ctx, count_steps=True)
    plugin = target.partition(".")[0]
    try:
        host.describe_tool(target)  # an unknown tool: its own error
        result, measured = host.profile(
            plugin, lambda: call_with(host, target, arguments, text)
        )
    except PluginError as exc:
        fail(str(exc))
    if as_json:
        data: Any = jsonable(measured)
        print_json({"target": target, "result": result, **data})
        return
    shown = json.dumps(result, ensure_ascii=False)
    if len(shown) > _RESULT_CHARS:
        shown = shown[: _RESULT_CHARS - 1] + "…"
    click.echo(f"result: {shown}")
    console().print(_table(target, measured))
