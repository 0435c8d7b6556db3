"""
Safe extraction of a plugin archive: everything is checked, inflated into
a fresh folder beside the destination, and renamed into place at the end.

Why stage and rename: a refusal can come late (the last entry inflates
too far, or its checksum is wrong).  Until the rename nothing exists at
the destination, so any failure, or a kill, leaves the destination as
it was; the staging folder is removed on failure, and is a dot-name
ending in ``.tmp`` if a kill leaves one.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import ArchiveError, ManifestError
from acc_plugins.manifest import Manifest, parse_manifest
from acc_plugins.security._auditfiles import fsync_directory

from ._entries import (
    check_end_record,
    checked_entries,
    ratio_problem,
    total_problem,
)
from ._limits import DEFAULT_LIMITS, ArchiveLimits
from ._sync import syncfs


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

MANIFEST: Final = "plugin.toml"
_CHUNK: Final = 256 * 1024
_O_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)
_O_NONBLOCK: Final[int] = getattr(os, "O_NONBLOCK", 0)
# What zipfile and zlib raise for a corrupt or truncated archive.
_CORRUPT: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    NotImplementedError,
    UnicodeDecodeError,
    ValueError,
)


def extract_archive(
    archive: Path | bytes,
    dest: Path,
    *,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    extra: Callable[[Manifest], Mapping[str, bytes]] | None = None,
) -> Manifest:
    """
    Extract a plugin archive into *dest*, which must not exist yet.

    Every entry is checked before anything is written (see
    ``ArchiveError`` for what is refused), and the inflated bytes are
    counted against *limits* whatever the archive declares.  Files get
    mode ``0644`` and folders ``0755`` (as the umask allows), whatever
    the archive says.

    Args:
        archive: The ``.accp`` file, or its bytes.

        dest: The folder to create; its parent must exist.

        limits: The bounds to enforce.

        extra: Given the manifest once every entry checked, the files
            the caller adds beside the plugin's (the installer's origin
            record): plain names to their bytes, written 0644 before the
            one flush, so that they need no flush of their own.

    Returns:
        The manifest of the extracted plugin.

    Raises:
        ArchiveError: The archive is refused; *dest* was not created.

        FileExistsError: *dest* exists already.

        OSError: The archive cannot be read, or *dest* written.
    """
    label = "<archive>" if isinstance(archive, bytes) else str(archive)
    data = archive if isinstance(archive, bytes) else _read(archive, limits)
    if os.path.lexists(dest):
        raise FileExistsError(errno.EEXIST, "already exists", str(dest))
    check_end_record(data, limits, label)
    with _opened(data, label) as zipped:
        entries = checked_entries(zipped, limits, label)
        manifest = _manifest(_Inflater(zipped, limits, label), entries.files)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent
            )
        )
        try:
            for folder in entries.folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
            inflater = _Inflater(zipped, limits, label)
            for info in entries.files:
                inflater.write(info, staging)
            added = _add(staging, extra(manifest) if extra else {})
            staging.chmod(0o755)
            if not syncfs(staging):
                _fsync_each(staging, entries.folders, entries.files, added)
            staging.rename(dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    fsync_directory(dest.parent)
    return manifest


def _add(staging: Path, files: Mapping[str, bytes]) -> list[str]:
    """
    Write the caller's extra *files* into *staging*; their names.
    """
    for name, content in files.items():
        if "/" in name or "\\" in name or name in {"", ".", ".."}:
            msg = f"an extra file needs a plain name, not {name!r}"
            raise ValueError(msg)
        target = staging / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY
        fd = os.open(target, flags, 0o644)
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
    return list(files)


def _fsync_each(
    staging: Path,
    folders: list[str],
    files: list[zipfile.ZipInfo],
    added: list[str],
) -> None:
    """
    Flush every file, then every folder, where ``syncfs`` is missing.
    """
    for name in [info.filename for info in files] + list(added):
        fd = os.open(staging / name, os.O_RDONLY | _O_BINARY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    made = {staging / folder for folder in folders}
    made.update((staging / info.filename).parent for info in files)
    made.add(staging)
    for folder in sorted(made, reverse=True):
        fsync_directory(folder)


def _read(path: Path, limits: ArchiveLimits) -> bytes:
    """
    The bytes of an archive file; a pipe, a device or a file too large
    for any archive within *limits* is refused unread.
    """
    too_large = (
        f"larger than {limits.max_archive_bytes} bytes, the most an "
        "archive within the limits can be"
    )
    fd = os.open(path, os.O_RDONLY | _O_BINARY | _O_NONBLOCK)
    with open(fd, "rb") as file:  # noqa: PTH123 -- an fd from os.open
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArchiveError(str(path), None, "not a regular file")
        if info.st_size > limits.max_archive_bytes:
            raise ArchiveError(str(path), None, too_large)
        data = file.read(limits.max_archive_bytes + 1)
    if len(data) > limits.max_archive_bytes:  # it grew while being read
        raise ArchiveError(str(path), None, too_large)
    return data


@contextlib.contextmanager
def _opened(data: bytes, label: str) -> Iterator[zipfile.ZipFile]:
    """
    The archive as a ``ZipFile``; a corrupt one is an ``ArchiveError``.
    """
    try:
        zipped = zipfile.ZipFile(io.BytesIO(data))
    except _CORRUPT as exc:
        raise ArchiveError(label, None, f"corrupt: {exc}") from exc
    with zipped:
        yield zipped


def _manifest(inflater: _Inflater, files: list[zipfile.ZipInfo]) -> Manifest:
    label = inflater.label
    info = next((info for info in files if info.filename == MANIFEST), None)
    if info is None:
        raise ArchiveError(label, None, f"no {MANIFEST} at its root")
    raw = io.BytesIO()
    inflater.copy(info, raw)
    try:
        return parse_manifest(raw.getvalue(), path=MANIFEST)
    except ManifestError as exc:
        problems = "; ".join(exc.problems)
        raise ArchiveError(label, MANIFEST, f"invalid: {problems}") from exc


@attrs.define
class _Inflater:
    """
    Inflates the entries of one archive, counting every byte against the
    limits, whatever sizes the archive declares.

    Attributes:
        budget: Bytes that the entries still to come may inflate to.
    """

    zipped: zipfile.ZipFile
    limits: ArchiveLimits
    label: str
    budget: int = attrs.field()
    _made: set[Path] = attrs.Factory(set)  # folders known to exist

    @budget.default
    def _total(self) -> int:
        return self.limits.max_total_bytes

    def write(self, info: zipfile.ZipInfo, staging: Path) -> None:
        """
        Write one file entry under *staging* (flushed later, all at once).
        """
        target = staging / info.filename
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY
        with open(os.open(target, flags, 0o644), "wb") as out:  # noqa: PTH123 -- an fd from os.open
            self.copy(info, out)

    def copy(self, info: zipfile.ZipInfo, out: IO[bytes]) -> None:
        """
        Inflate *info* into *out*.
        """
        try:
            with self.zipped.open(info) as source:
                self.budget -= self._pump(info, source, out)
        except ArchiveError:
            raise  # a ValueError too, but already says what and where
        except _CORRUPT as exc:
            raise ArchiveError(
                self.label, info.filename, f"corrupt: {exc}"
            ) from exc

    def _pump(
        self, info: zipfile.ZipInfo, source: IO[bytes], out: IO[bytes]
    ) -> int:
        bound = self.limits.entry_bound(info.compress_size)
        size = 0
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > bound:
                raise ArchiveError(
                    self.label, info.filename, ratio_problem(self.limits)
                )
            if size > self.budget:
                raise ArchiveError(
                    self.label, None, total_problem(self.limits)
                )
            out.write(chunk)
        return size
