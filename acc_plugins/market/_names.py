"""
Which entry names an archive may hold: relative, forward-slash paths that
mean the same file on Linux, macOS and Windows.

Why so strict: an extractor that trusts a name writes where the name
points.  ``../x`` and ``/etc/x`` leave the destination ("zip slip");
``a\\..\\..\\x`` and ``C:x`` do the same on Windows; ``NUL.py`` is a
device there; ``README`` and ``readme``, or ``é`` composed and
decomposed, are one file on a case-insensitive or normalising disk, so
the second would silently replace the first.  A plugin never needs any
of these, so packaging refuses them too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final

from ._limits import MAX_NAME_BYTES


if TYPE_CHECKING:
    from collections.abc import Sequence


_SEGMENT_BYTES: Final = 255  # the longest file name most filesystems take
_DRIVE: Final = re.compile(r"[A-Za-z]:")
# Characters Windows refuses in names, and every control character.
_FORBIDDEN: Final = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)

RESERVED: Final = ".accp-origin.json"
"""The one name an archive may not carry: the installer writes it."""


def name_problem(name: str) -> str | None:
    """
    Why *name* may not be an entry of a plugin archive, or ``None``.

    Args:
        name: The entry's path inside the archive, without the trailing
            ``/`` of a folder entry.
    """
    if not name:
        return "an empty name"
    if same_file_key(name) == same_file_key(RESERVED):
        return "the installer's own record of where a plugin came from"
    if name.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(name):
        return "a Windows drive letter"
    if "\\" in name:
        return "a backslash (a Windows path separator)"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"a name longer than {MAX_NAME_BYTES} bytes"
    forbidden = _FORBIDDEN.search(name)
    if forbidden:
        return f"the character {forbidden.group()!r} in its name"
    for segment in name.split("/"):
        problem = _segment_problem(segment)
        if problem:
            return problem
    return None


def _segment_problem(segment: str) -> str | None:
    if segment == "..":
        return "'..', which leaves the folder"
    if segment in {"", "."}:
        return "an empty or '.' path segment"
    if len(segment.encode("utf-8", "surrogatepass")) > _SEGMENT_BYTES:
        return f"a file name longer than {_SEGMENT_BYTES} bytes"
    if segment[-1] in ". ":
        return "a file name ending in '.' or ' ' (Windows drops it)"
    if segment.split(".", 1)[0].upper() in _RESERVED:
        return f"{segment!r}, a device name on Windows"
    return None


def same_file_key(name: str) -> str:
    """
    What *name* is called on a case-insensitive, normalising filesystem.
    """
    return unicodedata.normalize("NFC", name).casefold()


def clash(files: Sequence[str], folders: Sequence[str] = ()) -> str | None:
    """
    A name that denotes the same path as another (ignoring case and
    Unicode normalisation), or a file that is also a folder; ``None``
    when every name is distinct.

    Args:
        files: File entries, in archive order.

        folders: Folder entries, without their trailing ``/``.
    """
    names: dict[str, str] = {}
    implied: set[str] = set()
    for name in files:
        key = same_file_key(name)
        if key in names:
            return name
        names[key] = name
        parts = key.split("/")
        implied.update("/".join(parts[:end]) for end in range(1, len(parts)))
    seen_folders: set[str] = set()
    for name in folders:
        key = same_file_key(name)
        if key in names or key in seen_folders:
            return name
        seen_folders.add(key)
    return next((names[key] for key in names if key in implied), None)
