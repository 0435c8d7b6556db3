"""
The marketplace: plugin archives (``.accp``), publisher keys and
signatures; the registry and installation come in later parts.

Archives are deterministic: the same folder gives the same bytes, and
extraction refuses anything unsafe.  Keys are ed25519: `sign` and
`verify` make and check signatures, `Keyring` holds the user's own keys
and `TrustStore` the keys of the publishers the user trusts.

Example:
    >>> from pathlib import Path
    >>> data = build_archive(Path("examples/text-tools"))
    >>> data == build_archive(Path("examples/text-tools"))
    True
"""

from acc_plugins.market._archive import (
    BuiltArchive,
    archive_digest,
    build_archive,
    write_archive,
)
from acc_plugins.market._extract import extract_archive
from acc_plugins.market._keyring import Keyring, OwnKey
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._limits import (
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    ArchiveLimits,
)
from acc_plugins.market._signing import sign, verify
from acc_plugins.market._trust import TrustedKey, TrustStore


__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "ArchiveLimits",
    "BuiltArchive",
    "Keyring",
    "OwnKey",
    "PublicKey",
    "TrustStore",
    "TrustedKey",
    "archive_digest",
    "build_archive",
    "extract_archive",
    "sign",
    "verify",
    "write_archive",
]
