"""
Choosing versions: which release of each requested plugin, and of each
plugin it depends on, an install should bring.

Why pure: the rules (newest non-yanked version that matches, no
pre-release unless asked, the host's own version admitted by
``requires_acc``, an installed dependency kept while it satisfies) are
the part most worth testing against arbitrary indexes, and they need no
disk, network or lock.  The caller hands in a lookup over the registries
and what is installed; the answer is a plan, dependencies first, or one
`ResolutionError` naming the chain that led to the problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from acc_plugins.errors import MarketplaceError


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from packaging.version import Version

    from ._index import Listing, Release

    Lookup = Callable[[str], "tuple[str, Listing] | None"]
    """A plugin's name to (registry, listing), or None if none has it."""


class ResolutionError(MarketplaceError, LookupError):
    """
    No set of versions satisfies a request: a plugin no registry has, no
    version that matches, or two requirements on one plugin that conflict.

    Attributes:
        chain: The requirements that led there, outermost first
            (``["app", "lib>=2"]``).
    """

    def __init__(self, message: str, chain: Sequence[str]) -> None:
        self.chain = tuple(chain)
        where = " -> ".join(self.chain)
        super().__init__(
            f"{message} (required by {where})" if len(chain) > 1 else message
        )


@attrs.frozen
class Pick:
    """
    One release the plan installs.

    Attributes:
        name: The plugin.

        version: The chosen version.

        release: Its entry in the index.

        listing: The plugin's listing.

        registry: The registry it comes from.

        chain: The requirements that brought it in, outermost first.
    """

    name: str
    version: Version
    release: Release
    listing: Listing
    registry: str
    chain: tuple[str, ...]


def choose(
    listing: Listing,
    specifier: SpecifierSet,
    *,
    acc_version: Version,
    prereleases: bool = False,
) -> tuple[Version, Release]:
    """
    The newest release of *listing* that *specifier* admits, that is not
    yanked, and whose ``requires_acc`` admits *acc_version*; a
    pre-release only when *prereleases* or the specifier names one.

    Raises:
        ResolutionError: Saying why each candidate was passed over.
    """
    allow_pre = prereleases or bool(specifier.prereleases)
    reasons: list[str] = []
    for version, release in reversed(listing.ordered()):
        if not specifier.contains(version, prereleases=True):
            continue
        if version.is_prerelease and not allow_pre:
            reasons.append(f"{version} is a pre-release (use --pre)")
            continue
        if release.yanked is not None:
            reasons.append(f"{version} is yanked: {release.yanked}")
            continue
        problem = _host_problem(release, acc_version)
        if problem is not None:
            reasons.append(f"{version} {problem}")
            continue
        return version, release
    wanted = f"{listing.name}{specifier}" if str(specifier) else listing.name
    available = ", ".join(str(v) for v, _ in listing.ordered()) or "none"
    why = "; ".join(reasons) if reasons else f"versions available: {available}"
    msg = (
        f"no version of {listing.name} can be installed for {wanted!r}: {why}"
    )
    raise ResolutionError(msg, [wanted])


def _host_problem(release: Release, acc_version: Version) -> str | None:
    if not release.requires_acc:
        return None
    try:
        admitted = SpecifierSet(release.requires_acc)
    except InvalidSpecifier:
        return f"has an invalid requires-acc {release.requires_acc!r}"
    if admitted.contains(acc_version, prereleases=True):
        return None
    return f"needs acc-plugins {release.requires_acc} (this is {acc_version})"


@attrs.define
class _Resolution:
    lookup: Lookup
    installed: Mapping[str, Version]
    acc_version: Version
    prereleases: bool
    upgrade: frozenset[str]
    picks: dict[str, Pick] = attrs.Factory(dict)
    order: list[str] = attrs.Factory(list)
    # What each plugin was required as, with the chain, for conflicts.
    wanted: dict[str, list[tuple[SpecifierSet, tuple[str, ...]]]] = (
        attrs.Factory(dict)
    )

    def require(
        self,
        name: str,
        specifier: SpecifierSet,
        chain: tuple[str, ...],
        *,
        top: bool,
    ) -> None:
        label = f"{name}{specifier}"
        here = (*chain, label)
        self.wanted.setdefault(name, []).append((specifier, here))
        picked = self.picks.get(name)
        if picked is not None:
            if not specifier.contains(picked.version, prereleases=True):
                first = " -> ".join(picked.chain)
                msg = (
                    f"conflict on {name}: {label} does not admit "
                    f"{picked.version}, which {first} chose"
                )
                raise ResolutionError(msg, here)
            return
        have = self.installed.get(name)
        if (
            not top
            and have is not None
            and name not in self.upgrade
            and specifier.contains(have, prereleases=True)
        ):
            return  # the installed version will do
        found = self.lookup(name)
        if found is None:
            msg = f"no registry has a plugin called {name!r}"
            raise ResolutionError(msg, here)
        registry, listing = found
        try:
            version, release = choose(
                listing,
                specifier,
                acc_version=self.acc_version,
                prereleases=self.prereleases,
            )
        except ResolutionError as exc:
            raise ResolutionError(str(exc), here) from None
        pick = Pick(name, version, release, listing, registry, here)
        self.picks[name] = pick
        for dep, text in sorted(release.dependencies.items()):
            try:
                dep_spec = SpecifierSet(text)
            except InvalidSpecifier:
                msg = f"{name} {version} has an invalid dependency {dep} {text!r}"
                raise ResolutionError(msg, here) from None
            self.require(dep, dep_spec, here, top=False)
        self.order.append(name)


def resolve(
    requirements: Sequence[tuple[str, SpecifierSet]],
    *,
    lookup: Lookup,
    installed: Mapping[str, Version],
    acc_version: Version,
    prereleases: bool = False,
    upgrade: frozenset[str] = frozenset(),
) -> list[Pick]:
    """
    The releases to install for *requirements*, dependencies first.

    Args:
        requirements: What was asked for: name and specifier.

        lookup: Finds a plugin in the registries, in search order.

        installed: What is installed now, by name.

        acc_version: This host's version, for ``requires_acc``.

        prereleases: Whether pre-releases may be chosen.

        upgrade: Dependencies to bring to their newest matching version
            even when the installed one satisfies.

    Raises:
        ResolutionError: Naming the chain of requirements that failed.
    """
    state = _Resolution(lookup, installed, acc_version, prereleases, upgrade)
    for name, specifier in requirements:
        state.require(name, specifier, (), top=True)
    return [state.picks[name] for name in state.order]
