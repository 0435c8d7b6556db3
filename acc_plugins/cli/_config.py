"""
``acc-plugins config``, ``enable`` and ``disable``: settings, enabled
flags, and a team's shareable setup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acc_plugins.errors import ConfigError, PluginError

from ._log import fail


if TYPE_CHECKING:
    from acc_plugins.host import PluginHost

_PROJECT_HELP = "Write the project's ./.acc/config.toml instead of the user's."


def _host(ctx: click.Context) -> PluginHost:
    from ._main import _host as build  # noqa: PLC0415 -- the one place hosts are built

    # Configuring runs no plugin code: manifests and files are enough.
    return build(ctx, load=False)


def _settings_of(
    host: PluginHost, plugin: str
) -> dict[str, dict[str, object]]:
    try:
        return host.config(plugin)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))


@click.group()
def config() -> None:
    """
    Show and change plugin settings, and share a team's setup.

    Values are layered: manifest defaults, then the user's config.toml,
    then the project's ./.acc/config.toml, then the administrator's
    policy.  Secret settings live in a user-only store and are shown
    masked.  `config auto-update` shows the automatic-update mode.
    """


@config.command("auto-update")
@click.pass_context
def auto_update_setting(ctx: click.Context) -> None:
    """
    Show the automatic-update mode in force and where it comes from.

    Set it with a top-level `auto-update = "patch"` (off, notify, patch,
    minor or any) in the user's config.toml; an administrator's policy
    with `[updates] auto` wins.

    \b
    Example:
      acc-plugins config auto-update
    """
    from ._autoupdate import setting_lines  # noqa: PLC0415 -- its command's

    for line in setting_lines(ctx):
        click.echo(line)


@config.command("list")
@click.argument("plugin")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, plugin: str, as_json: bool) -> None:
    """
    Every setting of PLUGIN: value, where it comes from, type.
    """
    table = _settings_of(_host(ctx), plugin)
    if as_json:
        click.echo(json.dumps(table, indent=2, ensure_ascii=False))
        return
    if not table:
        click.echo(f"{plugin} has no settings")
    for key, entry in table.items():
        value = json.dumps(entry["value"], ensure_ascii=False)
        click.echo(
            f"{key} = {value}  ({entry['type']}, from {entry['source']})"
        )


@config.command()
@click.argument("plugin")
@click.argument("key")
@click.pass_context
def get(ctx: click.Context, plugin: str, key: str) -> None:
    """
    The value of one setting (secrets masked), as JSON.
    """
    table = _settings_of(_host(ctx), plugin)
    if key not in table:
        fail(
            f"{plugin} has no setting {key!r} (it has: {', '.join(table) or 'none'})"
        )
    click.echo(json.dumps(table[key]["value"], ensure_ascii=False))


@config.command("set")
@click.argument("plugin")
@click.argument("key")
@click.argument("value")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.pass_context
def set_(
    ctx: click.Context, plugin: str, key: str, value: str, project: bool
) -> None:
    """
    Set one setting; VALUE is read as the setting's type (numbers,
    true/false, a comma-separated or JSON list).  Secrets go to the
    user-only secret store.
    """
    from acc_plugins.host.config._settingtext import parse_text  # noqa: PLC0415

    host = _host(ctx)
    try:
        setting = host.setting(plugin, key)
        host.configure(
            plugin, key, parse_text(setting, value), project=project
        )
    except (PluginError, ConfigError, ValueError) as exc:
        fail(str(exc))
    shown = _settings_of(host, plugin)[key]
    click.echo(
        f"{plugin}.{key} = {json.dumps(shown['value'], ensure_ascii=False)} "
        f"(in {shown['source']})"
    )


@config.command()
@click.argument("plugin")
@click.argument("key")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.pass_context
def unset(ctx: click.Context, plugin: str, key: str, project: bool) -> None:
    """
    Remove one setting; the next layer down applies again.
    """
    host = _host(ctx)
    try:
        host.unconfigure(plugin, key, project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    shown = _settings_of(host, plugin).get(key)
    if shown is None:  # a stale key, gone now
        click.echo(f"removed {plugin}.{key}, which {plugin} does not declare")
        return
    click.echo(
        f"{plugin}.{key} = {json.dumps(shown['value'], ensure_ascii=False)} "
        f"(from {shown['source']})"
    )


@config.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of printing.",
)
@click.pass_context
def export(ctx: click.Context, output: Path | None) -> None:
    """
    Print (or write) the setup of every plugin: versions, enabled flags,
    grants and settings.  Secrets are never exported.
    """
    try:
        text = _host(ctx).export_config()
    except ConfigError as exc:
        fail(str(exc))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


@config.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.pass_context
def import_(ctx: click.Context, file: Path, project: bool) -> None:
    """
    Apply a setup written by `config export`: enabled flags and settings
    into the configuration, grants into the grant store.  Checked
    completely first: on any problem, nothing changes.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot be read: {exc}")
    host = _host(ctx)
    try:
        warnings = host.import_config(text, source=str(file), project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"imported {file}")


@click.command()
@click.argument("name")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.pass_context
def enable(ctx: click.Context, name: str, project: bool) -> None:
    """
    Enable a plugin (in the user's configuration, or the project's).
    """
    host = _host(ctx)
    try:
        host.set_enabled(name, True, project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    click.echo(f"enabled {name} (it loads when a host starts)")


@click.command()
@click.argument("name")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.option("-y", "--yes", is_flag=True, help="Do not ask about dependents.")
@click.pass_context
def disable(ctx: click.Context, name: str, project: bool, yes: bool) -> None:
    """
    Disable a plugin.  If other plugins need it, they are named, and
    disabling it keeps them from loading too, after confirmation.
    """
    host = _host(ctx)
    try:
        needed_by = host.dependents(name)
    except PluginError as exc:
        fail(str(exc))
    if needed_by and not yes:
        click.echo(f"{name} is needed by: {', '.join(needed_by)}")
        if not click.confirm("Disable it, and stop them too?", default=False):
            fail("nothing changed")
    try:
        host.set_enabled(name, False, project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    stopped = f", and neither can {', '.join(needed_by)}" if needed_by else ""
    click.echo(f"disabled {name}: it no longer loads{stopped}")
