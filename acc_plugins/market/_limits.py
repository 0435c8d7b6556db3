"""
The bounds a plugin archive keeps, checked when packaging and again when
extracting, so that what ``acc-plugins package`` builds always extracts.

Why bounds at all: an archive is untrusted input.  A few kilobytes of
zip can declare, or inflate to, gigabytes (a "zip bomb") or hold a
million tiny entries; an installer must stop before the disk or the
memory fills, and say which bound was hit.
"""

from __future__ import annotations

from typing import Final

import attrs


MAX_ENTRIES: Final = 5_000
"""Files (and folder entries) in one archive."""

MAX_TOTAL_BYTES: Final = 64 * 1024 * 1024
"""Bytes of all files together, once extracted."""

MAX_RATIO: Final = 100
"""How many times its compressed size one entry may inflate to."""

RATIO_FLOOR: Final = 1024 * 1024
"""Entries that inflate to at most this many bytes are not held to
``MAX_RATIO``: a small file of blanks is no bomb."""

MAX_NAME_BYTES: Final = 1024
"""Bytes of one entry's path (UTF-8)."""

MAX_EXTRA_BYTES: Final = 256
"""Bytes of extra fields and comment one central directory record may
carry beyond its name (zip tools add timestamps and owner ids)."""

_CENTRAL_RECORD: Final = 46  # the fixed part of a central directory record
_LOCAL_HEADER: Final = 30  # the fixed part of a local file header


@attrs.frozen
class ArchiveLimits:
    """
    Bounds on one plugin archive.

    The defaults suit every plugin the sandbox can run; an installer may
    pass tighter ones (tests do, to build a bomb in a few bytes).

    Attributes:
        max_entries: Entries in the archive.

        max_total_bytes: Bytes of all files together, once extracted.

        max_ratio: How many times its compressed size one entry may
            inflate to, once it is past *ratio_floor* bytes.

        ratio_floor: Bytes an entry may inflate to whatever its ratio.
    """

    max_entries: int = MAX_ENTRIES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR

    @property
    def max_central_directory(self) -> int:
        """
        The largest central directory that *max_entries* records need.
        """
        record = _CENTRAL_RECORD + MAX_NAME_BYTES + MAX_EXTRA_BYTES
        return self.max_entries * record

    @property
    def max_archive_bytes(self) -> int:
        """
        The largest archive file: every byte stored, plus its headers.
        """
        local = _LOCAL_HEADER + MAX_NAME_BYTES + MAX_EXTRA_BYTES
        headers = self.max_entries * local + self.max_central_directory
        return self.max_total_bytes + headers

    def entry_bound(self, compressed: int) -> int:
        """
        The most bytes an entry of *compressed* bytes may inflate to.
        """
        return max(self.ratio_floor, compressed * self.max_ratio)


DEFAULT_LIMITS: Final = ArchiveLimits()
