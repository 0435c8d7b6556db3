"""
``acc-plugins inspect``: one plugin, everything a debugging session asks
first: its state and why, where its last error happened (with the lines
around it), what it may do and spend, its settings, what it has cost and
what it logged last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from acc_plugins.errors import PluginError

from ._errors import data_dir
from ._format import jsonable, print_json
from ._log import fail
from ._logs import entry_line, log_store


if TYPE_CHECKING:
    from acc_plugins.host import PluginHost

_RECENT = 10


def _safely(read: Any, *args: object) -> Any:
    # A plugin whose manifest is broken has no settings or grants to
    # show; its state and error say why.
    try:
        return read(*args)
    except PluginError:
        return None


def _statistics(ctx: click.Context, name: str) -> dict[str, Any] | None:
    from acc_plugins.host.core._stats import load  # noqa: PLC0415

    try:
        saved = load(data_dir(ctx) / "stats.json")
    except OSError:
        return None
    found = [f for f in saved if f.name == name]
    return jsonable(found[0]) if found else None  # type: ignore[return-value]


def report(
    ctx: click.Context, host: PluginHost, name: str, recent: list[Any]
) -> dict[str, Any]:
    """
    Everything ``inspect`` shows, as JSON data.
    """
    from acc_plugins.host.core._record import excerpt  # noqa: PLC0415

    info = host.info(name)
    stats = _statistics(ctx, name)
    # This run's error, else the last one an earlier run saw: a failed
    # `acc-plugins call` ended its own host.
    error = (
        {**jsonable(info.last_error), "at": None}  # type: ignore[dict-item]
        if info.last_error is not None
        else (stats or {}).get("last_error")
    )
    return {
        "name": info.name,
        "version": info.version,
        "state": info.state.value,
        "tier": host.tier(name),
        "root": str(info.root),
        "grants": _safely(host.permissions, name),
        "limits": jsonable(info.limits),
        "settings": jsonable(_safely(host.config, name)),
        "last_error": None
        if error is None
        else {**error, "excerpt": excerpt(error["location"])},
        "transitions": jsonable(info.transitions),
        "stats": stats,
        "log": [entry.as_json() for entry in recent],
    }


def _view(data: dict[str, Any]) -> list[str]:
    # Plain lines, never wrapped: a folder or a limit stays on its line.
    grants = data["grants"] or {}
    limits = data["limits"] or {}
    settings = data["settings"] or {}
    stats = data["stats"]
    rows: list[tuple[str, str]] = [
        ("name", data["name"]),
        ("version", data["version"] or "-"),
        ("state", data["state"]),
        ("tier", data["tier"] or "-"),
        ("folder", data["root"]),
        ("granted", ", ".join(grants.get("effective", [])) or "-"),
        ("limits", ", ".join(f"{k}={v}" for k, v in limits.items()) or "-"),
        (
            "settings",
            ", ".join(f"{k}={v['value']!r}" for k, v in settings.items())
            or "-",
        ),
        (
            "statistics",
            "no calls recorded"
            if stats is None
            else f"{stats['calls']} calls, {stats['errors']} errors, "
            f"{stats['breaches']} breaches, {stats['steps']} steps, "
            f"{stats['seconds']:.3f} s",
        ),
    ]
    return [f"{key:<11} {value}" for key, value in rows]


def _lines(data: dict[str, Any], recent: list[Any]) -> list[str]:
    # Printed as they are, never wrapped: source lines and log lines.
    lines = []
    error = data["last_error"]
    if error is not None:
        where = f"{error['location']}: " if error["location"] else ""
        kind = f"{error['kind']}: " if error["kind"] != "Error" else ""
        when = f" (an earlier run, {error['at']})" if error["at"] else ""
        lines += ["", f"last error{when}: {where}{kind}{error['message']}"]
        lines += error["excerpt"]
    lines += ["", f"latest log lines ({len(recent)}):"]
    lines += [entry_line(entry) for entry in recent]
    return lines


@click.command("inspect")
@click.argument("name")
@click.option(
    "--lines",
    type=click.IntRange(min=0),
    default=_RECENT,
    show_default=True,
    help="How many of the latest log lines to show.",
)
@click.option(
    "--level",
    default="info",
    show_default=True,
    metavar="LEVEL",
    help=(
        "The least level of the log lines shown (debug adds the host's "
        "state changes of every run)."
    ),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON: {"name", "version", "state", "tier", "root", '
    '"grants", "limits", "settings", "last_error", "transitions", '
    '"stats", "log"}.',
)
@click.pass_context
def inspect_(
    ctx: click.Context, name: str, lines: int, level: str, as_json: bool
) -> None:
    """
    Show what a plugin is doing: its state, version and tier, what it is
    granted, its limits and settings, its last error with the lines of
    its code around it, its statistics and its latest log lines.

    \b
    Example:
      acc-plugins inspect text-tools --json
    """
    from acc_plugins.host.debug._logentry import level_of  # noqa: PLC0415

    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    # Read before this command's host starts, whose own start would
    # otherwise fill the latest lines.
    try:
        least = level_of(level)
    except ValueError as exc:
        fail(f"--level: {exc}")
    found = log_store(ctx).entries(name, level=least)
    recent = found[-lines:] if lines else []
    host = _host(ctx)
    try:
        data = report(ctx, host, name, recent)
    except PluginError as exc:
        fail(str(exc))
    if as_json:
        print_json(data)
        return
    for line in [*_view(data), *_lines(data, recent)]:
        click.echo(line)
