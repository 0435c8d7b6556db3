"""
``acc-plugins outdated``, ``uninstall`` and ``rollback``: looking after
what is installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from acc_plugins.errors import ConfigError, MarketplaceError, PluginError

from ._done import done, json_flag
from ._errors import config_dir, data_dir
from ._format import console, print_json
from ._installui import installer, sources
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.market._installed import Installed


@click.command()
@click.option("--pre", is_flag=True, help="Count pre-release versions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outdated(ctx: click.Context, pre: bool, as_json: bool) -> None:
    """
    List installed plugins that have a newer version in their registry,
    and whether it asks for new permissions.

    Plugins installed from a folder or an archive are not checked.

    \b
    Example:
      acc-plugins outdated --json
    """
    tool = installer(ctx)
    rows: list[dict[str, Any]] = []
    try:
        for _, item in sorted(tool.installed().items()):
            row = _row(ctx, item, pre=pre)
            if row is not None:
                rows.append(row)
    except (PluginError, MarketplaceError) as exc:
        fail(str(exc))
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("everything is up to date")
        return
    from rich.table import Table  # noqa: PLC0415 -- only when shown

    table = Table(
        "plugin", "installed", "latest", "registry", "new permissions"
    )
    for row in rows:
        table.add_row(
            row["name"],
            row["installed"],
            row["latest"],
            row["registry"],
            "\n".join(row["new_permissions"]) or "-",
        )
    console().print(table)


def _row(
    ctx: click.Context, item: Installed, *, pre: bool
) -> dict[str, Any] | None:
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415

    from acc_plugins.market._registry import RegistryUnavailableError  # noqa: PLC0415
    from acc_plugins.market._updatediff import Summary, diff  # noqa: PLC0415

    origin = item.origin
    if (
        origin is None
        or not origin.source.startswith("registry:")
        or item.manifest is None
    ):
        return None
    registry = origin.source.removeprefix("registry:")
    client = sources(ctx, registry).client(registry)
    try:
        listing = client.index().index.plugins.get(item.name)
    except RegistryUnavailableError as exc:
        say(f"warning: {item.name}: {exc}")
        return None
    latest = None if listing is None else listing.latest(prereleases=pre)
    try:
        installed = Version(item.version)
    except InvalidVersion:
        return None
    if latest is None or latest[0] <= installed:
        return None
    version, release = latest
    change = diff(
        Summary.of_manifest(item.manifest),
        Summary.of_release(str(version), release),
    )
    return {
        "name": item.name,
        "installed": item.version,
        "latest": str(version),
        "registry": registry,
        "new_permissions": sorted(change.new_permissions),
        "changes": list(change.lines()),
    }


@click.command()
@click.argument("name")
@click.option(
    "--purge",
    is_flag=True,
    help="Also drop its grants, stored data, settings and secrets.",
)
@click.option(
    "--keep-previous",
    is_flag=True,
    help="Keep the previous version, so that rollback can bring it back.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Uninstall even if installed plugins need it.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON."
)
@click.pass_context
def uninstall(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    name: str,
    purge: bool,
    keep_previous: bool,
    force: bool,
    as_json: bool,
) -> None:
    """
    Remove an installed plugin, and the previous version kept for it.

    A plugin that other installed plugins need is refused unless
    --force.  Its grants, stored data and settings stay (installing it
    again finds them) unless --purge.

    \b
    Example:
      acc-plugins uninstall hello --purge
    """
    from acc_plugins.market._purge import purge_plugin  # noqa: PLC0415

    tool = installer(ctx)
    try:
        with tool.locked():
            removed = tool.uninstall(
                name, keep_previous=keep_previous, force=force
            )
            purged = None
            if purge:
                purged = purge_plugin(
                    name,
                    data_dir=data_dir(ctx),
                    config_dir=config_dir(ctx),
                    grants=tool.grants,
                )
    except (PluginError, MarketplaceError, ConfigError) as exc:
        fail(str(exc))
    if as_json:
        print_json(
            {
                "name": name,
                "version": removed.version,
                "kept_previous": keep_previous
                and removed.previous is not None,
                "purged": None
                if purged is None
                else {
                    "grants": sorted(purged.grants),
                    "stored_keys": purged.stored_keys,
                    "settings": list(purged.settings),
                    "secrets": list(purged.secrets),
                },
            }
        )
        return
    click.echo(f"uninstalled {name} {removed.version} from {tool.root.path}")
    if purged is not None:
        say(
            f"purged: {len(purged.grants)} grants, {purged.stored_keys} stored "
            f"keys, {len(purged.settings)} settings, {len(purged.secrets)} secrets"
        )


@click.command()
@click.argument("name")
@json_flag('"name", "version", "previous"')
@click.pass_context
def rollback(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    Bring back the version of a plugin before its last install or
    update; the one rolled back is kept as the previous, so a second
    rollback undoes the first.

    \b
    Example:
      acc-plugins rollback hello
    """
    tool = installer(ctx)
    try:
        now, aside = tool.rollback(name)
    except (PluginError, MarketplaceError) as exc:
        fail(str(exc))
    done(
        as_json,
        f"rolled back {name} to {now} ({aside} is kept as the previous version)",
        {"name": name, "version": str(now), "previous": str(aside)},
    )
