"""
``acc-plugins auto-update``: the automatic-update mode in force and
when it last looked; ``--now`` runs the check by hand.

Why a command at all, when hosts run the check as they start: to see
what the setting is and where it comes from, and to run the check at a
moment of one's choosing (and see what it did) rather than at the next
start, at most a day later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._errors import config_dir, data_dir
from ._format import print_json
from ._installflow import JSON
from ._installui import install_root
from ._log import say


if TYPE_CHECKING:
    from acc_plugins.market._autostart import StartupUpdates


def _startup(ctx: click.Context) -> StartupUpdates:
    from acc_plugins.market._autostart import StartupUpdates  # noqa: PLC0415 -- keeps --help fast

    from ._policy import effective_policy  # noqa: PLC0415

    policy, _ = effective_policy(ctx)
    return StartupUpdates(
        install_root(ctx), config_dir(ctx), data_dir(ctx), policy
    )


def setting_facts(ctx: click.Context) -> dict[str, object]:
    """
    The mode in force, whether the policy forces it, where it comes
    from, the install root and the last check (ISO 8601, or None).
    """
    from acc_plugins.host.config._updatesetting import update_setting  # noqa: PLC0415
    from acc_plugins.market._autostamp import UpdateStamp  # noqa: PLC0415

    startup = _startup(ctx)
    setting = update_setting(startup.config_dir, startup.policy)
    last = UpdateStamp(startup.root).last()
    return {
        "mode": setting.mode.value,
        "forced": setting.forced,
        "via": setting.via,
        "install_root": str(startup.root),
        "last_check": None if last is None else last.isoformat(),
    }


def show_setting(ctx: click.Context, *, as_json: bool) -> None:
    """
    Print `setting_facts`, as lines or as JSON.
    """
    facts = setting_facts(ctx)
    if as_json:
        print_json(facts)
        return
    forced = " (forced by the policy)" if facts["forced"] else ""
    click.echo(f"auto-update: {facts['mode']}{forced}, from {facts['via']}")
    click.echo(f"install root: {facts['install_root']}")
    click.echo(f"last check: {facts['last_check'] or 'never'}")


@click.command("auto-update")
@click.option("--now", is_flag=True, help="Check now, even if not due.")
@JSON
@click.pass_context
def auto_update(ctx: click.Context, now: bool, as_json: bool) -> None:
    """
    Show the automatic-update mode, or run the check with --now.

    The mode (off, notify, patch, minor, any) is `auto-update` in the
    user's config.toml, unless the administrator's policy sets
    `[updates] auto`.  Hosts run the check when they start, at most once
    a day.  An update that asks for a permission the plugin was not
    granted is never installed automatically: it waits for `acc-plugins
    update NAME`.  With --now and the mode off, it only reports.

    \b
    Example:
      acc-plugins auto-update --now
    """
    if not now:
        show_setting(ctx, as_json=as_json)
        return
    run = _startup(ctx).run(force=True)
    if as_json:
        print_json(
            {
                "mode": run.mode.value,
                "ran": run.ran,
                "warnings": list(run.warnings),
                "updates": [
                    {
                        "name": n.name,
                        "installed": n.installed,
                        "version": n.version,
                        "registry": n.registry,
                        "action": n.action.value,
                        "reason": n.reason,
                        "changes": list(n.changes),
                    }
                    for n in run.notes
                ],
            }
        )
        return
    for warning in run.warnings:
        say(f"warning: {warning}")
    for note in run.notes:
        click.echo(note.line())
        for change in note.changes if note.action.value == "deferred" else ():
            click.echo(f"    {change}")
    if run.ran and not run.notes:
        click.echo(f"everything is up to date ({run.mode.value})")
