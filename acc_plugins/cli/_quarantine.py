"""
``acc-plugins quarantine``: list quarantined plugins and release them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import platformdirs

from ._done import done, json_flag
from ._format import print_json


def _data_dir(ctx: click.Context) -> Path:
    data_dir = (ctx.obj or {}).get("data_dir")
    if data_dir is None:
        return platformdirs.user_data_path("acc-plugins", appauthor=False)
    return Path(data_dir)


@click.group(invoke_without_command=True)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON: [{"plugin", "at", "reason"}].',
)
@click.pass_context
def quarantine(ctx: click.Context, as_json: bool) -> None:
    """
    List quarantined plugins; `quarantine release NAME` lets one load again.

    \b
    Example:
      acc-plugins quarantine --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from acc_plugins.host.gate._quarantine import QuarantineList  # noqa: PLC0415

    entries = QuarantineList(_data_dir(ctx) / "quarantine.json").entries()
    if as_json:
        print_json(
            [
                {
                    "plugin": name,
                    "at": entry.get("at"),
                    "reason": entry.get("reason"),
                }
                for name, entry in sorted(entries.items())
            ]
        )
        return
    if not entries:
        click.echo("no plugin is quarantined")
        return
    for name, entry in sorted(entries.items()):
        click.echo(
            f"{name}  since {entry.get('at', '?')}: {entry.get('reason', '')}"
        )


@quarantine.command()
@click.argument("name")
@json_flag('"name", "released"')
@click.pass_context
def release(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    Release NAME: the next host start loads it again.

    \b
    Example:
      acc-plugins quarantine release text-tools
    """
    from acc_plugins.host.gate._quarantine import (  # noqa: PLC0415
        QuarantineList,
        release_audited,
    )
    from acc_plugins.security import AuditLog  # noqa: PLC0415

    data_dir = _data_dir(ctx)
    listed = QuarantineList(data_dir / "quarantine.json")
    if listed.get(name) is None:
        click.echo(f"error: {name!r} is not quarantined", err=True)
        sys.exit(1)
    # A write the disk refuses is reported by the command group.
    release_audited(listed, AuditLog(data_dir / "audit"), name, by="cli")
    done(
        as_json,
        f"released {name}; it loads at the next start",
        {"name": name, "released": True},
    )
