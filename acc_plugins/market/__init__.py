"""
The marketplace: plugin archives, keys and signatures, registries that
need no server, publishing, search, and installing with rollback.

A registry is a folder or a static HTTP(S) URL holding a signed
``index.json`` and the archives.  Its owner runs it with
`RegistryOwner` and puts plugins in with `publish` (validated, scanned,
tested, signed).  A user adds it to `Registries`, which pins the owner's
key and gives a `RegistryClient`: it refuses a tampered, replayed or
expired index and any archive whose hash or signature does not match.
`Catalog` searches indexes; `details_of` says what a plugin asks for in
plain words.  `Installer` installs into an `InstallRoot` what `Sources`
resolves and fetches (or `stage_local` reads from a folder or ``.accp``
file), granting what the user agreed to (`GrantStore`), atomically, and
keeps the previous version for `Installer.rollback`; each installed
plugin's `Origin` records where it came from.

Archives are deterministic: the same folder gives the same bytes, and
extraction refuses anything unsafe.  Keys are ed25519: `sign` and
`verify` make and check signatures, `Keyring` holds the user's own keys
and `TrustStore` the keys of the publishers the user trusts.

Every error a caller catches is importable from here and derives from
`MarketplaceError` (the base ones live in `acc_plugins.errors`).

Example:
    >>> from pathlib import Path
    >>> data = build_archive(Path("examples/text-tools"))
    >>> data == build_archive(Path("examples/text-tools"))
    True
    >>> parse_requirement("text-tools>=1.2").name
    'text-tools'
"""

from acc_plugins.errors import (
    ArchiveError,
    KeyringError,
    MarketplaceError,
    PublishError,
    SignatureError,
)
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.market._archive import (
    BuiltArchive,
    archive_digest,
    build_archive,
    write_archive,
)
from acc_plugins.market._candidate import Candidate
from acc_plugins.market._details import PluginDetails, details_of
from acc_plugins.market._extract import extract_archive
from acc_plugins.market._health import (
    HealthCheck,
    HealthReport,
    ScratchHostCheck,
)
from acc_plugins.market._http import HttpTransport
from acc_plugins.market._index import (
    Index,
    IndexFormatError,
    Listing,
    Publisher,
    Rating,
    Release,
)
from acc_plugins.market._indexfile import Seen, SignedIndex, StaleIndexError
from acc_plugins.market._installed import Installed
from acc_plugins.market._installer import (
    HealthCheckError,
    Installer,
    Outcome,
)
from acc_plugins.market._installroot import InstallRoot
from acc_plugins.market._keyring import Keyring, OwnKey
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._limits import (
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    ArchiveLimits,
)
from acc_plugins.market._lockfile import LockFileError
from acc_plugins.market._origin import Origin, read_origin
from acc_plugins.market._owner import RegistryOwner
from acc_plugins.market._publish import Published, publish
from acc_plugins.market._registries import (
    Registries,
    RegistryEntry,
    RegistryNotFoundError,
)
from acc_plugins.market._registry import (
    DirectoryTransport,
    FetchedArchive,
    RegistryClient,
    RegistryUnavailableError,
    SeenMemory,
    Transport,
)
from acc_plugins.market._reports import Report, ReportBook
from acc_plugins.market._requirement import Requirement, parse_requirement
from acc_plugins.market._resolver import ResolutionError
from acc_plugins.market._reviews import Review, ReviewBook, write_review
from acc_plugins.market._search import Catalog, Hit, Page
from acc_plugins.market._signing import sign, verify
from acc_plugins.market._site import Site, write_site
from acc_plugins.market._site import render as render_site
from acc_plugins.market._sources import Sources, stage_local
from acc_plugins.market._trust import TrustedKey, TrustStore


__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "ArchiveError",
    "ArchiveLimits",
    "BuiltArchive",
    "Candidate",
    "Catalog",
    "DirectoryTransport",
    "FetchedArchive",
    "GrantStore",
    "HealthCheck",
    "HealthCheckError",
    "HealthReport",
    "Hit",
    "HttpTransport",
    "Index",
    "IndexFormatError",
    "InstallRoot",
    "Installed",
    "Installer",
    "Keyring",
    "KeyringError",
    "Listing",
    "LockFileError",
    "MarketplaceError",
    "Origin",
    "Outcome",
    "OwnKey",
    "Page",
    "PluginDetails",
    "PublicKey",
    "PublishError",
    "Published",
    "Publisher",
    "Rating",
    "Registries",
    "RegistryClient",
    "RegistryEntry",
    "RegistryNotFoundError",
    "RegistryOwner",
    "RegistryUnavailableError",
    "Release",
    "Report",
    "ReportBook",
    "Requirement",
    "ResolutionError",
    "Review",
    "ReviewBook",
    "ScratchHostCheck",
    "Seen",
    "SeenMemory",
    "SignatureError",
    "SignedIndex",
    "Site",
    "Sources",
    "StaleIndexError",
    "Transport",
    "TrustStore",
    "TrustedKey",
    "archive_digest",
    "build_archive",
    "details_of",
    "extract_archive",
    "parse_requirement",
    "publish",
    "read_origin",
    "render_site",
    "sign",
    "stage_local",
    "verify",
    "write_archive",
    "write_review",
    "write_site",
]
