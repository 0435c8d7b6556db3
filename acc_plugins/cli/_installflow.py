"""
The steps ``install`` and ``update`` share: stage what was asked for,
show each candidate (and what an update changes), ask, install, report.

Why apart from the commands: both run the same steps under the same
lock, with the same options; only how they choose what to stage differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import click

from ._format import print_json
from ._installui import (
    choose_grants,
    describe,
    diff_lines,
    download_progress,
    fail,
    outcome_json,
)
from ._log import say


if TYPE_CHECKING:
    from collections.abc import Sequence

    from acc_plugins.host.core._record import PluginInfo
    from acc_plugins.market._candidate import Candidate
    from acc_plugins.market._installed import Installed
    from acc_plugins.market._installer import Installer, Outcome
    from acc_plugins.market._requirement import Requirement
    from acc_plugins.market._sources import Sources
    from acc_plugins.market._updatediff import Summary

YES = click.option(
    "--yes", "-y", is_flag=True, help="Grant every permission asked for."
)
GRANT = click.option(
    "--grant",
    "grants",
    multiple=True,
    metavar="PERMISSION",
    help="Grant only this permission (canonical form; repeatable).",
)
JSON = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON."
)
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
PRE = click.option("--pre", is_flag=True, help="Allow pre-release versions.")


@attrs.frozen
class Answers:
    """
    What the user said on the command line: --yes, --grant, --json.
    """

    yes: bool
    grants: tuple[str, ...]
    as_json: bool


def apply(
    tool: Installer,
    candidates: list[Candidate],
    old: dict[str, Installed],
    answers: Answers,
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
    answers: Answers,
    before: dict[str, Summary],
) -> None:
    from acc_plugins.market._installer import HealthCheckError  # noqa: PLC0415
    from acc_plugins.market._updatediff import Summary, diff  # noqa: PLC0415

    held: dict[str, frozenset[str]] = {}
    tool.admit(candidates)  # a blocked plugin is refused before asking
    # What a local update's old version offers, once loaded.
    loaded: dict[str, PluginInfo] = {}
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
        for reason in outcome.policy:
            say(f"warning: {outcome.name}: {reason}")
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


def _local_needs(
    candidates: Sequence[Candidate], found: dict[str, Installed]
) -> list[Requirement]:
    """
    The dependencies of local candidates that neither the install root
    nor another candidate satisfies: resolved from the registries.
    """
    from acc_plugins.market._installed import installed_versions  # noqa: PLC0415
    from acc_plugins.market._requirement import Requirement  # noqa: PLC0415

    have = installed_versions(found)
    have.update((c.name, c.manifest.plugin.version) for c in candidates)
    needs: list[Requirement] = []
    for candidate in candidates:
        for dep in candidate.manifest.dependencies:
            version = have.get(dep.name)
            if version is None or not dep.specifier.contains(
                version, prereleases=True
            ):
                text = f"{dep.name}{dep.specifier}"
                needs.append(Requirement(text, dep.name, dep.specifier))
    return needs


def stage(
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
    from acc_plugins.market._installed import installed_versions  # noqa: PLC0415
    from acc_plugins.market._sources import stage_local  # noqa: PLC0415
    from acc_plugins.market._updatediff import Summary  # noqa: PLC0415

    candidates: list[Candidate] = []
    try:
        candidates.extend(
            stage_local(tool.root, r) for r in requirements if r.is_local
        )
        wanted = [r for r in requirements if not r.is_local]
        wanted += _local_needs(candidates, found)
        if origin is not None and wanted:
            picks = origin.plan(
                wanted,
                installed=installed_versions(found),
                prereleases=pre
                or any(r.wants_prereleases() for r in requirements),
            )
            local = {c.name for c in candidates}
            versions = installed_versions(found)
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
                fetched = origin.stage(tool.root, picks, progress)
            # Dependencies first: what the registries bring, then the
            # local plugins that may need it.
            candidates[:0] = fetched
    except BaseException:
        tool.discard(candidates)
        raise
    return candidates
