"""
Packaging a plugin folder into a deterministic ``.accp`` archive (a zip).

Why deterministic: the registry records an archive's sha256, and anyone
who packages the same sources must be able to get the same bytes to
check it.  So nothing of the machine gets in: entries are sorted by
name, every timestamp is 1980-01-01 00:00, every file is ``0644``, no
folder entries are written, and every entry is deflated at level 9
(the bytes can differ only where a different zlib deflates differently).
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Final

import attrs

from acc_plugins.errors import ArchiveError
from acc_plugins.host.config._atomic import write_atomic
from acc_plugins.manifest import Manifest, load_manifest

from ._entries import total_problem
from ._extract import MANIFEST
from ._limits import DEFAULT_LIMITS, ArchiveLimits
from ._names import clash, name_problem


SUFFIX: Final = ".accp"
EXCLUDED_FOLDERS: Final = frozenset(
    {
        ".git",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".venv",
        "__pycache__",
    }
)
"""Folders that are never source: version control, caches, environments."""

EXCLUDED_FILES: Final = (
    "*.accp",
    "*.pyc",
    "*.swp",
    "*~",
    ".DS_Store",
    ".accp-origin.json",
)
"""Patterns of files that are never source: archives (the one being
written may sit in the folder), bytecode, editor backups, and the
installer's record of where an installed plugin came from."""

_EPOCH: Final = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
_LEVEL: Final = 9
_UNIX: Final = 3  # ZipInfo.create_system: mode bits are Unix ones
_FILE_MODE: Final = stat.S_IFREG | 0o644
_SPECIAL: Final = "not a regular file (a device, pipe or socket)"
_O_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)


@attrs.frozen
class BuiltArchive:
    """
    An archive that ``write_archive`` wrote.

    Attributes:
        path: The archive file.

        size: Its size in bytes.

        sha256: Its SHA-256, hex.

        manifest: The plugin's manifest.
    """

    path: Path
    size: int
    sha256: str
    manifest: Manifest


def archive_digest(data: bytes) -> str:
    """
    The SHA-256 of an archive's bytes, as the registry index records it.
    """
    return hashlib.sha256(data).hexdigest()


def archive_name(manifest: Manifest) -> str:
    """
    The file name of a plugin's archive: ``<name>-<version>.accp``.
    """
    return f"{manifest.plugin.name}-{manifest.plugin.version}{SUFFIX}"


def build_archive(
    folder: Path, *, limits: ArchiveLimits = DEFAULT_LIMITS
) -> bytes:
    """
    The ``.accp`` archive of a plugin folder, the same bytes every time.

    Args:
        folder: The plugin folder; it must hold a valid ``plugin.toml``.

        limits: The bounds the archive must keep (those that extraction
            enforces, by default).

    Returns:
        The archive's bytes.

    Raises:
        ManifestError: ``plugin.toml`` is missing or invalid.

        ArchiveError: A file that cannot be packaged (a symbolic link, a
            device, a name that is not portable) or a limit exceeded.

        OSError: A file cannot be read.
    """
    return _build(folder, limits)[1]


def write_archive(
    folder: Path, out: Path, *, limits: ArchiveLimits = DEFAULT_LIMITS
) -> BuiltArchive:
    """
    Package *folder* and write the archive atomically.

    Args:
        folder: The plugin folder.

        out: The archive file, or an existing folder to write
            ``<name>-<version>.accp`` in.

        limits: As for ``build_archive``.

    Returns:
        Where the archive went, its size and digest, and the manifest.

    Raises:
        ManifestError: As for ``build_archive``.

        ArchiveError: As for ``build_archive``.

        OSError: A file cannot be read, or the archive written.
    """
    manifest, data = _build(folder, limits)
    path = out / archive_name(manifest) if out.is_dir() else out
    write_atomic(path, data, mode=0o644)
    return BuiltArchive(path, len(data), archive_digest(data), manifest)


def _build(folder: Path, limits: ArchiveLimits) -> tuple[Manifest, bytes]:
    manifest = load_manifest(folder / MANIFEST)
    files = _collect(folder, limits)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name in sorted(files):
            content = files[name]
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = _UNIX
            info.external_attr = _FILE_MODE << 16
            info.compress_type = _method(content, limits)
            zipped.writestr(info, content, compresslevel=_LEVEL)
    return manifest, buffer.getvalue()


def _method(content: bytes, limits: ArchiveLimits) -> int:
    """
    Deflated, unless that would not shrink *content*, or would shrink
    it past what extraction takes for a bomb: then stored as is.
    """
    compressed = len(zlib.compress(content, _LEVEL))
    if compressed >= len(content):
        return zipfile.ZIP_STORED
    if len(content) > limits.entry_bound(compressed):
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def _excluded(name: str) -> bool:
    return any(
        fnmatch.fnmatchcase(name, pattern) for pattern in EXCLUDED_FILES
    )


def _collect(folder: Path, limits: ArchiveLimits) -> dict[str, bytes]:
    """
    Every file to package, by its archive name, read without following
    links; refuse what an extractor would refuse.
    """
    label = str(folder)
    files: dict[str, bytes] = {}
    budget = limits.max_total_bytes
    pending = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            name = prefix + entry.name
            if entry.is_symlink():
                raise ArchiveError(
                    label,
                    name,
                    "a symbolic link; archives hold regular files only "
                    "(copy the file in instead)",
                )
            if entry.is_dir():
                if entry.name not in EXCLUDED_FOLDERS:
                    pending.append((Path(entry.path), name + "/"))
                continue
            if _excluded(entry.name):
                continue
            if not entry.is_file(follow_symlinks=False):
                raise ArchiveError(label, name, _SPECIAL)
            problem = name_problem(name)
            if problem:
                raise ArchiveError(
                    label, name, f"cannot be packaged: {problem}"
                )
            if len(files) == limits.max_entries:
                raise ArchiveError(
                    label,
                    None,
                    f"more than {limits.max_entries} files (MAX_ENTRIES)",
                )
            files[name] = _read(Path(entry.path), budget, limits, label, name)
            budget -= len(files[name])
    duplicate = clash(sorted(files))
    if duplicate is not None:
        raise ArchiveError(
            label,
            duplicate,
            "the same path as another file on Windows and macOS, "
            "which ignore case",
        )
    return files


def _read(
    path: Path, budget: int, limits: ArchiveLimits, label: str, name: str
) -> bytes:
    """
    A regular file's bytes, at most *budget* of them; anything else, or
    more, is refused.
    """
    flags = (
        os.O_RDONLY | _O_NOFOLLOW | _O_BINARY | getattr(os, "O_NONBLOCK", 0)
    )
    fd = os.open(path, flags)
    with open(fd, "rb") as file:  # noqa: PTH123 -- an fd from os.open
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveError(label, name, _SPECIAL)
        data = file.read(budget + 1)
    if len(data) > budget:
        raise ArchiveError(label, None, total_problem(limits))
    return data
