"""
The signed envelope of ``index.json``, and the checks a client makes
before it believes an index: the owner's signature, then freshness.

Why apart from the model: these are the security checks of the registry,
pure functions over bytes, so that the directory and the HTTP transport,
``install``, ``search`` and the site all refuse the same things.

Freshness is what TUF calls rollback and freeze protection.  A client
remembers the highest serial it has accepted from each registry, with
the digest of that index; it refuses a lower serial (an attacker, or a
stale mirror, replaying an older index that still lists a version later
yanked for a vulnerability), the same serial with other bytes (a forked
history), and any index past its ``expires_at`` (an attacker freezing
the client on an old index by serving it forever).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import KeyringError, MarketplaceError, SignatureError

from ._index import Index, canonical, index_from_json, index_to_json
from ._keys import PublicKey
from ._signing import sign, verify


if TYPE_CHECKING:
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
    )

MAX_INDEX_BYTES: Final = 64 * 1024 * 1024
"""The largest index a client reads (about 100,000 releases)."""

_ENVELOPE: Final = {"signed", "key", "signature"}


class StaleIndexError(MarketplaceError):
    """
    An index that is validly signed but must not be believed: older than
    one already seen, a different index under a serial already seen, or
    past its expiry.
    """


@attrs.frozen
class Seen:
    """
    The newest index a client has accepted from one registry.

    Attributes:
        serial: Its serial.

        digest: The sha256 of its ``signed`` object's canonical bytes.
    """

    serial: int
    digest: str


@attrs.frozen
class SignedIndex:
    """
    An index whose signature checked.

    Attributes:
        index: The index.

        key: The key that signed it (the registry owner's).

        digest: The sha256 of the signed bytes, hex; remembered as `Seen`.
    """

    index: Index
    key: PublicKey
    digest: str

    @property
    def seen(self) -> Seen:
        """
        What a client remembers after accepting this index.
        """
        return Seen(self.index.serial, self.digest)


def seal_index(index: Index, private_key: Ed25519PrivateKey) -> bytes:
    """
    The bytes of ``index.json`` for *index*, signed by *private_key*.
    """
    signed = index_to_json(index)
    envelope = {
        "signed": signed,
        "key": PublicKey.of(private_key).text,
        "signature": sign(canonical(signed), private_key),
    }
    return json.dumps(envelope, indent=1, sort_keys=True).encode() + b"\n"


def open_index(
    raw: bytes, *, where: str, owner: PublicKey | None
) -> SignedIndex:
    """
    The index in *raw*, after checking its signature.

    Args:
        raw: The bytes of ``index.json``.

        where: Its path or URL, for messages.

        owner: The registry owner's key, pinned when the registry was
            added; None to take the key the index names (only when adding
            a registry, whose key the user then confirms).

    Raises:
        MarketplaceError: If *raw* is not a signed index.

        SignatureError: If the signature does not check, or the index is
            signed by another key than *owner*.

        IndexFormatError: If the signed content is not a valid index.
    """
    if len(raw) > MAX_INDEX_BYTES:
        msg = f"{where}: larger than {MAX_INDEX_BYTES} bytes; not an index"
        raise MarketplaceError(msg)
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{where}: not JSON ({exc}); is this a registry?"
        raise MarketplaceError(msg) from None
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE:
        msg = (
            f"{where}: not a signed registry index (expected the keys "
            f"'signed', 'key' and 'signature')"
        )
        raise MarketplaceError(msg)
    key_text, signature = envelope["key"], envelope["signature"]
    if not isinstance(key_text, str) or not isinstance(signature, str):
        msg = f"{where}: 'key' and 'signature' must be strings"
        raise MarketplaceError(msg)
    try:
        key = PublicKey.parse(key_text)
    except KeyringError as exc:
        msg = f"{where}: the index's key: {exc}"
        raise MarketplaceError(msg) from None
    if owner is not None and key != owner:
        msg = (
            f"{where}: signed by key {key.key_id}, not by the registry "
            f"owner's key {owner.key_id} pinned when it was added; if the "
            f"owner really changed keys, remove and add the registry again"
        )
        raise SignatureError(msg, key.key_id)
    signed_bytes = canonical(envelope["signed"])
    try:
        verify(signed_bytes, signature, key)
    except SignatureError as exc:
        msg = f"{where}: the index was changed after it was signed ({exc})"
        raise SignatureError(msg, key.key_id) from None
    index = index_from_json(envelope["signed"], where=where)
    digest = hashlib.sha256(signed_bytes).hexdigest()
    return SignedIndex(index, key, digest)


def check_fresh(
    signed: SignedIndex,
    seen: Seen | None,
    *,
    where: str,
    now: dt.datetime | None = None,
) -> None:
    """
    Refuse *signed* if it is older than, or forks from, the newest index
    seen from its registry, or has expired.

    Raises:
        StaleIndexError: Saying which, with the serials.
    """
    index = signed.index
    if seen is not None and index.serial < seen.serial:
        msg = (
            f"{where}: index serial {index.serial} is older than serial "
            f"{seen.serial} already seen from this registry; refusing a "
            f"replayed index (a stale mirror, or an attack)"
        )
        raise StaleIndexError(msg)
    if (
        seen is not None
        and index.serial == seen.serial
        and signed.digest != seen.digest
    ):
        msg = (
            f"{where}: index serial {index.serial} differs from the index "
            f"of the same serial already seen; refusing a forked index"
        )
        raise StaleIndexError(msg)
    if index.expired(now):
        msg = (
            f"{where}: the index expired at {index.expires_at}; its owner "
            f"must sign it again (acc-plugins registry refresh)"
        )
        raise StaleIndexError(msg)
