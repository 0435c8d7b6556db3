"""
Publisher keys as values: an ed25519 public key, its short id and
fingerprint, and its one text form, ``ed25519:<base64 of the raw 32
bytes>``.

Why a value of our own rather than cryptography's key object: keys travel
as text (in the index, in ``trusted-keys.json``, pasted on a command
line), and two texts must never name the same key, so parsing is strict
and canonical (`PublicKey.parse` accepts exactly what `PublicKey.text`
writes, give or take surrounding whitespace).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Final

import attrs
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
)

from acc_plugins.errors import KeyringError

from ._curve import is_strong_key


PREFIX: Final = "ed25519:"
_RAW_SIZE: Final = 32
_ID_SIZE: Final = 16  # hex digits: 64 bits, enough to tell keys apart
# Longer text is not a key; refusing it early keeps errors short.
_MAX_TEXT: Final = 200
_SHOWN: Final = 60  # characters of a bad key quoted in its error


def strict_b64decode(text: str, size: int) -> bytes | None:
    """
    The *size* bytes that *text* encodes in canonical base64, or ``None``.

    Canonical: the text is what `base64.b64encode` writes for those bytes,
    so no other spelling (unused low bits set, missing padding, a
    line break) is accepted.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


@attrs.frozen
class PublicKey:
    """
    An ed25519 public key.

    Attributes:
        raw: The 32 bytes of the key.
    """

    raw: bytes = attrs.field(repr=False)

    @raw.validator
    def _check_raw(self, _: attrs.Attribute[bytes], value: bytes) -> None:
        if len(value) != _RAW_SIZE:
            msg = (
                f"an ed25519 public key is {_RAW_SIZE} bytes, not {len(value)}"
            )
            raise ValueError(msg)
        if not is_strong_key(value):
            msg = (
                "not a usable ed25519 public key: not a canonical curve "
                "point, or one of small order that would accept forged "
                "signatures"
            )
            raise ValueError(msg)

    def __repr__(self) -> str:
        return f"<PublicKey {self.key_id}>"

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """
        The key that *text* (``ed25519:<base64>``) spells.

        Raises:
            KeyringError: If *text* is not exactly that form, saying why.
        """
        stripped = text.strip()
        if len(stripped) > _MAX_TEXT or not stripped.startswith(PREFIX):
            # Not quoted: it may be a private key pasted by mistake.
            hint = (
                "; this looks like a PRIVATE key: never share it"
                if "PRIVATE" in stripped
                else ""
            )
            msg = (
                f"not an ed25519 public key (expected "
                f"{PREFIX}<base64 of 32 bytes>){hint}"
            )
            raise KeyringError(msg)
        shown = (
            stripped if len(stripped) <= _SHOWN else stripped[:_SHOWN] + "..."
        )
        raw = strict_b64decode(stripped.removeprefix(PREFIX), _RAW_SIZE)
        if raw is None:
            msg = (
                f"not an ed25519 public key: {shown!r} "
                f"(the base64 after {PREFIX} must spell exactly "
                f"{_RAW_SIZE} bytes; is it truncated?)"
            )
            raise KeyringError(msg)
        try:
            return cls(raw)
        except ValueError as exc:
            msg = f"{shown!r}: {exc}"
            raise KeyringError(msg) from None

    @classmethod
    def of(cls, private_key: Ed25519PrivateKey) -> PublicKey:
        """
        The public half of *private_key*.
        """
        return cls(
            private_key.public_key().public_bytes(
                Encoding.Raw, PublicFormat.Raw
            )
        )

    @property
    def text(self) -> str:
        """
        ``ed25519:<base64>``, the one text form of this key.
        """
        return PREFIX + base64.b64encode(self.raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """
        The sha256 of the raw key, 64 hex digits, for a careful comparison.
        """
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def key_id(self) -> str:
        """
        The first 16 hex digits of the fingerprint: the key's short name.
        """
        return self.fingerprint[:_ID_SIZE]

    def to_cryptography(self) -> Ed25519PublicKey:
        """
        The key as cryptography's object, to verify with.
        """
        return Ed25519PublicKey.from_public_bytes(self.raw)


def generate_private_key() -> Ed25519PrivateKey:
    """
    A new ed25519 private key from the operating system's randomness.
    """
    return Ed25519PrivateKey.generate()
