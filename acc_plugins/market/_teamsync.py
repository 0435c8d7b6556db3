"""
``sync``: make an install root hold exactly what a team's lockfile pins,
fetched from the registries and checked against the lock's digests.

Why the digests are checked on top of the registry's own checks: the
lock is what the team reviewed.  A registry whose archive for a pinned
version has other bytes than the lock says (a version re-published, or
a registry owner's key misused) must not be able to slip different code
into every teammate's install, so that is refused, naming both digests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import MarketplaceError

from ._archive import archive_digest, build_archive
from ._installer import PolicyBlockedError
from ._lockfile import plan_sync
from ._resolver import Pick


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ._candidate import Candidate
    from ._installed import Installed
    from ._installer import Installer, Outcome
    from ._lockfile import LockedPlugin, SyncPlan
    from ._registry import Progress
    from ._sources import Sources

    Confirm = Callable[
        [Sequence[Candidate], Mapping[str, frozenset[str]]], bool
    ]
    """Shown the candidates and the grants the lock gives them; True to go on."""


class SyncRefusedError(MarketplaceError):
    """
    The user declined the grants a lockfile gives; nothing was changed.
    """


@attrs.frozen
class SyncResult:
    """
    What ``sync`` did.

    Attributes:
        plan: What it set out to do.

        installed: The plugins installed or replaced.

        removed: The plugins removed (``exact``).

        kept: Plugins ``exact`` would remove but the administrator's
            policy requires, each with the reason.
    """

    plan: SyncPlan
    installed: tuple[Outcome, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def installed_pins(
    found: Mapping[str, Installed],
) -> dict[str, tuple[str, str]]:
    """
    Each installed plugin's (version, sha256): from its origin, or, for a
    plugin put there by hand, the digest of the archive built from it.
    """
    pins: dict[str, tuple[str, str]] = {}
    for name, item in found.items():
        if item.origin is not None:
            pins[name] = (item.version, item.origin.sha256)
            continue
        try:
            digest = archive_digest(build_archive(item.folder))
        except (MarketplaceError, OSError, ValueError):
            digest = "?"  # unreadable: never equal to a lock's digest
        pins[name] = (item.version, digest)
    return pins


def lock_picks(plan: SyncPlan, sources: Sources) -> list[Pick]:
    """
    The releases *plan* installs, each checked against the lock.

    Raises:
        MarketplaceError: If a locked version is not in its registry, or
            the registry's digest differs from the lock's.
    """
    return [_pick(locked, sources) for locked in plan.install]


def _pick(locked: LockedPlugin, sources: Sources) -> Pick:
    registry = locked.registry or ""
    client = sources.client(registry)
    listing = client.index().index.plugins.get(locked.name)
    where = f"{locked.name} {locked.version} (registry {registry!r})"
    try:
        version = Version(locked.version)
    except InvalidVersion:
        msg = f"{where}: {locked.version!r} is not a version"
        raise MarketplaceError(msg) from None
    release = None
    if listing is not None:
        release = next((r for v, r in listing.ordered() if v == version), None)
    if listing is None or release is None:
        msg = f"{where}: the registry does not have this version"
        raise MarketplaceError(msg)
    if release.sha256 != locked.sha256:
        msg = (
            f"{where}: the registry's archive has sha256 {release.sha256}, "
            f"but the lock pins {locked.sha256}; refusing other code than "
            f"the team reviewed"
        )
        raise MarketplaceError(msg)
    return Pick(
        locked.name, version, release, listing, registry, (locked.name,)
    )


def sync(
    lock: Mapping[str, LockedPlugin],
    installer: Installer,
    sources: Sources,
    *,
    exact: bool,
    confirm: Confirm,
    progress: Callable[[Pick], Progress | None] = lambda _: None,
) -> SyncResult:
    """
    Install what *lock* pins and is not installed as pinned; with
    *exact*, remove what it does not name.  Each plugin is granted what
    the lock grants it, of what it asks for.  Runs under the install
    root's lock.

    Raises:
        MarketplaceError: If a pinned plugin cannot be fetched as
            pinned, the policy blocks one, or a local plugin the lock
            names is missing; nothing was changed.

        SyncRefusedError: If *confirm* said no; nothing was changed.
    """
    with installer.locked():
        found = installer.installed()
        plan = plan_sync(lock, installed_pins(found), exact=exact)
        if plan.missing_local:
            names = ", ".join(
                f"{p.name} {p.version}" for p in plan.missing_local
            )
            msg = (
                f"the lock names local plugins that are missing or differ "
                f"here: {names}; sync cannot fetch them (copy them into "
                f"{installer.root.path})"
            )
            raise MarketplaceError(msg)
        candidates: list[Candidate] = []
        try:
            if plan.install:
                picks = lock_picks(plan, sources)
                candidates = sources.stage(installer.root, picks, progress)
            grants = {
                c.name: c.permissions & frozenset(lock[c.name].grants)
                for c in candidates
            }
            installer.admit(candidates)
            if (candidates or plan.remove) and not confirm(candidates, grants):
                msg = "nothing was changed: the grants were not accepted"
                raise SyncRefusedError(msg)
            outcomes = (
                installer.install(candidates, grants) if candidates else []
            )
        finally:
            installer.discard(candidates)
        removed, kept = [], []
        for name in plan.remove:
            try:
                installer.uninstall(name, force=True)
            except PolicyBlockedError as exc:  # required by the policy
                kept.append(f"{name}: {'; '.join(exc.reasons)}")
            else:
                removed.append(name)
    return SyncResult(plan, tuple(outcomes), tuple(removed), tuple(kept))
