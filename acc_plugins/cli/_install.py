"""
``acc-plugins install`` and ``update``: find, check, show, ask, install.

Everything happens under the install root's lock: resolving against
what is installed, fetching and checking, asking the user, swapping in.
A second run started meanwhile waits, then sees this one's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acc_plugins.errors import MarketplaceError, PluginError

from ._format import print_json
from ._installflow import (
    GRANT,
    JSON,
    PRE,
    QUIET,
    YES,
    Answers,
    apply,
    stage,
)
from ._installui import installer, sources
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.market._candidate import Candidate
    from acc_plugins.market._installed import Installed
    from acc_plugins.market._requirement import Requirement
    from acc_plugins.market._updatediff import Summary


@click.command()
@click.argument("requirements", nargs=-1, required=True)
@click.option("--registry", "-r", help="Install from this registry only.")
@PRE
@YES
@GRANT
@click.option(
    "--reinstall",
    is_flag=True,
    help="Install even if that version is installed.",
)
@QUIET
@JSON
@click.pass_context
def install(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    requirements: tuple[str, ...],
    registry: str | None,
    pre: bool,
    yes: bool,
    grants: tuple[str, ...],
    reinstall: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """
    Install plugins from a registry, a folder or a .accp file.

    Each REQUIREMENT is NAME, NAME==VERSION or NAME>=VERSION (searched in
    the registries in order, or in --registry), a plugin folder (with a
    '/', like ./hello) or a .accp file.  Dependencies come along.  Shows
    whether each plugin is verified, signed or unsigned and what it asks
    to do, then asks to grant that (--yes grants all, --grant only
    those).  Installs into the first --path, else the user plugin folder.

    \b
    Example:
      acc-plugins install hello>=1.2 --grant net:https://api.example.com
    """
    from acc_plugins.market._requirement import parse_requirement  # noqa: PLC0415

    try:
        parsed = [parse_requirement(text) for text in requirements]
    except MarketplaceError as exc:
        fail(str(exc))
    tool = installer(ctx)
    try:
        with tool.locked():
            found = tool.installed()
            chosen = [
                r
                for r in parsed
                if r.is_local or reinstall or not _satisfied(r, found)
            ]
            if not chosen:
                return
            origin = sources(ctx, registry)
            candidates = stage(
                tool, origin, chosen, found, pre=pre, quiet=quiet or as_json
            )
            apply(tool, candidates, found, Answers(yes, grants, as_json))
    except (PluginError, MarketplaceError) as exc:
        fail(str(exc))


def _satisfied(requirement: Requirement, found: dict[str, Installed]) -> bool:
    have = found.get(requirement.name or "")
    if have is None:
        return False
    if have.version in requirement.specifier or not str(requirement.specifier):
        say(
            f"{have.name} {have.version} is already installed (use update, or --reinstall)"
        )
        return True
    return False


@click.command()
@click.argument("names", nargs=-1)
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Update every plugin installed from a registry.",
)
@PRE
@YES
@GRANT
@QUIET
@JSON
@click.pass_context
def update(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    names: tuple[str, ...],
    all_: bool,
    pre: bool,
    yes: bool,
    grants: tuple[str, ...],
    quiet: bool,
    as_json: bool,
) -> None:
    """
    Update plugins installed from a registry to their newest version.

    Before anything changes it shows what the update changes, in plain
    language: new or widened permissions, removed ones, tools, agents,
    workflows and hooks that come or go, settings added, removed or
    retyped; and asks again for any new permission (--yes, --grant).
    The new version must then activate and pass its health check, or the
    previous one is put back and the command fails saying why.

    \b
    Example:
      acc-plugins update --all --yes
    """
    from acc_plugins.market._requirement import Requirement  # noqa: PLC0415

    if bool(names) == all_:
        fail("name the plugins to update, or give --all")
    tool = installer(ctx)
    try:
        with tool.locked():
            found = tool.installed()
            targets = _registry_plugins(found, names, every=all_)
            by_registry: dict[str, list[Requirement]] = {}
            for name, registry in targets.items():
                by_registry.setdefault(registry, []).append(
                    Requirement(name, name)
                )
            candidates: list[Candidate] = []
            before: dict[str, Summary] = {}
            try:
                for registry, wanted in by_registry.items():
                    staged = stage(
                        tool,
                        sources(ctx, registry),
                        wanted,
                        found,
                        pre=pre,
                        quiet=quiet or as_json,
                        newer_only=True,
                        before=before,
                    )
                    candidates.extend(staged)
                if not candidates:
                    if as_json:
                        print_json([])
                    else:
                        click.echo("everything is up to date")
                    return
                answers = Answers(yes, grants, as_json)
                apply(tool, candidates, found, answers, before)
            finally:
                tool.discard(candidates)
    except (PluginError, MarketplaceError) as exc:
        fail(str(exc))


def _registry_plugins(
    found: dict[str, Installed], names: tuple[str, ...], *, every: bool
) -> dict[str, str]:
    targets: dict[str, str] = {}
    for name in names:
        if name not in found:
            fail(
                f"{name} is not installed; `acc-plugins install {name}` "
                f"installs it"
            )
    for name in names or sorted(found):
        origin = found[name].origin
        if origin is None or not origin.source.startswith("registry:"):
            if every:
                continue
            fail(
                f"{name} was not installed from a registry; install it again from where it came from"
            )
        targets[name] = origin.source.removeprefix("registry:")
    return targets
