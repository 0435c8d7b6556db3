"""
The marketplace: archives, the signed registry index, publisher keys.

Keys are ed25519: `sign` and `verify` make and check signatures,
`Keyring` holds the user's own keys and `TrustStore` the keys of the
publishers the user trusts.
"""

from ._keyring import Keyring, OwnKey
from ._keys import PublicKey
from ._signing import sign, verify
from ._trust import TrustedKey, TrustStore


__all__ = [
    "Keyring",
    "OwnKey",
    "PublicKey",
    "TrustStore",
    "TrustedKey",
    "sign",
    "verify",
]
