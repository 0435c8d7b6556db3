"""
Where an install finds plugins: the user's registries in search order
(or the one ``--registry`` names), and the staging of what the resolver
chose into candidates.

Why a class of its own: the resolver is pure and the installer never
reads a registry; this is the one place that does, so that a registry
that cannot be reached is skipped with a warning (the next one may have
the plugin), while one that serves a bad index stops the install: an
index that must not be believed is never silently passed over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from packaging.version import Version

import acc_plugins

from ._candidate import Candidate, from_archive, from_fetched, from_folder
from ._registry import RegistryUnavailableError
from ._resolver import ResolutionError, resolve


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ._index import Listing
    from ._installroot import InstallRoot
    from ._registry import Progress, RegistryClient
    from ._requirement import Requirement
    from ._resolver import Pick


def acc_version() -> Version:
    """
    This host's version, as ``requires_acc`` is checked against.
    """
    return Version(acc_plugins.__version__)


@attrs.define
class Sources:
    """
    The registries an install reads, in search order.

    Attributes:
        clients: One client per registry, in order.

        warn: Told about each registry that could not be read.
    """

    clients: Sequence[RegistryClient]
    warn: Callable[[str], None] = lambda _: None
    _skipped: set[str] = attrs.field(factory=set, init=False)

    def client(self, registry: str) -> RegistryClient:
        """
        The client of *registry*.
        """
        return next(c for c in self.clients if c.name == registry)

    def lookup(self, name: str) -> tuple[str, Listing] | None:
        """
        The first registry that lists *name*, with the listing.

        Raises:
            MarketplaceError: If a registry serves an index that must not
                be believed (tampered, replayed, expired, wrong key).
        """
        for client in self.clients:
            if client.name in self._skipped:
                continue
            try:
                index = client.index().index
            except RegistryUnavailableError as exc:
                self._skipped.add(client.name)
                self.warn(f"skipping registry {client.name!r}: {exc}")
                continue
            listing = index.plugins.get(name)
            if listing is not None:
                return client.name, listing
        return None

    def plan(
        self,
        requirements: Sequence[Requirement],
        *,
        installed: Mapping[str, Version],
        prereleases: bool = False,
        upgrade: frozenset[str] = frozenset(),
    ) -> list[Pick]:
        """
        The releases to fetch for the registry *requirements*,
        dependencies first (see `resolve`).
        """
        wanted = [
            (r.name, r.specifier) for r in requirements if r.name is not None
        ]
        try:
            return resolve(
                wanted,
                lookup=self.lookup,
                installed=installed,
                acc_version=acc_version(),
                prereleases=prereleases,
                upgrade=upgrade,
            )
        except ResolutionError as exc:
            if not self._skipped:
                raise
            skipped = ", ".join(sorted(self._skipped))
            msg = f"{exc}; registries that could not be read: {skipped}"
            raise ResolutionError(msg, exc.chain[:1]) from None

    def stage(
        self,
        root: InstallRoot,
        picks: Sequence[Pick],
        progress: Callable[[Pick], Progress | None] = lambda _: None,
    ) -> list[Candidate]:
        """
        Fetch, check and extract every pick into *root*'s staging area.

        Raises:
            MarketplaceError: The first pick refused; the candidates
                already staged are removed.
        """
        staged: list[Candidate] = []
        try:
            for pick in picks:
                client = self.client(pick.registry)
                fetched = client.fetch(
                    pick.listing, pick.version, progress=progress(pick)
                )
                location = client.transport.location
                staged.append(
                    from_fetched(root, fetched, client.name, location)
                )
        except BaseException:
            for candidate in staged:
                root.discard(candidate.folder.parent)
            raise
        return staged


def stage_local(root: InstallRoot, requirement: Requirement) -> Candidate:
    """
    The candidate for a folder or ``.accp`` requirement.
    """
    assert requirement.path is not None  # noqa: S101 -- callers check is_local
    if requirement.is_archive:
        return from_archive(root, requirement.path)
    return from_folder(root, requirement.path)
