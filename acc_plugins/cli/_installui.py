"""
What the install commands share: where the install root and the user's
stores are, the download progress bar, and how a candidate and its
permissions are shown and granted.

Why apart from the commands: ``install``, ``update``, ``uninstall`` and
``rollback`` all find the same folders and ask the same question the
same way; the words for it are written once.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import platformdirs

from ._errors import data_dir
from ._find import registries

# fail is re-exported: `lock` and `sync` import it from here.
from ._log import fail as fail  # noqa: PLC0414
from ._log import say


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from acc_plugins.host.gate._consent import GrantStore
    from acc_plugins.market._candidate import Candidate
    from acc_plugins.market._installer import Installer, Outcome
    from acc_plugins.market._registry import Progress
    from acc_plugins.market._resolver import Pick
    from acc_plugins.market._sources import Sources
    from acc_plugins.market._updatediff import UpdateDiff

_APP = "acc-plugins"


def _options(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().obj or {}


def install_root(ctx: click.Context) -> Path:
    """
    The folder installs go to: the first ``--path``, else the user plugin
    folder.
    """
    paths = _options(ctx).get("paths") or []
    if paths:
        return Path(paths[0])
    return platformdirs.user_data_path(_APP, appauthor=False) / "plugins"


def grant_store(ctx: click.Context) -> GrantStore:
    """
    The user's grants (``grants.json`` in the data folder).
    """
    from acc_plugins.host.gate._consent import GrantStore  # noqa: PLC0415 -- keeps --help fast

    return GrantStore(data_dir(ctx) / "grants.json")


def sources(ctx: click.Context, registry: str | None) -> Sources:
    """
    The registries to search: the one named, else all in order; the
    user's trusted keys make a release verified too.
    """
    from acc_plugins.market._sources import Sources  # noqa: PLC0415
    from acc_plugins.market._trust import TrustStore  # noqa: PLC0415

    trust = TrustStore(data_dir(ctx) / "trusted-keys.json")
    store = registries(ctx)
    if registry is not None:
        clients = [store.client(registry, trust=trust)]
    else:
        clients = store.clients(trust=trust)
    return Sources(clients, warn=lambda line: say(f"warning: {line}"))


def installer(ctx: click.Context) -> Installer:
    """
    The installer over the install root, with the health check in a
    scratch host that reads the user's data and config folders.
    """
    from acc_plugins.market._health import ScratchHostCheck  # noqa: PLC0415
    from acc_plugins.market._installer import Installer  # noqa: PLC0415
    from acc_plugins.market._installroot import InstallRoot  # noqa: PLC0415

    from ._policy import effective_policy  # noqa: PLC0415

    policy, _ = effective_policy(ctx)
    check = ScratchHostCheck(
        data_dir(ctx), _options(ctx).get("config_dir"), policy
    )
    return Installer(
        InstallRoot(install_root(ctx)),
        grant_store(ctx),
        check=check,
        policy=policy,
    )


@contextlib.contextmanager
def download_progress(
    quiet: bool,
) -> Iterator[Callable[[Pick], Progress | None]]:
    """
    The download bars (`acc_plugins.cli._progress`), one per archive;
    yields a function from a pick to its progress callback.
    """
    from ._progress import downloads  # noqa: PLC0415 -- rich only when needed

    with downloads(quiet=quiet) as start:
        yield lambda pick: start(
            f"{pick.name} {pick.version}", pick.release.size
        )


def describe(candidate: Candidate, replaced: str | None) -> list[str]:
    """
    The lines that present a candidate before the user decides.
    """
    from acc_plugins.market._plain import plain  # noqa: PLC0415

    origin = candidate.origin
    action = (
        f"update {candidate.name} {replaced} -> {candidate.version}"
        if replaced
        else f"install {candidate.name} {candidate.version}"
    )
    if origin.source.startswith("registry:"):
        where = f"from registry {origin.source.removeprefix('registry:')!r}, published by {origin.publisher}"
    else:
        where = f"from {origin.source}"
    if candidate.trust == "verified":
        badge = f"verified (key {origin.key_id})"
    elif candidate.trust == "signed":
        badge = f"signed by key {origin.key_id}, which neither the registry's owner nor you vouch for"
    else:
        badge = "unsigned: a local folder or archive; nobody vouches for it"
    lines = [f"{action} {where}", f"  {badge}"]
    if candidate.permissions:
        lines.append("  it asks to:")
        lines.extend(
            f"    - {plain(p)} ({p})" for p in sorted(candidate.permissions)
        )
    else:
        lines.append("  it asks for no permissions")
    return lines


def diff_lines(diff: UpdateDiff) -> list[str]:
    """
    An update's changes, indented, or a line saying there are none.
    """
    lines = [f"    {line}" for line in diff.lines()]
    return (
        ["  what changes:", *lines]
        if lines
        else ["  no change in permissions, tools or settings"]
    )


def choose_grants(
    candidates: Sequence[Candidate],
    held: dict[str, frozenset[str]],
    *,
    yes: bool,
    chosen: tuple[str, ...],
) -> dict[str, frozenset[str]]:
    """
    What to grant each candidate: everything with ``--yes``, only the
    ``--grant`` ones when given, else what the user confirms; only
    permissions not held already are asked about.

    Exits with an error if a ``--grant`` is asked for by none of them,
    or the user says no (nothing is installed).
    """
    from acc_plugins.manifest._permissions import parse_permission  # noqa: PLC0415

    given: set[str] = set()
    for text in chosen:
        try:
            given.add(parse_permission(text).canonical)
        except ValueError as exc:
            fail(f"--grant {text!r}: {exc}")
    wanted = {
        c.name: c.permissions - held.get(c.name, frozenset())
        for c in candidates
    }
    unasked = given - set().union(*(c.permissions for c in candidates))
    if unasked:
        fail(
            f"--grant {', '.join(sorted(unasked))}: not asked for by {', '.join(c.name for c in candidates)}"
        )
    if yes:
        return wanted
    if chosen:
        return {name: need & given for name, need in wanted.items()}
    for name, need in wanted.items():
        if not need:
            continue
        try:
            agreed = click.confirm(
                f"Grant {name} the {len(need)} permission{'s' if len(need) != 1 else ''} above?",
                err=True,
            )
        except click.Abort:
            fail(
                "no answer: nothing was installed (use --yes or --grant in scripts)"
            )
        if not agreed:
            fail(f"permissions for {name} refused: nothing was installed")
    return wanted


def outcome_json(outcome: Outcome, candidate: Candidate) -> dict[str, Any]:
    """
    One install's result as plain JSON data.
    """
    health = outcome.health
    return {
        "name": outcome.name,
        "version": outcome.version,
        "replaced": outcome.replaced,
        "source": candidate.origin.source,
        "trust": candidate.trust,
        "sha256": candidate.origin.sha256,
        "granted": sorted(outcome.granted),
        "ungranted": sorted(candidate.permissions - outcome.granted),
        "healthy": None if health is None else health.ok,
        "policy_warnings": list(outcome.policy),
    }
