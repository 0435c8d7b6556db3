"""
``acc-plugins permissions``: what a plugin requests, is granted and gets.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from acc_plugins.errors import PluginError

from ._done import done, json_flag
from ._format import console, print_json


if TYPE_CHECKING:
    from acc_plugins.testing import Suggestion

# pytest's exit status when it collected no tests.
_NO_TESTS: Final = 5


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


@permissions.command()
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default="."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    help="Seconds the tests may run.",
)
@json_flag(
    '"plugin", "permissions", "toml", "used", "declared", "unused", '
    '"ungrantable", "passed", "pytest_status"'
)
def suggest(path: Path, timeout: float, as_json: bool) -> None:
    """
    Run the tests of the plugin in PATH (its tests/ folder, with pytest)
    while recording every permission the plugin uses, and print the
    smallest [permissions] block of plugin.toml that covers them.

    Only tests that build hosts with the testing kit's fixtures
    (plugin_host, make_plugin_host) are recorded; every plugin runs
    in-process meanwhile.  A use plugin.toml does not declare is refused
    and recorded, and the test that made it fails: the block still lists
    it, the exit status is 1, and running again after adding it shows
    what came after.

    \b
    Example:
      acc-plugins permissions suggest ./my-plugin
    """
    from acc_plugins.errors import ManifestError  # noqa: PLC0415
    from acc_plugins.testing import suggest_permissions  # noqa: PLC0415

    from ._folder import not_a_plugin_folder  # noqa: PLC0415
    from ._log import fail  # noqa: PLC0415

    problem = not_a_plugin_folder(path)
    if problem is not None:
        fail(problem)
    # The tests may take minutes: a spinner on standard error says what
    # is going on, on a terminal only (rich draws nothing into a pipe).
    waiting = console(stderr=True).status(
        f"running the tests of {path} with recording on"
    )
    try:
        with waiting:
            found = suggest_permissions(path, timeout=timeout)
    except (ManifestError, FileNotFoundError, TimeoutError) as exc:
        fail(str(exc))
    if found.status == _NO_TESTS:
        fail(f"pytest found no tests in {path / 'tests'}")
    if as_json:
        print_json(
            {
                "plugin": found.plugin,
                "permissions": found.table,
                "toml": found.toml,
                "used": list(found.used),
                "declared": list(found.declared),
                "unused": list(found.unused),
                "ungrantable": list(found.ungrantable),
                "passed": found.passed,
                "pytest_status": found.status,
            }
        )
    else:
        _show_suggestion(found)
    if not found.passed:
        for line in found.output:
            click.echo(line, err=True)
        fail(
            f"the tests of {found.plugin} failed (pytest exit status "
            f"{found.status}): the block covers what ran until then; add "
            "it and run again"
        )
    if found.hosts == 0:
        fail(
            f"the tests in {path / 'tests'} built no host with the testing "
            "kit's fixtures (plugin_host, make_plugin_host): nothing was "
            "recorded"
        )


def _show_suggestion(found: Suggestion) -> None:
    if found.table:
        click.echo(
            f"# The smallest [permissions] for {found.plugin}, "
            "from what its tests used:"
        )
        click.echo(found.toml, nl=False)
    else:
        click.echo(f"# {found.plugin}'s tests used no permission.")
    if found.unused:
        click.echo(
            "# plugin.toml also requests (no test needed it so): "
            + ", ".join(found.unused)
        )
    if found.ungrantable:
        click.echo(
            "# no [permissions] entry can allow: "
            + ", ".join(found.ungrantable)
        )
