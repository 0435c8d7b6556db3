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

from ._done import done, json_flag, output_option, write_output
from ._format import print_json
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
@json_flag('"mode", "forced", "via", "install_root", "last_check"')
@click.pass_context
def auto_update_setting(ctx: click.Context, as_json: bool) -> None:
    """
    Show the automatic-update mode in force and where it comes from.

    Set it with a top-level `auto-update = "patch"` (off, notify, patch,
    minor or any) in the user's config.toml; an administrator's policy
    with `[updates] auto` wins.

    \b
    Example:
      acc-plugins config auto-update
    """
    from ._autoupdate import show_setting  # noqa: PLC0415 -- its command's

    show_setting(ctx, as_json=as_json)


@config.command("list")
@click.argument("plugin")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, plugin: str, as_json: bool) -> None:
    """
    Every setting of PLUGIN: value, where it comes from, type.

    \b
    Example:
      acc-plugins config list text-tools --json
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
@json_flag('"plugin", "key", "value", "type", "source"')
@click.pass_context
def get(ctx: click.Context, plugin: str, key: str, as_json: bool) -> None:
    """
    The value of one setting (secrets masked), as JSON; with --json,
    also its type and where it comes from.

    \b
    Example:
      acc-plugins config get text-tools max_length
    """
    table = _settings_of(_host(ctx), plugin)
    if key not in table:
        fail(
            f"{plugin} has no setting {key!r} (it has: {', '.join(table) or 'none'})"
        )
    entry = table[key]
    if as_json:
        print_json({"plugin": plugin, "key": key, **entry})
        return
    click.echo(json.dumps(entry["value"], ensure_ascii=False))


@config.command("set")
@click.argument("plugin")
@click.argument("key")
@click.argument("value")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@json_flag('"plugin", "key", "value", "source"')
@click.pass_context
def set_(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    plugin: str,
    key: str,
    value: str,
    project: bool,
    as_json: bool,
) -> None:
    """
    Set one setting; VALUE is read as the setting's type (numbers,
    true/false, a comma-separated or JSON list).  Secrets go to the
    user-only secret store.

    \b
    Example:
      acc-plugins config set text-tools max_length 80 --project
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
    done(
        as_json,
        f"{plugin}.{key} = {json.dumps(shown['value'], ensure_ascii=False)} "
        f"(in {shown['source']})",
        {
            "plugin": plugin,
            "key": key,
            "value": shown["value"],
            "source": shown["source"],
        },
    )


@config.command()
@click.argument("plugin")
@click.argument("key")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@json_flag(
    '"plugin", "key", "value", "source"; value and source null for a key the plugin does not declare'
)
@click.pass_context
def unset(
    ctx: click.Context, plugin: str, key: str, project: bool, as_json: bool
) -> None:
    """
    Remove one setting; the next layer down applies again.

    \b
    Example:
      acc-plugins config unset text-tools max_length
    """
    host = _host(ctx)
    try:
        host.unconfigure(plugin, key, project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    shown = _settings_of(host, plugin).get(key)
    facts = {
        "plugin": plugin,
        "key": key,
        "value": None if shown is None else shown["value"],
        "source": None if shown is None else shown["source"],
    }
    if shown is None:  # a stale key, gone now
        message = f"removed {plugin}.{key}, which {plugin} does not declare"
    else:
        message = (
            f"{plugin}.{key} = "
            f"{json.dumps(shown['value'], ensure_ascii=False)} "
            f"(from {shown['source']})"
        )
    done(as_json, message, facts)


@config.command("export")
@output_option()
@json_flag('"path", "text"; path null when printed')
@click.pass_context
def export(ctx: click.Context, output: Path | None, as_json: bool) -> None:
    """
    Print (or write) the setup of every plugin: versions, enabled flags,
    grants and settings.  Secrets are never exported.

    \b
    Example:
      acc-plugins config export -o team-setup.toml
    """
    try:
        text = _host(ctx).export_config()
    except ConfigError as exc:
        fail(str(exc))
    if output is None:
        if as_json:
            print_json({"path": None, "text": text})
        else:
            click.echo(text, nl=False)
        return
    if output.is_dir():
        fail(f"--output {output}: a folder, not a file")
    write_output(output, text)  # shared with a team: readable by others
    done(as_json, f"wrote {output}", {"path": str(output), "text": text})


@config.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@json_flag('"file", "warnings"')
@click.pass_context
def import_(
    ctx: click.Context, file: Path, project: bool, as_json: bool
) -> None:
    """
    Apply a setup written by `config export`: enabled flags and settings
    into the configuration, grants into the grant store.  Checked
    completely first: on any problem, nothing changes.

    \b
    Example:
      acc-plugins config import team-setup.toml --project
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
    done(
        as_json,
        f"imported {file}",
        {"file": str(file), "warnings": list(warnings)},
    )


@click.command()
@click.argument("name")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@json_flag('"name", "enabled", "project", "stopped"')
@click.pass_context
def enable(
    ctx: click.Context, name: str, project: bool, as_json: bool
) -> None:
    """
    Enable a plugin (in the user's configuration, or the project's).

    \b
    Example:
      acc-plugins enable text-tools --project
    """
    host = _host(ctx)
    try:
        host.set_enabled(name, True, project=project)
    except (PluginError, ConfigError) as exc:
        fail(str(exc))
    done(
        as_json,
        f"enabled {name} (it loads when a host starts)",
        {"name": name, "enabled": True, "project": project, "stopped": []},
    )


@click.command()
@click.argument("name")
@click.option("--project", is_flag=True, help=_PROJECT_HELP)
@click.option("-y", "--yes", is_flag=True, help="Do not ask about dependents.")
@json_flag('"name", "enabled", "project", "stopped"')
@click.pass_context
def disable(
    ctx: click.Context, name: str, project: bool, yes: bool, as_json: bool
) -> None:
    """
    Disable a plugin.  If other plugins need it, they are named, and
    disabling it keeps them from loading too, after confirmation.

    \b
    Example:
      acc-plugins disable text-tools --yes
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
    done(
        as_json,
        f"disabled {name}: it no longer loads{stopped}",
        {
            "name": name,
            "enabled": False,
            "project": project,
            "stopped": list(needed_by),
        },
    )
