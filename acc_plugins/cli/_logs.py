"""
``acc-plugins logs``: a plugin's log, from the store on disk; no plugin
code runs.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING, Final

import click

from ._errors import data_dir
from ._log import fail
from ._since import HELP, parse_since


if TYPE_CHECKING:
    from acc_plugins.host.debug import LogEntry, LogStore

# How often --follow looks for new lines, and how it waits (a test
# waits its own way).
POLL_SECONDS: Final = 0.25
wait = time.sleep


def log_store(ctx: click.Context) -> LogStore:
    """
    The plugins' logs in the data folder the command works on.
    """
    from acc_plugins.host.debug import LogStore  # noqa: PLC0415 -- keeps --help fast

    return LogStore(data_dir(ctx) / "logs")


def entry_line(entry: LogEntry) -> str:
    """
    One entry as people read it: UTC time, level, who wrote it, text.
    """
    at = entry.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return f"{at} {entry.level:<7} {entry.source:<6} {entry.message}"


def _entry_json(plugin: str, entry: LogEntry) -> str:
    return json.dumps(
        {"plugin": plugin, **entry.as_json()}, ensure_ascii=False
    )


@click.command()
@click.argument("name")
@click.option(
    "--level",
    metavar="LEVEL",
    help="Show this level and above: debug, info, warning or error.",
)
@click.option(
    "--since", metavar="WHEN", help=f"Show lines from then on: {HELP}."
)
@click.option(
    "--follow",
    "-f",
    is_flag=True,
    help="Keep printing new lines as they are written, until Ctrl-C.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON lines: {"plugin", "at", "level", "source", "message"}.',
)
@click.pass_context
def logs(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    name: str,
    level: str | None,
    since: str | None,
    follow: bool,
    as_json: bool,
) -> None:
    """
    Show a plugin's log: what it wrote through self.ctx.log, and the
    host's reports about it (state changes; errors with file:line).

    Kept across runs in the data folder, a few MiB per plugin at most.
    Reads the files only: no plugin is loaded.

    \b
    Example:
      acc-plugins logs text-tools --level warning --since 2h --follow
    """
    from acc_plugins.host.core._registry import unknown_hint  # noqa: PLC0415
    from acc_plugins.host.debug._logentry import level_of  # noqa: PLC0415
    from acc_plugins.host.debug._logstore import select  # noqa: PLC0415

    least = None
    if level is not None:
        try:
            least = level_of(level)
        except ValueError as exc:
            fail(f"--level: {exc}")
    moment = None
    if since is not None:
        try:
            moment = parse_since(since, dt.datetime.now(dt.UTC))
        except ValueError as exc:
            fail(f"--since: {exc}")
    store = log_store(ctx)
    if not store.has(name):
        hint = unknown_hint("plugin", name, store.names())
        fail(f"no log for a plugin named {name!r} in {store.folder}{hint}")
    with store.follow(name, backlog=True) as follower:
        while True:
            for entry in select(follower.poll(), level=least, since=moment):
                click.echo(
                    _entry_json(name, entry) if as_json else entry_line(entry)
                )
            if not follow:
                return
            wait(POLL_SECONDS)
