"""
``acc-plugins install`` and ``update``: find, check, show, ask, install.

Everything happens under the install root's lock: resolving against
what is installed, fetching and checking, asking the user, swapping in.
A second run started meanwhile waits, then sees this one's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import click

from acc_plugins.errors import MarketplaceError, PluginError

from ._format import print_json
from ._installui import (
    choose_grants,
    describe,
    diff_lines,
    download_progress,
    fail,
    installer,
    outcome_json,
    sources,
)
from ._log import say


if TYPE_CHECKING:
    from collections.abc import Sequence

    from packaging.version import Version

    from acc_plugins.host.core._record import PluginInfo
    from acc_plugins.market._candidate import Candidate
    from acc_plugins.market._installer import Installed, Installer, Outcome
    from acc_plugins.market._requirement import Requirement
    from acc_plugins.market._sources import Sources
    from acc_plugins.market._updatediff import Summary

_YES = click.option(
    "--yes", "-y", is_flag=True, help="Grant every permission asked for."
)
_GRANT = click.option(
    "--grant",
    "grants",
    multiple=True,
    metavar="PERMISSION",
    help="Grant only this permission (canonical form; repeatable).",
)
_JSON = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON."
)
_QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
_PRE = click.option("--pre", is_flag=True, help="Allow pre-release versions.")


def _installed_versions(found: dict[str, Installed]) -> dict[str, Version]:
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415

    versions: dict[str, Version] = {}
    for name, item in found.items():
        try:
            versions[name] = Version(item.version)
        except InvalidVersion:
            continue
    return versions


@attrs.frozen
class _Answers:
    """
    What the user said on the command line: --yes, --grant, --json.
    """

    yes: bool
    grants: tuple[str, ...]
    as_json: bool


def _apply(
    tool: Installer,
    candidates: list[Candidate],
    old: dict[str, Installed],
    answers: _Answers,
    before: dict[str, Summary] | None = None,
) -> None:
    """
    Show *candidates* (with what an update changes: from *before*, the
    index's summary of the installed version, else from its manifest),
    ask, install, report; the staged candidates go whatever happens.
    """
    try:
        _show_and_install(tool, candidates, old, answers, before or {})
    finally:
        tool.discard(candidates)


def _show_and_install(
    tool: Installer,
    candidates: list[Candidate],
    old: dict[str, Installed],
    answers: _Answers,
    before: dict[str, Summary],
) -> None:
    from acc_plugins.market._installer import HealthCheckError  # noqa: PLC0415
    from acc_plugins.market._updatediff import Summary, diff  # noqa: PLC0415

    held: dict[str, frozenset[str]] = {}
    loaded: dict[str, PluginInfo] = {}  # what a local update's old version offers, once loaded
    for candidate in candidates:
        previous = old.get(candidate.name)
        if previous is not None and candidate.release is None:
            report = tool.inspect(candidate.name)
            if report is not None and report.info is not None:
                loaded[candidate.name] = report.info
        for line in describe(
            candidate, None if previous is None else previous.version
        ):
            say(line)
        known = before.get(candidate.name)
        if (
            known is None
            and previous is not None
            and previous.manifest is not None
        ):
            known = Summary.of_manifest(previous.manifest)
        if known is not None:
            for line in diff_lines(diff(known, candidate.summary())):
                say(line)
        held[candidate.name] = (
            tool.grants.granted(candidate.name) or frozenset()
        )
    chosen = choose_grants(
        candidates, held, yes=answers.yes, chosen=answers.grants
    )
    try:
        outcomes = tool.install(candidates, chosen)
    except HealthCheckError as exc:
        fail(str(exc))
    by_name = {c.name: c for c in candidates}
    if answers.as_json:
        print_json([outcome_json(o, by_name[o.name]) for o in outcomes])
        return
    for outcome in outcomes:
        candidate = by_name[outcome.name]
        _offers(outcome, candidate, old, loaded.get(outcome.name))
        verb = (
            f"updated {outcome.name} {outcome.replaced} -> {outcome.version}"
            if outcome.replaced
            else f"installed {outcome.name} {outcome.version}"
        )
        left = candidate.permissions - outcome.granted
        note = f"; not granted: {', '.join(sorted(left))}" if left else ""
        click.echo(f"{verb} ({candidate.trust}) in {tool.root.path}{note}")


def _offers(
    outcome: Outcome,
    candidate: Candidate,
    old: dict[str, Installed],
    before: PluginInfo | None,
) -> None:
    """
    For a local update, what it offers that the old version did not (and
    the reverse), known once both were loaded.
    """
    from acc_plugins.market._updatediff import Summary, diff  # noqa: PLC0415

    previous = old.get(outcome.name)
    after = None if outcome.health is None else outcome.health.info
    if before is None or after is None or previous is None:
        return
    if previous.manifest is None:
        return
    was = Summary.of_manifest(previous.manifest).loaded(before)
    now = candidate.summary().loaded(after)
    for line in diff(was, now).offer_lines():
        say(f"  {line}")


@click.command()
@click.argument("requirements", nargs=-1, required=True)
@click.option("--registry", "-r", help="Install from this registry only.")
@_PRE
@_YES
@_GRANT
@click.option(
    "--reinstall",
    is_flag=True,
    help="Install even if that version is installed.",
)
@_QUIET
@_JSON
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
            origin = (
                sources(ctx, registry)
                if any(not r.is_local for r in chosen)
                else None
            )
            candidates = _stage(
                tool, origin, chosen, found, pre=pre, quiet=quiet or as_json
            )
            _apply(tool, candidates, found, _Answers(yes, grants, as_json))
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


def _stage(
    tool: Installer,
    origin: Sources | None,
    requirements: Sequence[Requirement],
    found: dict[str, Installed],
    *,
    pre: bool,
    quiet: bool,
    newer_only: bool = False,
    before: dict[str, Summary] | None = None,
) -> list[Candidate]:
    """
    Stage the local requirements, then resolve and fetch the registry
    ones (only those newer than installed with *newer_only*); note in
    *before* what the index says of each installed version replaced.
    """
    from acc_plugins.market._sources import stage_local  # noqa: PLC0415
    from acc_plugins.market._updatediff import Summary  # noqa: PLC0415

    candidates: list[Candidate] = []
    try:
        candidates.extend(
            stage_local(tool.root, r) for r in requirements if r.is_local
        )
        if origin is not None:
            picks = origin.plan(
                [r for r in requirements if not r.is_local],
                installed=_installed_versions(found),
                prereleases=pre
                or any(r.wants_prereleases() for r in requirements),
            )
            local = {c.name for c in candidates}
            versions = _installed_versions(found)
            picks = [
                p
                for p in picks
                if p.name not in local
                and not (
                    newer_only
                    and p.name in versions
                    and p.version <= versions[p.name]
                )
            ]
            for pick in picks:
                have = found.get(pick.name)
                release = (
                    None
                    if have is None
                    else pick.listing.versions.get(have.version)
                )
                if have and release is not None and before is not None:
                    before[pick.name] = Summary.of_release(
                        have.version, release
                    )
            with download_progress(quiet) as progress:
                candidates.extend(origin.stage(tool.root, picks, progress))
    except BaseException:
        tool.discard(candidates)
        raise
    return candidates


@click.command()
@click.argument("names", nargs=-1)
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Update every plugin installed from a registry.",
)
@_PRE
@_YES
@_GRANT
@_QUIET
@_JSON
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
                    staged = _stage(
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
                answers = _Answers(yes, grants, as_json)
                _apply(tool, candidates, found, answers, before)
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
            fail(f"{name} is not installed")
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
