"""
The changes a registry's owner makes to its index, as pure functions
``Index -> Index`` that refuse what must not happen.

Why pure and apart from the owner: every change goes through one
locked read-sign-write in `RegistryOwner.change`; what a change *is*
(add a publisher, add a release, yank one) is then plain data in, data
out, testable without a folder, and a refused change cannot have written
anything because it has no way to.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import MarketplaceError

from ._index import Index, Listing, Publisher, Rating, Release


if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._keys import PublicKey

_PUBLISHER: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_MAX_REASON: Final = 500


def check_publisher_name(name: str) -> str:
    """
    *name* if it can name a publisher, else a `MarketplaceError`.
    """
    if not _PUBLISHER.fullmatch(name):
        msg = (
            f"invalid publisher name {name!r}: use 1 to 64 letters, "
            f"digits, '.', '_' or '-', starting with a letter or digit"
        )
        raise MarketplaceError(msg)
    return name


def check_text(what: str, text: str, limit: int) -> str:
    """
    *text* stripped, if it is 1 to *limit* printable characters (line
    breaks allowed), else a `MarketplaceError` naming *what*.
    """
    stripped = text.strip()
    if not stripped:
        msg = f"{what} is empty"
        raise MarketplaceError(msg)
    if len(stripped) > limit:
        msg = f"{what} is {len(stripped)} characters; at most {limit}"
        raise MarketplaceError(msg)
    if not all(char.isprintable() or char == "\n" for char in stripped):
        msg = f"{what} holds control characters; only printable text"
        raise MarketplaceError(msg)
    return stripped


def listing_of(index: Index, name: str) -> Listing:
    """
    The plugin *name* of *index*, or a `MarketplaceError`.
    """
    listing = index.plugins.get(name)
    if listing is None:
        msg = f"no plugin named {name!r} in registry {index.registry!r}"
        raise MarketplaceError(msg)
    return listing


def same_version(listing: Listing, version: Version) -> str | None:
    """
    The text under which *listing* holds *version* (``1.2`` and
    ``1.2.0`` are the same version), or None.
    """
    for text in listing.versions:
        if Version(text) == version:
            return text
    return None


def with_publisher(
    index: Index, name: str, key: PublicKey, *, vouched: bool | None
) -> Index:
    """
    *index* with *key* listed under publisher *name* (created if new).

    Args:
        vouched: Whether the owner vouches for the publisher; None keeps
            what an existing publisher has (a new one is not vouched).

    Raises:
        MarketplaceError: If another publisher lists the key already.
    """
    check_publisher_name(name)
    holder = index.key_of(key.key_id)
    if holder is not None and holder[0] != name:
        msg = (
            f"key {key.key_id} is listed under publisher {holder[0]!r} already"
        )
        raise MarketplaceError(msg)
    publisher = index.publishers.get(name, Publisher())
    keys = {**publisher.keys, key.key_id: key.text}
    vouch = publisher.vouched if vouched is None else vouched
    changed = Publisher(keys=dict(sorted(keys.items())), vouched=vouch)
    return attrs.evolve(index, publishers={**index.publishers, name: changed})


def without_publisher(
    index: Index, name: str, key_id: str | None = None
) -> Index:
    """
    *index* without publisher *name*, or only without its key *key_id*.

    Raises:
        MarketplaceError: If there is no such publisher or key, or
            releases still need it: a client checks every archive against
            its signer's key, so removing that key would break them.
    """
    publisher = index.publishers.get(name)
    if publisher is None:
        msg = f"no publisher named {name!r} in registry {index.registry!r}"
        raise MarketplaceError(msg)
    if key_id is not None and key_id not in publisher.keys:
        msg = f"publisher {name!r} has no key {key_id}"
        raise MarketplaceError(msg)
    gone = set(publisher.keys) if key_id is None else {key_id}
    needed = sorted(
        f"{listing.name} {version}"
        for listing, version, release in index.releases()
        if release.key_id in gone
        or (key_id is None and listing.publisher == name)
    )
    needed += sorted(
        listing.name
        for listing in index.plugins.values()
        if key_id is None
        and listing.publisher == name
        and not listing.versions
    )
    if needed:
        what = f"key {key_id}" if key_id else f"publisher {name!r}"
        msg = (
            f"{what} is still needed by {', '.join(needed)}; releases "
            f"signed by it could no longer be checked"
        )
        raise MarketplaceError(msg)
    publishers = dict(index.publishers)
    if key_id is None:
        del publishers[name]
    else:
        keys = {k: v for k, v in publisher.keys.items() if k != key_id}
        publishers[name] = attrs.evolve(publisher, keys=keys)
    return attrs.evolve(index, publishers=publishers)


def with_vouch(index: Index, name: str, *, vouched: bool) -> Index:
    """
    *index* with the owner vouching for publisher *name*, or not.

    Raises:
        MarketplaceError: If there is no such publisher.
    """
    publisher = index.publishers.get(name)
    if publisher is None:
        msg = f"no publisher named {name!r} in registry {index.registry!r}"
        raise MarketplaceError(msg)
    changed = attrs.evolve(publisher, vouched=vouched)
    return attrs.evolve(index, publishers={**index.publishers, name: changed})


def with_yank(
    index: Index, name: str, version: str, reason: str | None
) -> Index:
    """
    *index* with release *version* of *name* yanked for *reason*, or
    back in service when *reason* is None.

    Raises:
        MarketplaceError: If there is no such plugin or version, or the
            reason is empty or too long.
    """
    listing = listing_of(index, name)
    try:
        wanted = Version(version)
    except InvalidVersion:
        msg = f"{version!r} is not a version"
        raise MarketplaceError(msg) from None
    text = same_version(listing, wanted)
    if text is None:
        known = ", ".join(str(v) for v, _ in listing.ordered()) or "none"
        msg = f"{name} has no version {version} (published: {known})"
        raise MarketplaceError(msg)
    if reason is not None:
        reason = check_text("the reason", reason, _MAX_REASON)
    release = attrs.evolve(listing.versions[text], yanked=reason)
    changed = attrs.evolve(
        listing, versions={**listing.versions, text: release}
    )
    return attrs.evolve(index, plugins={**index.plugins, name: changed})


def with_release(
    index: Index, listing: Listing, version: Version, release: Release
) -> Index:
    """
    *index* with *release* added as *version* of the plugin *listing*
    describes (its description, keywords and so on taken when *version*
    is the newest).

    Raises:
        MarketplaceError: If that version exists already, yanked or not
            (versions are immutable), or the plugin belongs to another
            publisher.
    """
    check_new_release(index, listing.name, listing.publisher, version)
    current = index.plugins.get(listing.name)
    if current is None:
        return attrs.evolve(
            index,
            plugins={
                **index.plugins,
                listing.name: attrs.evolve(
                    listing, versions={str(version): release}
                ),
            },
        )
    versions = {**current.versions, str(version): release}
    newest = max(Version(text) for text in versions) == version
    base = listing if newest else current
    changed = attrs.evolve(
        base,
        downloads=current.downloads,
        rating=current.rating,
        reports=current.reports,
        versions=versions,
    )
    return attrs.evolve(
        index, plugins={**index.plugins, listing.name: changed}
    )


def check_new_release(
    index: Index, name: str, publisher: str, version: Version
) -> None:
    """
    Refuse *version* of plugin *name* by *publisher* if that version
    exists already, yanked or not (versions are immutable), or the plugin
    belongs to another publisher.

    Raises:
        MarketplaceError: Saying which.
    """
    current = index.plugins.get(name)
    if current is None:
        return
    if current.publisher != publisher:
        msg = (
            f"{name} is published by {current.publisher!r}, not "
            f"{publisher!r}; only its publisher may add versions"
        )
        raise MarketplaceError(msg)
    existing = same_version(current, version)
    if existing is not None:
        state = "yanked" if current.versions[existing].yanked else "published"
        msg = (
            f"{name} {existing} is {state} already; versions are "
            f"immutable: raise the version in plugin.toml and publish again"
        )
        raise MarketplaceError(msg)


def with_tallies(
    index: Index, ratings: Mapping[str, Rating], reports: Mapping[str, int]
) -> Index:
    """
    *index* with each plugin's rating and report count as given (none
    for a plugin not in them).
    """
    plugins = {
        name: attrs.evolve(
            listing,
            rating=ratings.get(name, Rating()),
            reports=reports.get(name, 0),
        )
        for name, listing in index.plugins.items()
    }
    return attrs.evolve(index, plugins=plugins)


def with_downloads(index: Index, counts: Mapping[str, int]) -> Index:
    """
    *index* with each plugin's download count set from *counts* (what the
    owner tallied from the static host's logs; a registry with no server
    cannot count them itself).

    Raises:
        MarketplaceError: If a name is not in the index or a count is not
            a whole number of at least 0; nothing is changed.
    """
    unknown = sorted(set(counts) - set(index.plugins))
    if unknown:
        msg = f"download counts for plugins the registry does not have: {', '.join(unknown)}"
        raise MarketplaceError(msg)
    bad = sorted(n for n, c in counts.items() if type(c) is not int or c < 0)
    if bad:
        msg = f"download counts must be whole numbers >= 0 (see {', '.join(bad)})"
        raise MarketplaceError(msg)
    return attrs.evolve(
        index,
        plugins={
            name: attrs.evolve(listing, downloads=counts[name])
            if name in counts
            else listing
            for name, listing in index.plugins.items()
        },
    )
