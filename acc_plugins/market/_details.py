"""
Everything a person deciding whether to install a plugin wants to see,
gathered from a registry's index: its versions (yanked ones marked), the
permissions of the newest in plain language, the rating and reviews,
whether it is verified, and the command that installs it.

Why one model for ``show`` and the site: both answer the same question,
and "verified" or "newest" must not mean one thing in the terminal and
another on the web page.  Pure: the caller reads the index and reviews.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._plain import plain


if TYPE_CHECKING:
    from ._index import Index, Listing, Release
    from ._reviewfeed import ShownReview
    from ._trust import TrustStore


@attrs.frozen
class VersionLine:
    """
    One published version.

    Attributes:
        version: Its version text.

        published_at: When, ISO 8601.

        size: Its archive's size in bytes.

        yanked: Why it must not be installed; None while it may be.
    """

    version: str
    published_at: str
    size: int
    yanked: str | None


@attrs.frozen
class Permission:
    """
    One permission the newest version asks for.

    Attributes:
        text: Its canonical form, as granted.

        plain: What it lets the plugin do, in words.
    """

    text: str
    plain: str


@attrs.frozen(kw_only=True)
class PluginDetails:
    """
    One plugin of one registry, as ``show`` and the site present it.

    Attributes:
        registry: The registry it is listed in.

        listing: Its listing in the index.

        newest: The version that would be installed (the newest not
            yanked; a pre-release only when there is nothing else); None
            when every version is yanked.

        versions: Every version, newest first.

        permissions: What the newest version asks for.

        vouched: Whether the registry's owner vouches for the key that
            signed the newest version.

        trusted: Whether the user trusts that key.

        reviews: The reviews whose signatures checked, newest first.

        install: The command that installs it.
    """

    registry: str
    listing: Listing
    newest: str | None
    versions: tuple[VersionLine, ...]
    permissions: tuple[Permission, ...]
    vouched: bool
    trusted: bool
    reviews: tuple[ShownReview, ...]
    install: str

    @property
    def verified(self) -> bool:
        """
        Whether the newest version carries the verified badge: its key is
        vouched for by the registry's owner or trusted by the user.
        """
        return self.vouched or self.trusted

    @property
    def release(self) -> Release | None:
        """
        The newest version's entry in the index.
        """
        return (
            None if self.newest is None else self.listing.versions[self.newest]
        )

    def to_json(self) -> dict[str, Any]:
        """
        The details as plain JSON data (``show --json``).
        """
        listing = self.listing
        release = self.release
        return {
            "registry": self.registry,
            "name": listing.name,
            "description": listing.description,
            "kind": listing.kind,
            "keywords": list(listing.keywords),
            "publisher": listing.publisher,
            "homepage": listing.homepage,
            "license": listing.license,
            "downloads": listing.downloads,
            "rating": {
                "average": listing.rating.average,
                "count": listing.rating.count,
            },
            "newest": self.newest,
            "verified": self.verified,
            "vouched": self.vouched,
            "trusted": self.trusted,
            "key_id": None if release is None else release.key_id,
            "versions": [attrs.asdict(v) for v in self.versions],
            "permissions": [attrs.asdict(p) for p in self.permissions],
            "provides": {} if release is None else provides(release),
            "reviews": [review.to_json() for review in self.reviews],
            "install": self.install,
        }


def provides(release: Release) -> dict[str, list[str]]:
    """
    What *release* adds to the host, by kind, leaving out kinds it has
    none of.
    """
    kinds = {
        "tools": release.tools,
        "agents": release.agents,
        "workflows": release.workflows,
        "hooks": release.hooks,
    }
    return {kind: list(names) for kind, names in kinds.items() if names}


def newest_version(listing: Listing) -> str | None:
    """
    The version an install without a version would pick: the newest not
    yanked, a pre-release only when no final release is left.
    """
    found = listing.latest() or listing.latest(prereleases=True)
    return None if found is None else str(found[0])


def install_command(
    listing: Listing, newest: str | None, registry: str | None = None
) -> str:
    """
    The command that installs *listing*: pinned when what it would get
    is a pre-release, and naming *registry* when given.
    """
    target = listing.name
    if newest is not None and listing.latest() is None:
        target = f"{listing.name}=={newest}"
    command = f"acc-plugins install {target}"
    return command if registry is None else f"{command} --registry {registry}"


def details_of(
    registry: str,
    index: Index,
    listing: Listing,
    *,
    reviews: tuple[ShownReview, ...] = (),
    trust: TrustStore | None = None,
    pin_registry: str | None = None,
) -> PluginDetails:
    """
    The details of *listing* from *index* of *registry*.

    Args:
        registry: The registry's name.

        index: Its (checked) index.

        listing: The plugin, one of the index's.

        reviews: Its reviews (`read_reviews`).

        trust: The user's trusted keys; None on a page for everyone.

        pin_registry: The registry name the install command gives with
            ``--registry``; None for none.
    """
    newest = newest_version(listing)
    release = None if newest is None else listing.versions[newest]
    vouched = trusted = False
    permissions: tuple[Permission, ...] = ()
    if release is not None:
        holder = index.key_of(release.key_id)
        vouched = (
            holder is not None and holder[0] == listing.publisher and holder[2]
        )
        trusted = trust is not None and trust.is_trusted(release.key_id)
        permissions = tuple(
            Permission(text, plain(text)) for text in release.permissions
        )
    versions = tuple(
        VersionLine(str(version), r.published_at, r.size, r.yanked)
        for version, r in reversed(listing.ordered())
    )
    return PluginDetails(
        registry=registry,
        listing=listing,
        newest=newest,
        versions=versions,
        permissions=permissions,
        vouched=vouched,
        trusted=trusted,
        reviews=reviews,
        install=install_command(listing, newest, pin_registry),
    )
