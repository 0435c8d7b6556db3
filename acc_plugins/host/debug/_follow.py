"""
Reading a plugin's log file as it grows, across rotations, as
``tail -F`` does.

The file is read through an open handle.  When the store rotates it (a
rename), the handle still reads the renamed file: its last lines are read
to the end first, then the new file from its start, so that no line is
missed or read twice, as long as it is polled at least once while the
file fills (a follower that falls further behind than that misses what
a second rotation dropped: the store keeps one rotated file only).
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, BinaryIO, Self

from ._logentry import LogEntry, decode


if TYPE_CHECKING:
    from pathlib import Path


class Follower:
    """
    New lines of one log file, each time it is polled.  It holds the
    file open: close it, or use it as a context manager.

    Args:
        path: The log file (it need not exist yet).

        rotated: Where the store moves it when it is full.

        backlog: Whether the first poll returns the lines already there
            (the rotated file's first); else only lines written from now.
    """

    def __init__(self, path: Path, rotated: Path, *, backlog: bool) -> None:
        self._path = path
        self._rotated = rotated
        self._file: BinaryIO | None = None
        self._partial = b""
        self._pending: list[LogEntry] = []
        if backlog:
            self._pending = self._read_whole(rotated)
            self._open(at_end=False)
        else:
            self._open(at_end=True)

    def __repr__(self) -> str:
        return f"<Follower {self._path}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read_whole(self, path: Path) -> list[LogEntry]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return []
        return _entries(data.split(b"\n"))

    def _open(self, *, at_end: bool) -> None:
        try:
            self._file = self._path.open("rb")
        except FileNotFoundError:
            self._file = None
            return
        if at_end:
            self._file.seek(0, os.SEEK_END)

    def poll(self) -> list[LogEntry]:
        """
        The lines written since the last poll (a line still being
        written waits for the next poll).
        """
        found, self._pending = self._pending, []
        if self._file is None:
            self._open(at_end=False)  # created since: read from its start
            if self._file is None:
                return found
        found += self._read_new()
        if self._rotated_away():
            found += self._read_new()  # its last lines, then the new file
            self.close()
            self._partial = b""
            self._open(at_end=False)
            if self._file is not None:
                found += self._read_new()
        return found

    def _read_new(self) -> list[LogEntry]:
        assert self._file is not None  # noqa: S101 -- checked by poll
        data = self._partial + self._file.read()
        lines = data.split(b"\n")
        self._partial = lines.pop()  # b"" after a whole line
        return _entries(lines)

    def _rotated_away(self) -> bool:
        assert self._file is not None  # noqa: S101 -- checked by poll
        try:
            now = self._path.stat()
        except FileNotFoundError:
            return False  # not made again yet: keep reading the old one
        return now.st_ino != os.fstat(self._file.fileno()).st_ino

    def close(self) -> None:
        """
        Let go of the file.
        """
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None


def _entries(lines: list[bytes]) -> list[LogEntry]:
    found = []
    for line in lines:
        entry = decode(line)
        if entry is not None:
            found.append(entry)
    return found
