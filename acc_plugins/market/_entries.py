"""
What an archive declares, checked before a byte of it is inflated: its
end record, then every entry's name, type, method and sizes.

Why before: the zip's own directory is cheap to read and tells most lies
up front (a symlink, ``../x``, ten thousand entries, a gigabyte declared).
The sizes it declares are checked here and counted again while
inflating (``_extract``), because they are the attacker's to choose.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import ArchiveError

from ._names import clash, name_problem


if TYPE_CHECKING:
    from ._limits import ArchiveLimits


_END: Final = b"PK\x05\x06"
_END_SIZE: Final = 22
_ZIP64_LOCATOR: Final = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE: Final = 20
_METHODS: Final = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_KINDS: Final = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
}
_DOS_FOLDER: Final = 0x10  # the MS-DOS "directory" attribute bit


@attrs.frozen
class Entries:
    """
    The checked entries of an archive.

    Attributes:
        files: File entries, in archive order.

        folders: Names of folder entries, without their trailing ``/``.
    """

    files: list[zipfile.ZipInfo]
    folders: list[str]


def check_end_record(data: bytes, limits: ArchiveLimits, label: str) -> None:
    """
    Refuse an archive whose end record is missing or declares more than
    *limits* allow, before ``zipfile`` builds an object per entry.

    ``zipfile`` reads as many records as the declared directory size
    holds, whatever count is declared, so both are bounded here.  Zip64
    archives are refused: no plugin is large enough to need one, and
    their second end record could override what is checked here.

    Raises:
        ArchiveError: Naming *label*.
    """
    start = data.rfind(_END, max(0, len(data) - _END_SIZE - 0xFFFF))
    if start < 0 or len(data) - start < _END_SIZE:
        raise ArchiveError(
            label, None, "not a zip archive, or truncated (no end record)"
        )
    count, size = struct.unpack_from("<HI", data, start + 10)
    locator = start - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR:
        raise ArchiveError(
            label, None, "a zip64 archive; plugins never need one"
        )
    if count > limits.max_entries:
        raise ArchiveError(label, None, _too_many(count, limits))
    if size > limits.max_central_directory:
        raise ArchiveError(
            label,
            None,
            f"its directory is {size} bytes, more than "
            f"{limits.max_entries} entries need",
        )


def _too_many(count: int, limits: ArchiveLimits) -> str:
    return (
        f"{count} entries, more than the limit of {limits.max_entries} "
        "(MAX_ENTRIES)"
    )


def checked_entries(
    archive: zipfile.ZipFile, limits: ArchiveLimits, label: str
) -> Entries:
    """
    Every entry of *archive*, once each is known to be safe to extract:
    a safe, distinct name, a regular file or folder, stored or deflated,
    not encrypted, and sizes within *limits*.

    Raises:
        ArchiveError: Naming *label* and the first refused entry.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveError(label, None, _too_many(len(infos), limits))
    files: list[zipfile.ZipInfo] = []
    folders: list[str] = []
    declared = 0
    for info in infos:
        name = info.filename
        is_folder = name.endswith("/")
        path = name[:-1] if is_folder else name
        problem = name_problem(path) or _kind_problem(
            info, is_folder=is_folder
        )
        problem = problem or _size_problem(info, limits)
        if problem:
            raise ArchiveError(label, name, problem)
        if is_folder:
            folders.append(path)
        else:
            files.append(info)
            declared += info.file_size
    duplicate = clash([info.filename for info in files], folders)
    if duplicate is not None:
        raise ArchiveError(
            label,
            duplicate,
            "the same path as another entry (names are "
            "compared ignoring case, as Windows and macOS do)",
        )
    if declared > limits.max_total_bytes:
        raise ArchiveError(
            label, None, f"declares {declared} bytes; {total_problem(limits)}"
        )
    return Entries(files, folders)


def _kind_problem(info: zipfile.ZipInfo, *, is_folder: bool) -> str | None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind in _KINDS:
        return f"{_KINDS[kind]}; archives hold regular files only"
    if kind not in {0, stat.S_IFREG, stat.S_IFDIR}:
        return f"a special file (mode {mode:#o})"
    marked_folder = kind == stat.S_IFDIR or bool(
        info.external_attr & _DOS_FOLDER
    )
    if marked_folder != is_folder and (kind or marked_folder):
        return "a folder entry whose name does not end in '/', or the reverse"
    if is_folder and info.file_size:
        return "a folder entry with content"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.compress_type not in _METHODS:
        return f"compression method {info.compress_type}; only stored and deflated are accepted"
    return None


def _size_problem(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    if info.file_size > limits.entry_bound(info.compress_size):
        return ratio_problem(limits)
    return None


def ratio_problem(limits: ArchiveLimits) -> str:
    """
    Why an entry that inflates too far is refused.
    """
    return (
        f"inflates more than {limits.max_ratio} times its size "
        "(MAX_RATIO): a zip bomb?"
    )


def total_problem(limits: ArchiveLimits) -> str:
    """
    Why an archive that inflates too far in all is refused.
    """
    return (
        f"more than the limit of {limits.max_total_bytes} bytes "
        "(MAX_TOTAL_BYTES) in all"
    )
