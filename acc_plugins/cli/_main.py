"""
The ``acc-plugins`` command: arguments in, one API call, text out.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from ._errors import GuardedGroup
from ._format import no_color, print_json
from ._log import fail, show_host_log


if TYPE_CHECKING:
    from acc_plugins.host import PluginHost

_PATHS_HELP = (
    "A folder of plugins, or a plugin folder (repeatable). Defaults to the "
    "user plugin folder and ./.acc/plugins; also ACC_PLUGINS_PATH "
    "(separated by the OS path separator)."
)


def _host(
    ctx: click.Context, *, load: bool = True, count_steps: bool = False
) -> PluginHost:
    from acc_plugins.host import PluginHost  # noqa: PLC0415 -- keeps --help fast
    from acc_plugins.security import Severity  # noqa: PLC0415

    from ._claude import chosen_provider  # noqa: PLC0415
    from ._policy import effective_policy  # noqa: PLC0415

    options = ctx.obj
    for path in options["paths"]:
        if not path.exists():  # a typo, not an empty folder of plugins
            source = ctx.find_root().get_parameter_source("paths")
            given = (
                "ACC_PLUGINS_PATH"
                if source is ParameterSource.ENVIRONMENT
                else "--path"
            )
            fail(f"{given} {path}: no such file or folder")
    blocks = options["scan_blocks"]
    show_host_log(ctx)  # before the policy, which may warn too
    policy, _ = effective_policy(ctx)
    if count_steps:  # profile: every plugin's code counts its steps
        from acc_plugins.host.debug._profile import counting_steps  # noqa: PLC0415

        policy = counting_steps(policy)
    host = PluginHost(
        options["paths"] or None,
        claude=chosen_provider(ctx),
        cache_dir=options["cache_dir"],
        data_dir=options["data_dir"],
        config_dir=options.get("config_dir"),
        scan_threshold=None if blocks == "off" else Severity(blocks),
        policy=policy,
    )
    if load:
        host.start()
        ctx.call_on_close(host.stop)
    else:  # read manifests and configuration only: no plugin code runs
        host.survey()
    return host


@click.group(
    cls=GuardedGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "-p",
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    envvar="ACC_PLUGINS_PATH",
    help=_PATHS_HELP,
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    help="Where compiled plugin code is cached.",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="Where plugin storage lives.",
)
@click.option(
    "--config-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="ACC_PLUGINS_CONFIG_DIR",
    help=(
        "Where the user's config.toml lives (default: the user config "
        "folder). Also ACC_PLUGINS_CONFIG_DIR."
    ),
)
@click.option(
    "--claude",
    type=click.Choice(["anthropic", "claude-code", "fake", "none"]),
    envvar="ACC_PLUGINS_CLAUDE",
    help=(
        "The Claude plugins get: anthropic (the Messages API; "
        "ANTHROPIC_API_KEY or `claude key set`), claude-code (claude -p, "
        "for a Claude Code subscription), fake (offline; the default) or "
        "none.  Also ACC_PLUGINS_CLAUDE; else [claude] provider in "
        "config.toml.  The demo uses the fake unless this says otherwise."
    ),
)
@click.option(
    "--fake-claude/--no-fake-claude",
    default=True,
    hidden=True,  # the older spelling: --no-fake-claude is --claude none
)
@click.option(
    "--scan-blocks",
    type=click.Choice(["info", "low", "medium", "high", "critical", "off"]),
    default="critical",
    show_default=True,
    help="Do not load plugins the static scanner rates this bad or worse.",
)
@click.option(
    "--policy",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="ACC_PLUGINS_POLICY",
    help=(
        "The administrator's policy file (TOML): plugins, registries and "
        "signatures allowed, permissions, a required isolation tier, scan "
        "and quarantine thresholds. Also ACC_PLUGINS_POLICY; else "
        "`policy` in the user's config.toml."
    ),
)
@click.version_option(package_name="acc-plugins")
@click.pass_context
def cli(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    paths: tuple[Path, ...],
    cache_dir: Path | None,
    data_dir: Path | None,
    config_dir: Path | None,
    claude: str | None,
    fake_claude: bool,
    scan_blocks: str,
    policy: Path | None,
) -> None:
    """
    Manage and run acc_plugins plugins.

    Commands that print data take --json.  NO_COLOR (any non-empty
    value) turns every style off; Ctrl-C exits with status 130.

    \b
    Example:
      acc-plugins --path ./plugins list --json
    """
    if no_color():
        ctx.color = False  # click.echo then strips click.style's codes
    ctx.obj = {
        "paths": list(paths),
        "cache_dir": cache_dir,
        "data_dir": data_dir,
        "config_dir": config_dir,
        "claude": claude,
        "fake_claude": fake_claude,
        "scan_blocks": scan_blocks,
        "policy": policy,
    }


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON: {"ok", "name", "version", "modules", "problems", '
    '"warnings"}.',
)
def validate(path: Path, as_json: bool) -> None:
    """
    Check a plugin folder: manifest, sandbox compilation, imports, entry.

    Runs none of the plugin's code.  Exits 1 if anything is wrong.

    \b
    Example:
      acc-plugins validate ./my-plugin --json
    """
    from acc_plugins.host import validate_plugin  # noqa: PLC0415

    if not path.is_dir():
        fail(f"{path}: not a folder")
    report = validate_plugin(path)
    meta = report.manifest.plugin if report.manifest else None
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "name": meta.name if meta else None,
                "version": str(meta.version) if meta else None,
                "modules": list(report.modules),
                "problems": list(report.problems),
                "warnings": list(report.warnings),
            }
        )
        sys.exit(0 if report.ok else 1)
    for problem in report.problems:
        click.echo(problem)
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    if not report.ok:
        count = len(report.problems)
        fail(f"{count} problem{'s' if count != 1 else ''} in {path}")
    assert meta is not None  # noqa: S101 -- ok implies a manifest
    click.echo(
        f"ok: {meta.name} {meta.version} is valid "
        f"({len(report.modules)} module{'s' if len(report.modules) != 1 else ''})"
    )


@cli.command()
@click.argument(
    "path",
    default=".",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "--call",
    "call_",
    metavar="'TOOL [KEY=VALUE ...]'",
    help=(
        "Run this tool call after the start and after each reload, and "
        "show its result (one quoted string, as a shell would split it)."
    ),
)
@click.option(
    "--max-reloads",
    type=click.IntRange(min=1),
    help="Stop after this many reloads (for scripts); default: never.",
)
@click.pass_context
def dev(
    ctx: click.Context,
    path: Path,
    call_: str | None,
    max_reloads: int | None,
) -> None:
    """
    The plugin author's loop: load the plugin in PATH (default: here),
    reload it whenever its files change, and print each reload with its
    time, errors with their source lines, the plugin's log, and the
    result of --call after each reload.  Ctrl-C ends it.

    \b
    Example:
      acc-plugins dev ./word-tools --call 'word-tools.count text="a b"'
    """
    from ._call import parse_pairs  # noqa: PLC0415 -- kept with its command
    from ._dev import run_dev  # noqa: PLC0415 -- likewise

    ctx.obj["paths"] = [path]
    call = None
    if call_ is not None:
        try:
            words = shlex.split(call_)
        except ValueError as exc:
            fail(f"--call: {exc}")
        if not words:
            fail("--call needs a tool name")
        call = (words[0], parse_pairs(tuple(words[1:])))
    run_dev(_host(ctx), call, max_reloads)


@cli.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Use this folder as the demo home and keep it afterwards.",
)
@click.pass_context
def demo(ctx: click.Context, keep: Path | None) -> None:
    """
    Load the example plugins into a temporary home and show them working,
    including a hostile plugin being refused; then publish two of them to
    a signed registry folder, search it, install from it, refuse a
    tampered archive and write the marketplace site.  Needs nothing set
    up and runs offline.

    \b
    Example:
      acc-plugins demo --keep demo-home
    """
    from ._claude import chosen_provider  # noqa: PLC0415
    from ._demo import run_demo  # noqa: PLC0415

    sys.exit(run_demo(keep, claude=chosen_provider(ctx, demo=True)))


@cli.command()
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: {module: [members]}."
)
def modules(as_json: bool) -> None:
    """
    List the standard-library modules plugins may import, with members.

    \b
    Example:
      acc-plugins modules --json
    """
    from acc_plugins.sandbox import (  # noqa: PLC0415 -- this command only
        ALLOWED_MODULES,
        SANDBOX_MODULES,
    )

    allowed = dict(sorted({**ALLOWED_MODULES, **SANDBOX_MODULES}.items()))
    if as_json:
        print_json({name: list(members) for name, members in allowed.items()})
        return
    for name, members in allowed.items():
        click.echo(f"{name}: {', '.join(members)}")
    click.echo("acc_plugins.sdk: the plugin SDK")


def _register() -> None:  # noqa: PLR0915 -- one import and one line a command
    from ._audit import audit  # noqa: PLC0415 -- kept with its command
    from ._autoupdate import auto_update  # noqa: PLC0415 -- likewise
    from ._call import call  # noqa: PLC0415 -- likewise
    from ._claude import claude  # noqa: PLC0415 -- likewise
    from ._config import config, disable, enable  # noqa: PLC0415 -- likewise
    from ._debug import DEBUG_COMMANDS  # noqa: PLC0415 -- likewise
    from ._docs import docs  # noqa: PLC0415 -- likewise
    from ._find import search, show  # noqa: PLC0415 -- likewise
    from ._install import install, update  # noqa: PLC0415 -- likewise
    from ._keys import keys  # noqa: PLC0415 -- likewise
    from ._lock import lock, sync  # noqa: PLC0415 -- likewise
    from ._manage import outdated, rollback, uninstall  # noqa: PLC0415 -- likewise
    from ._mcp import mcp  # noqa: PLC0415 -- likewise
    from ._new import new  # noqa: PLC0415 -- likewise
    from ._owner import add_commands  # noqa: PLC0415 -- likewise
    from ._package import package  # noqa: PLC0415 -- likewise
    from ._permissions import permissions  # noqa: PLC0415 -- likewise
    from ._plugins import info, list_  # noqa: PLC0415 -- likewise
    from ._policy import policy  # noqa: PLC0415 -- likewise
    from ._publish import publish, report, review, yank  # noqa: PLC0415
    from ._quarantine import quarantine  # noqa: PLC0415 -- likewise
    from ._registry import registry  # noqa: PLC0415 -- likewise
    from ._scan import scan  # noqa: PLC0415 -- likewise
    from ._schema import schema  # noqa: PLC0415 -- likewise
    from ._site import site  # noqa: PLC0415 -- likewise
    from ._stats import stats  # noqa: PLC0415 -- likewise
    from ._storage import storage  # noqa: PLC0415 -- likewise

    for command in (list_, info, call, *DEBUG_COMMANDS):
        cli.add_command(command)
    cli.add_command(config)
    cli.add_command(enable)
    cli.add_command(disable)
    cli.add_command(scan)
    cli.add_command(docs)
    cli.add_command(stats)
    cli.add_command(storage)
    cli.add_command(audit)
    cli.add_command(quarantine)
    cli.add_command(permissions)
    cli.add_command(keys)
    cli.add_command(package)
    cli.add_command(lock)
    cli.add_command(sync)
    cli.add_command(policy)
    add_commands(registry)
    cli.add_command(registry)
    cli.add_command(publish)
    cli.add_command(yank)
    cli.add_command(review)
    cli.add_command(report)
    cli.add_command(search)
    cli.add_command(show)
    cli.add_command(site)
    cli.add_command(auto_update)
    cli.add_command(schema)
    cli.add_command(mcp)
    cli.add_command(claude)
    for command in (install, update, outdated, uninstall, rollback, new):
        cli.add_command(command)


_register()
