"""
``acc-plugins permissions``: what a plugin requests, is granted and gets.
"""

from __future__ import annotations

import sys

import click

from acc_plugins.errors import PluginError

from ._done import done, json_flag
from ._format import print_json


def _checked(permissions: tuple[str, ...]) -> list[str]:
    from acc_plugins.manifest import parse_permission  # noqa: PLC0415

    canonical = []
    for text in permissions:
        try:
            canonical.append(parse_permission(text).canonical)
        except ValueError as exc:
            click.echo(f"error: {text!r}: {exc}", err=True)
            sys.exit(1)
    return canonical


@click.group()
def permissions() -> None:
    """
    Show, grant and revoke plugin permissions (canonical form, such as
    host:claude.query or fs:read:${workspace}/**).
    """


@permissions.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    What NAME requests, what it was granted, what the administrator's
    policy blocks, and what it gets.

    \b
    Example:
      acc-plugins permissions show code-reviewer --json
    """
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    try:
        table = _host(ctx).permissions(name)
    except PluginError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        print_json(table)
        return
    for kind in ("requested", "granted", "blocked by policy", "effective"):
        click.echo(f"{kind}: {', '.join(table[kind]) or '-'}")


def _change(
    ctx: click.Context,
    name: str,
    texts: tuple[str, ...],
    *,
    grant: bool,
    as_json: bool,
) -> None:
    from ._main import _host  # noqa: PLC0415

    wanted = _checked(texts)
    host = _host(ctx)
    try:
        (host.grant if grant else host.revoke)(name, wanted)
    except PluginError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    verb = "granted" if grant else "revoked"
    done(
        as_json,
        f"{verb} {', '.join(wanted)} for {name}; applies from its next load",
        {"name": name, verb: wanted, "permissions": host.permissions(name)},
    )


@permissions.command()
@click.argument("name")
@click.argument("permission", nargs=-1, required=True)
@json_flag('"name", "granted", "permissions"')
@click.pass_context
def grant(
    ctx: click.Context, name: str, permission: tuple[str, ...], as_json: bool
) -> None:
    """
    Grant PERMISSION... to NAME (only what it requests takes effect).

    \b
    Example:
      acc-plugins permissions grant web-fetch net:https://api.example.com
    """
    _change(ctx, name, permission, grant=True, as_json=as_json)


@permissions.command()
@click.argument("name")
@click.argument("permission", nargs=-1, required=True)
@json_flag('"name", "revoked", "permissions"')
@click.pass_context
def revoke(
    ctx: click.Context, name: str, permission: tuple[str, ...], as_json: bool
) -> None:
    """
    Revoke PERMISSION... from NAME.

    \b
    Example:
      acc-plugins permissions revoke web-fetch net:https://api.example.com
    """
    _change(ctx, name, permission, grant=False, as_json=as_json)
