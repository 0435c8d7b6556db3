"""
``acc-plugins storage``: what plugins keep in ``ctx.storage``, and
removing it.
"""

from __future__ import annotations

from typing import Any

import click

from ._done import done, json_flag
from ._format import print_json


@click.group()
def storage() -> None:
    """
    Show or clear what plugins keep in their storage.  Storage survives
    reloads, restarts and updates; only `storage clear` removes it.
    """


@storage.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def usage(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """
    Keys and bytes each plugin stores (or NAME only), against its quota.

    With --json, a list of {"plugin", "keys", "bytes", "quota_mb"}
    objects, quota_mb null when the plugin has none.

    \b
    Example:
      acc-plugins storage usage text-tools --json
    """
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    host = _host(ctx, load=False)
    infos = [i for i in host.plugins() if name is None or i.name == name]
    if name is not None and not infos:
        click.echo(f"error: no plugin named {name!r}", err=True)
        raise SystemExit(1)
    rows: list[dict[str, Any]] = []
    for info in infos:
        keys, size = host.storage.usage(info.name)
        quota = info.limits.storage_mb if info.limits else None
        rows.append(
            {
                "plugin": info.name,
                "keys": keys,
                "bytes": size,
                "quota_mb": quota,
            }
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no plugins found, so nothing is stored", err=True)
    for row in rows:
        most = row["quota_mb"]
        limit = f" of {most} MiB" if most is not None else ""
        click.echo(
            f"{row['plugin']}: {row['keys']} keys, {row['bytes']:,} bytes{limit}"
        )


@storage.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask.")
@json_flag('"plugin", "removed"')
@click.pass_context
def clear(ctx: click.Context, name: str, yes: bool, as_json: bool) -> None:
    """
    Remove everything NAME stored.  This cannot be undone.

    \b
    Example:
      acc-plugins storage clear text-tools --yes
    """
    from ._main import _host  # noqa: PLC0415

    host = _host(ctx, load=False)
    if name not in {i.name for i in host.plugins()}:
        click.echo(f"error: no plugin named {name!r}", err=True)
        raise SystemExit(1)
    keys, size = host.storage.usage(name)
    if not yes and not click.confirm(
        f"Remove {keys} keys ({size:,} bytes) stored by {name}?", default=False
    ):
        click.echo("error: nothing changed", err=True)
        raise SystemExit(1)
    removed = host.storage.purge(name)
    done(
        as_json,
        f"removed {removed} keys stored by {name}",
        {"plugin": name, "removed": removed},
    )
