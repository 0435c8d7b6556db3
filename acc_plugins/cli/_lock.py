"""
``acc-plugins lock`` and ``sync``: a team's plugins, pinned in
``acc-plugins.lock`` and installed from it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acc_plugins.errors import ConfigError, MarketplaceError, PluginError

from ._format import print_json
from ._installflow import JSON, QUIET, YES
from ._installui import describe, download_progress, fail, installer, sources
from ._log import say


if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from acc_plugins.market._candidate import Candidate
    from acc_plugins.market._installer import Outcome
    from acc_plugins.market._teamsync import SyncResult

_LOCK_FILE = click.option(
    "--file",
    "-f",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The lockfile (default: ./acc-plugins.lock).",
)


def _lock_path(given: Path | None) -> Path:
    from acc_plugins.market._lockfile import LOCK_NAME  # noqa: PLC0415

    return given if given is not None else Path.cwd() / LOCK_NAME


@click.command()
@_LOCK_FILE
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the result as JSON: {"path", "plugins"}.',
)
@click.pass_context
def lock(ctx: click.Context, path: Path | None, as_json: bool) -> None:
    """
    Pin the plugins of the install root in acc-plugins.lock.

    For each plugin of the install root (the first --path, else the user
    plugin folder): its version, the sha256 of the archive installed and
    the registry it came from, with the permissions granted and the
    settings (never secrets), so that a team reviews an update and its
    new grants as one diff.  Commit the file; teammates run `sync`.

    \b
    Example:
      acc-plugins --path .acc/plugins lock
    """
    from acc_plugins.host.config._atomic import write_atomic  # noqa: PLC0415
    from acc_plugins.market._lockfile import lock_text  # noqa: PLC0415
    from acc_plugins.market._teamsync import installed_pins  # noqa: PLC0415

    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    target = _lock_path(path)
    tool = installer(ctx)
    with tool.locked():
        found = tool.installed()
        host = _host(ctx, load=False)
        pins = installed_pins(
            {n: i for n, i in found.items() if i.origin is None}
        )
        text = lock_text(
            host.export_config(),
            {name: item.origin for name, item in found.items()},
            {name: pin[1] for name, pin in pins.items()},
        )
    try:
        write_atomic(target, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    if as_json:
        print_json({"path": str(target), "plugins": sorted(found)})
        return
    say(f"locked {len(found)} plugin(s) in {target}")


@click.command()
@_LOCK_FILE
@click.option(
    "--exact",
    is_flag=True,
    help="Also remove the plugins the lock does not name.",
)
@YES
@QUIET
@JSON
@click.pass_context
def sync(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    path: Path | None,
    exact: bool,
    yes: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """
    Install exactly the plugins acc-plugins.lock pins, and what the
    administrator's policy requires or recommends.

    Fetches each pinned version from its registry, refuses any archive
    whose sha256 differs from the lock, shows the permissions the lock
    grants (asks, unless --yes), installs, then applies the lock's
    enabled flags, grants and settings.  With --exact, plugins the lock
    does not name are removed (except those the administrator's policy
    requires).  Plugins the policy requires are installed when missing;
    recommended ones once, by default (one you uninstall stays
    uninstalled).  Without a lockfile, only the policy's plugins.

    \b
    Example:
      acc-plugins --path .acc/plugins sync --exact
    """
    from acc_plugins.market._lockfile import read_lock  # noqa: PLC0415
    from acc_plugins.market._mandated import install_mandated  # noqa: PLC0415
    from acc_plugins.market._teamsync import sync as run_sync  # noqa: PLC0415

    from ._policy import effective_policy  # noqa: PLC0415

    target = _lock_path(path)
    policy, _ = effective_policy(ctx)
    text = None
    if (
        path is not None
        or target.exists()
        or not (policy.required or policy.recommended)
    ):
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            fail(
                f"{target}: no lockfile here; `acc-plugins lock` writes one "
                f"from what is installed, or give --file"
            )
        except OSError as exc:
            fail(f"cannot read {target}: {exc.strerror or exc}")
    confirm = functools.partial(_confirm, yes=yes)
    result = mandated = None
    try:
        tool = installer(ctx)
        with download_progress(quiet or as_json) as progress:
            if text is not None:
                locked = read_lock(text, where=str(target))
                result = run_sync(
                    locked,
                    tool,
                    sources(ctx, None),
                    exact=exact,
                    confirm=confirm,
                    progress=progress,
                )
                _apply_config(ctx, locked, str(target))
            mandated = install_mandated(
                policy,
                tool,
                lambda registry: sources(ctx, registry),
                confirm=confirm,
                progress=progress,
            )
    except (PluginError, MarketplaceError, ConfigError) as exc:
        fail(str(exc))
    _report(result, mandated, as_json=as_json)


def _confirm(
    candidates: Sequence[Candidate],
    grants: Mapping[str, frozenset[str]],
    *,
    yes: bool,
) -> bool:
    from acc_plugins.market._plain import plain  # noqa: PLC0415

    for candidate in candidates:
        for line in describe(candidate, None)[:2]:
            say(line)
        given = sorted(grants.get(candidate.name, frozenset()))
        withheld = sorted(candidate.permissions - set(given))
        say(
            "  the lock grants it:"
            if given
            else "  the lock grants it nothing"
        )
        for permission in given:
            say(f"    - {plain(permission)} ({permission})")
        for permission in withheld:
            say(f"    - NOT granted: {plain(permission)} ({permission})")
    return yes or click.confirm("Go on?", default=False, err=True)


def _apply_config(
    ctx: click.Context, locked: Mapping[str, object], source: str
) -> None:
    """
    The lock's enabled flags, grants and settings, through the same
    checked, all-or-nothing import as ``config import``.
    """
    from acc_plugins.host.config._tomledit import to_toml  # noqa: PLC0415
    from acc_plugins.market._lockfile import LockedPlugin  # noqa: PLC0415

    from ._main import _host  # noqa: PLC0415

    plugins = {
        name: {**entry.config, "version": entry.version}
        for name, entry in locked.items()
        if isinstance(entry, LockedPlugin)
    }
    if plugins:
        for warning in _host(ctx, load=False).import_config(
            to_toml(plugins), source=source
        ):
            say(f"warning: {warning}")


def _report(
    result: SyncResult | None, mandated: Sequence[Outcome], *, as_json: bool
) -> None:
    installed = [*(result.installed if result else ()), *mandated]
    removed = list(result.removed) if result else []
    kept = list(result.kept) if result else []
    if as_json:
        print_json(
            {
                "installed": [
                    {"name": o.name, "version": o.version} for o in installed
                ],
                "removed": removed,
                "kept": kept,
                "unchanged": list(result.plan.keep) if result else [],
            }
        )
        return
    for outcome in installed:
        say(f"installed {outcome.name} {outcome.version}")
    for name in removed:
        say(f"removed {name}")
    for line in kept:
        say(f"kept {line}")
    if not (installed or removed):
        say("everything matches the lock and the policy")
