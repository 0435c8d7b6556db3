"""
The marketplace: plugin archives (``.accp``) and, in later parts, the
registry, signing and installation.

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
from acc_plugins.market._limits import (
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    ArchiveLimits,
)


__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "ArchiveLimits",
    "BuiltArchive",
    "archive_digest",
    "build_archive",
    "extract_archive",
    "write_archive",
]
