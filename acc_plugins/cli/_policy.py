"""
``acc-plugins policy``: the administrator's policy in force, where it
came from, and what it makes of the installed plugins.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from acc_plugins.errors import PolicyError

from ._errors import config_dir
from ._format import print_json
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.host.config._policypath import PolicyLocation
    from acc_plugins.host.gate._policycheck import PolicyReport
    from acc_plugins.security import Policy


def effective_policy(
    ctx: click.Context,
) -> tuple[Policy, PolicyLocation | None]:
    """
    The policy in force for this command and where it came from; a
    policy that is named but cannot be read ends the command with
    ``error: ...``.
    """
    from acc_plugins.host.config._policypath import load_policy  # noqa: PLC0415

    root = ctx.find_root()
    given = (root.obj or {}).get("policy")
    source = root.get_parameter_source("policy")
    via = (
        "ACC_PLUGINS_POLICY"
        if source is ParameterSource.ENVIRONMENT
        else "the --policy option"
    )
    try:
        found = load_policy(config_dir(ctx), given=given, given_via=via)
    except PolicyError as exc:
        fail(str(exc))
    if found[1] is None:
        _say_if_broken(config_dir(ctx) / "config.toml")
    return found


def _say_if_broken(config: Path) -> None:
    # A broken config.toml names no policy.  A host reports the file
    # itself, in the same words (so say() shows the line once); commands
    # that build no host (policy show) would otherwise not mention it.
    from acc_plugins.errors import ConfigError  # noqa: PLC0415
    from acc_plugins.host.config._tomlread import (  # noqa: PLC0415
        parse,
        read_text,
    )

    try:
        parse(config, read_text(config))
    except ConfigError as exc:
        say(f"error: {exc}")


@click.group()
def policy() -> None:
    """
    Show the administrator's policy and check plugins against it.

    The policy file is chosen by --policy, else ACC_PLUGINS_POLICY, else
    `policy = "..."` in the user's config.toml.

    \b
    Example:
      acc-plugins --policy /etc/acc/policy.toml policy check
    """


def _any(patterns: list[str] | None, none: str = "any") -> str:
    if patterns is None:
        return none
    return ", ".join(patterns) or "none"


def _described(data: dict[str, Any]) -> list[tuple[str, str]]:
    plugins, permissions = data["plugins"], data["permissions"]
    signatures = {
        "none": "not required",
        "signed": "every plugin must be installed from a signed archive",
        "verified": "every plugin must be signed by a verified key",
    }

    def listed(entries: list[dict[str, Any]]) -> str:
        return ", ".join(
            e["plugin"] + (f" (from {e['registry']})" if e["registry"] else "")
            for e in entries
        )

    report_only = data["mode"] == "report-only"
    rows = [
        (
            "mode",
            "report-only: would-be blocks are logged and audited, nothing "
            "is blocked"
            if report_only
            else "enforce: what the rules block is blocked",
        ),
        ("plugins allowed", _any(plugins["allow"], "any not blocked")),
        ("plugins blocked", _any(plugins["block"])),
        ("required", listed(plugins["required"]) or "none"),
        ("recommended", listed(plugins["recommended"]) or "none"),
        ("registries", _any(data["registries"]["allow"])),
        ("signatures", signatures[data["signatures"]["require"]]),
        ("permissions granted", _any(permissions["allow"], "any requested")),
        ("permissions denied", _any(permissions["deny"])),
        ("plugins refused for", _any(permissions["refuse"])),
        (
            "isolation",
            data["isolation"]["require"] or "as each manifest says",
        ),
        ("scan blocks", data["scan"]["blocks"] or "the host's setting"),
        (
            "quarantine after",
            f"{data['quarantine']['breaches']} budget breaches"
            if data["quarantine"]["breaches"]
            else "the host's setting",
        ),
    ]
    limits = ", ".join(f"{k} {v:g}" for k, v in data["limits"].items())
    rows.append(("limit ceilings", limits or "none"))
    settings = ", ".join(
        f"{plugin}.{key}"
        for plugin, values in data["settings"].items()
        for key in values
    )
    rows.append(("settings fixed", settings or "none"))
    return rows


@policy.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """
    Show the policy in force, rule by rule, and where it came from.

    \b
    Example:
      ACC_PLUGINS_POLICY=/etc/acc/policy.toml acc-plugins policy show
    """
    found, location = effective_policy(ctx)
    data = found.to_json()
    data["via"] = location.via if location else None
    if as_json:
        print_json(data)
        return
    if location is None:
        click.echo(
            "no policy: none is named by --policy, ACC_PLUGINS_POLICY or "
            f"`policy` in {config_dir(ctx) / 'config.toml'}; everything "
            "is allowed"
        )
        return
    click.echo(f"policy {location.path} (from {location.via})")
    for label, text in _described(data):
        click.echo(f"  {label + ':':<22}{text}")


def _report(report: PolicyReport) -> None:
    verb = "would block" if report.policy.report_only else "blocked"
    for check in report.plugins:
        version = f" {check.version}" if check.version else ""
        if check.problem is not None:
            click.echo(f"invalid  {check.name}{version}: {check.problem}")
        elif check.verdict is not None and check.verdict.would_block:
            click.echo(f"{verb}  {check.name}{version} ({check.root})")
            for reason in check.verdict.reasons:
                click.echo(f"  - {reason}")
        else:
            click.echo(f"ok  {check.name}{version}")
    for missing in report.missing:
        click.echo(f"missing  {missing}")
    count = len(report.blocked)
    click.echo(
        f"{len(report.plugins)} plugins checked against "
        f"{report.policy.source}: {count} {verb}, "
        f"{len(report.missing)} required missing"
    )


@policy.command()
@click.option(
    "-p",
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help=(
        "A folder of plugins, or a plugin folder (repeatable); by default "
        "the folders the host searches."
    ),
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """
    Check every installed plugin against the policy, running none of
    their code: what is blocked (or, in report-only mode, would be) and
    why, and the required plugins missing.  Exits 1 when a plugin is
    blocked or would be, 0 otherwise.

    \b
    Example:
      acc-plugins policy check --path ./plugins
    """
    from acc_plugins.host.core._discovery import default_paths  # noqa: PLC0415
    from acc_plugins.host.gate._admission import registry_locations  # noqa: PLC0415
    from acc_plugins.host.gate._policycheck import check_installed  # noqa: PLC0415

    found, _ = effective_policy(ctx)
    chosen = list(paths) or ctx.find_root().obj.get("paths") or default_paths()
    report = check_installed(
        found, chosen, locate=registry_locations(config_dir(ctx))
    )
    if as_json:
        print_json(report.to_json())
    else:
        _report(report)
    if report.blocked:
        sys.exit(1)
