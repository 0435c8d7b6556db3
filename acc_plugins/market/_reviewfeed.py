"""
The reviews of a plugin as a reader sees them (``show``, the site):
``reviews/<name>.json`` read through a registry's transport, each review's
signature checked, the newest per reviewer kept.

Why here, in one function: the reviews file is written by the registry's
owner side (``acc-plugins review``); the readers only need to show it, and
must show nothing a reviewer did not sign.  The stored form is a JSON list
of objects::

    {"plugin": "<name>", "key": "ed25519:<base64>", "stars": 1..5,
     "comment": "...", "reviewer": "<name they give>",
     "written_at": "<ISO 8601, UTC>", "signature": "<base64>"}

where the signature, by ``key``, covers the canonical JSON of every field
but itself (so a review cannot be moved to another plugin).  An entry
that does not check is left out, never shown.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import KeyringError, SignatureError

from ._index import canonical
from ._keys import PublicKey
from ._layout import reviews_path
from ._signing import verify


if TYPE_CHECKING:
    from ._registry import Transport

MAX_REVIEWS_BYTES: Final = 16 * 1024 * 1024
_FIELDS: Final = frozenset(
    {"plugin", "key", "stars", "comment", "reviewer", "written_at"}
)
_TEXTS: Final = ("key", "comment", "reviewer", "written_at", "signature")


@attrs.frozen
class ShownReview:
    """
    One reviewer's word on a plugin, its signature checked.

    Attributes:
        reviewer: The name the reviewer gives.

        key_id: The reviewer's key: who the reviewer really is.

        stars: 1 to 5.

        comment: What they say.

        written_at: When, ISO 8601 in UTC.
    """

    reviewer: str
    key_id: str
    stars: int
    comment: str
    written_at: str

    def to_json(self) -> dict[str, Any]:
        """
        The review as plain JSON data.
        """
        return attrs.asdict(self)


def read_reviews(transport: Transport, name: str) -> tuple[ShownReview, ...]:
    """
    The reviews of plugin *name* whose signatures check, newest first,
    one per reviewer key (their newest).  No file means no reviews; a file
    that is not a JSON list is treated the same, since reviews only
    inform.

    Raises:
        RegistryUnavailableError: If the file cannot be read.
    """
    try:
        raw = transport.read(reviews_path(name), max_bytes=MAX_REVIEWS_BYTES)
    except FileNotFoundError:
        return ()
    try:
        entries = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ()
    if not isinstance(entries, list):
        return ()
    newest: dict[str, ShownReview] = {}
    for entry in entries:
        review = _checked(entry, name)
        if review is None:
            continue
        kept = newest.get(review.key_id)
        if kept is None or kept.written_at < review.written_at:
            newest[review.key_id] = review
    return tuple(
        sorted(newest.values(), key=lambda r: r.written_at, reverse=True)
    )


def _checked(entry: object, name: str) -> ShownReview | None:
    if not isinstance(entry, dict) or set(entry) != {*_FIELDS, "signature"}:
        return None
    if entry["plugin"] != name or not all(
        isinstance(entry[field], str) for field in _TEXTS
    ):
        return None
    stars = entry["stars"]
    if type(stars) is not int or not 1 <= stars <= 5:  # noqa: PLR2004 -- stars
        return None
    try:
        written = dt.datetime.fromisoformat(entry["written_at"])
    except ValueError:
        return None
    if written.utcoffset() != dt.timedelta(0):
        return None
    try:
        key = PublicKey.parse(entry["key"])
        fields = {field: entry[field] for field in _FIELDS}
        verify(canonical(fields), entry["signature"], key)
    except (KeyringError, SignatureError):
        return None
    return ShownReview(
        reviewer=entry["reviewer"],
        key_id=key.key_id,
        stars=stars,
        comment=entry["comment"],
        written_at=entry["written_at"],
    )
