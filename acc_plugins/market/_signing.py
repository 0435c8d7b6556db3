"""
Signing and verifying bytes with ed25519: the one place where a signature
is made or checked, so every caller refuses the same things.

A signature is the base64 of ed25519's raw 64 bytes.  `verify` is pure and
knows nothing of trust: whether the key should be believed is the trust
store's question (`TrustStore.verify` asks both).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Final

from cryptography.exceptions import InvalidSignature

from acc_plugins.errors import SignatureError

from ._keys import strict_b64decode


if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
    )

    from ._keys import PublicKey

_SIGNATURE_SIZE: Final = 64
_MAX_TEXT: Final = 200


def sign(data: bytes, private_key: Ed25519PrivateKey) -> str:
    """
    The signature of *data* by *private_key*, as base64 text.

    Args:
        data: Exactly the bytes to sign (an archive, an index).

        private_key: The publisher's key.

    Returns:
        The base64 of the 64-byte ed25519 signature.
    """
    return base64.b64encode(private_key.sign(data)).decode("ascii")


def verify(data: bytes, signature: str, public_key: PublicKey) -> None:
    """
    Check that *signature* is *public_key*'s signature of *data*.

    Args:
        data: The bytes that were signed.

        signature: Base64 of the 64-byte signature, as `sign` wrote it.

        public_key: The key that is said to have signed.

    Raises:
        SignatureError: If the signature is malformed, or does not match
            *data* and *public_key* (tampered data, another key).
    """
    raw = None
    if len(signature) <= _MAX_TEXT:
        raw = strict_b64decode(signature.strip(), _SIGNATURE_SIZE)
    if raw is None:
        msg = (
            f"malformed signature for key {public_key.key_id} "
            f"(expected base64 of {_SIGNATURE_SIZE} bytes)"
        )
        raise SignatureError(msg, public_key.key_id)
    try:
        public_key.to_cryptography().verify(raw, data)
    except (InvalidSignature, ValueError):  # ValueError: not a curve point
        msg = (
            f"bad signature: the data was not signed by key "
            f"{public_key.key_id}, or was changed after signing"
        )
        raise SignatureError(msg, public_key.key_id) from None
