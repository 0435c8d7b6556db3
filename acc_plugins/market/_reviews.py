"""
Reviews of a registry's plugins: ``reviews/<name>.json``, one review per
reviewer, each signed by the reviewer's own key.

Why signed: a registry folder is shared, and whoever can write it could
otherwise write reviews in another's name or overwrite them.  A reviewer
is their key: a review is kept only when its signature checks against
the key it names, and covers the plugin's name, so it cannot be moved to
another plugin.  A new review by the same key replaces the old; reading
keeps the newest per key, so replaying an old signed review does not
bring it back.  Forged or malformed entries are dropped and reported.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import KeyringError, MarketplaceError

from ._changes import check_text, listing_of
from ._index import Rating, canonical
from ._keys import PublicKey
from ._layout import reviews_path
from ._regfolder import RegistryFolder, json_lines
from ._signing import sign, verify


if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
    )

MAX_COMMENT: Final = 2000
"""The longest comment, in characters."""

MAX_REVIEWER: Final = 64
_MAX_FILE: Final = 16 * 1024 * 1024
_FIELDS: Final = frozenset(
    {"plugin", "key", "stars", "comment", "reviewer", "written_at"}
)


@attrs.frozen(kw_only=True)
class Review:
    """
    One reviewer's word on one plugin.

    Attributes:
        plugin: The plugin reviewed.

        key: The reviewer's public key: who the reviewer is.

        stars: 1 to 5.

        comment: What they say.

        reviewer: The name they give.

        written_at: When, ISO 8601 in UTC.

        signature: The reviewer's signature of the rest.
    """

    plugin: str
    key: PublicKey
    stars: int
    comment: str
    reviewer: str
    written_at: str
    signature: str

    def signed_part(self) -> dict[str, Any]:
        """
        What the signature covers.
        """
        return {
            "plugin": self.plugin,
            "key": self.key.text,
            "stars": self.stars,
            "comment": self.comment,
            "reviewer": self.reviewer,
            "written_at": self.written_at,
        }

    def to_json(self) -> dict[str, Any]:
        """
        The review as stored.
        """
        return {**self.signed_part(), "signature": self.signature}


def write_review(
    plugin: str,
    *,
    stars: int,
    comment: str,
    reviewer: str,
    private_key: Ed25519PrivateKey,
    now: dt.datetime | None = None,
) -> Review:
    """
    A review of *plugin*, signed by *private_key*.

    Raises:
        MarketplaceError: If *stars* is not 1 to 5, or the comment or
            name is empty, too long or not printable.
    """
    if type(stars) is not int or not 1 <= stars <= 5:  # noqa: PLR2004 -- stars
        msg = f"stars must be a whole number from 1 to 5, not {stars!r}"
        raise MarketplaceError(msg)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    fields = {
        "plugin": plugin,
        "key": PublicKey.of(private_key).text,
        "stars": stars,
        "comment": check_text("the comment", comment, MAX_COMMENT),
        "reviewer": check_text("the reviewer's name", reviewer, MAX_REVIEWER),
        "written_at": moment.isoformat(timespec="seconds"),
    }
    return _review(fields, sign(canonical(fields), private_key))


def _review(fields: dict[str, Any], signature: str) -> Review:
    return Review(
        plugin=fields["plugin"],
        key=PublicKey.parse(fields["key"]),
        stars=fields["stars"],
        comment=fields["comment"],
        reviewer=fields["reviewer"],
        written_at=fields["written_at"],
        signature=signature,
    )


def check_review(entry: object, plugin: str) -> Review:
    """
    The review that *entry* (as stored) is, for *plugin*.

    Raises:
        MarketplaceError: If it is malformed, for another plugin, or its
            signature does not check (`SignatureError`).
    """
    if not isinstance(entry, dict) or set(entry) != {*_FIELDS, "signature"}:
        msg = (
            f"not a review (expected the keys {sorted(_FIELDS)} and signature)"
        )
        raise MarketplaceError(msg)
    fields = {name: entry[name] for name in _FIELDS}
    if fields["plugin"] != plugin:
        msg = f"a review of {fields['plugin']!r}, not of {plugin!r}"
        raise MarketplaceError(msg)
    texts = ("key", "comment", "reviewer", "written_at")
    if not all(isinstance(fields[name], str) for name in texts) or not (
        isinstance(entry["signature"], str)
    ):
        msg = "a review's key, comment, reviewer, time and signature are text"
        raise MarketplaceError(msg)
    try:
        key = PublicKey.parse(fields["key"])
    except KeyringError as exc:
        raise MarketplaceError(str(exc)) from None
    verify(canonical(fields), entry["signature"], key)
    try:
        written = dt.datetime.fromisoformat(fields["written_at"])
    except ValueError:
        written = None
    if written is None or written.utcoffset() != dt.timedelta(0):
        msg = f"written_at {fields['written_at']!r} is not a time in UTC"
        raise MarketplaceError(msg)
    stars = fields["stars"]
    if type(stars) is not int or not 1 <= stars <= 5:  # noqa: PLR2004 -- stars
        msg = f"stars must be 1 to 5, not {stars!r}"
        raise MarketplaceError(msg)
    return _review(fields, entry["signature"])


@attrs.frozen
class ReadReviews:
    """
    The reviews of one plugin that checked, and what was dropped.

    Attributes:
        reviews: One per reviewer key, the newest, best first.

        dropped: Why each dropped entry was dropped.
    """

    reviews: tuple[Review, ...]
    dropped: tuple[str, ...]

    @property
    def rating(self) -> Rating:
        """
        The reviews summed up.
        """
        return rating_of(self.reviews)


def rating_of(reviews: Iterable[Review]) -> Rating:
    """
    The count and mean stars of *reviews*, the mean to two decimals.
    """
    stars = [review.stars for review in reviews]
    if not stars:
        return Rating()
    return Rating(count=len(stars), average=round(sum(stars) / len(stars), 2))


@attrs.frozen
class ReviewBook:
    """
    The reviews of a directory registry.

    Attributes:
        root: The registry's folder.
    """

    root: Path

    def read(self, name: str) -> ReadReviews:
        """
        The reviews of plugin *name* whose signatures check.

        Raises:
            MarketplaceError: If the file is not a JSON list of reviews.
        """
        path = reviews_path(name)
        entries = RegistryFolder(self.root).read_list(
            path, _MAX_FILE, "reviews"
        )
        newest: dict[str, Review] = {}
        dropped = []
        for number, entry in enumerate(entries):
            try:
                review = check_review(entry, name)
            except MarketplaceError as exc:
                dropped.append(f"{path}: entry {number}: {exc}")
                continue
            kept = newest.get(review.key.key_id)
            if kept is None or kept.written_at < review.written_at:
                newest[review.key.key_id] = review
        ordered = sorted(
            newest.values(), key=lambda r: (-r.stars, r.written_at)
        )
        return ReadReviews(tuple(ordered), tuple(dropped))

    def add(self, review: Review) -> bool:
        """
        Store *review*, replacing the one by the same key, under the
        registry's lock; entries that do not check are dropped.

        Returns:
            Whether it replaced an earlier review by the same reviewer.

        Raises:
            MarketplaceError: If the registry has no such plugin, or its
                index is not signed.
        """
        folder = RegistryFolder(self.root)
        with folder.locked():
            listing_of(folder.signed().index, review.plugin)
            current = self.read(review.plugin).reviews
            others = [r for r in current if r.key.key_id != review.key.key_id]
            entries = sorted([*others, review], key=lambda r: r.key.key_id)
            data = json_lines([entry.to_json() for entry in entries])
            folder.write({reviews_path(review.plugin): data})
        return len(others) < len(current)

    def ratings(self, names: Iterable[str]) -> dict[str, Rating]:
        """
        The rating of each plugin of *names* that has reviews.
        """
        ratings = {}
        for name in names:
            rating = self.read(name).rating
            if rating.count:
                ratings[name] = rating
        return ratings
