"""
The files of the audit trail: which there are, in what order, their first
and last entries, and the low-level writes (a line, the head) that either
land whole or leave the file as it was.

Kept apart from `AuditLog` so that the class reads as the protocol (lock,
read the newest entry, append, update the head) and this as the mechanics.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sys
from typing import TYPE_CHECKING, Final

from ._auditentry import AuditEntry, canonical, parse_entry


if TYPE_CHECKING:
    from pathlib import Path


if sys.platform == "win32":  # pragma: no cover -- Windows only
    import msvcrt

    def lock_fd(fd: int) -> None:
        # No flock: lock the first byte, retrying past msvcrt's ten seconds.
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            except OSError as exc:
                if exc.errno != errno.EDEADLOCK:
                    raise
            else:
                return

    def unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


CURRENT: Final = "audit.jsonl"
HEAD: Final = "audit.head"
LOCK: Final = "audit.lock"
GENESIS: Final = "0" * 64
ROTATED: Final = re.compile(r"audit-([0-9]+)-([0-9]+)\.jsonl")
# Windows opens low-level descriptors in text mode unless told otherwise.
O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)
BLOCK: Final = 8192


def log_files(directory: Path) -> list[Path]:
    """
    The log files in chain order: rotated ones by first seq, then current.
    """
    try:
        names = os.listdir(directory)  # noqa: PTH208 -- names, not paths
    except FileNotFoundError:
        return []
    except OSError as exc:
        msg = f"cannot read the audit directory {directory}: {exc.strerror}"
        raise OSError(exc.errno, msg) from exc
    rotated = sorted(
        (int(match[1]), name)
        for name in names
        if (match := ROTATED.fullmatch(name))
    )
    paths = [directory / name for _, name in rotated]
    if CURRENT in names:
        paths.append(directory / CURRENT)
    return paths


def first_entry(path: Path) -> AuditEntry | None:
    with path.open("rb") as file:
        for raw in file:
            entry = parse_entry(raw.removesuffix(b"\n"))
            if isinstance(entry, AuditEntry):
                return entry
    return None


def last_entry(path: Path) -> AuditEntry | None:
    """
    The last well-formed entry of *path*, read backwards from its end.
    """
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        partial = b""
        while position > 0:
            step = min(BLOCK, position)
            position -= step
            file.seek(position)
            lines = (file.read(step) + partial).split(b"\n")
            # Unless at the start, the first piece may be part of a line.
            partial = lines.pop(0) if position > 0 else b""
            for raw in reversed(lines):
                entry = parse_entry(raw) if raw else None
                if isinstance(entry, AuditEntry):
                    return entry
    return None


def fsync_directory(directory: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover -- no directory fsync
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_head(directory: Path) -> tuple[int, str] | None:
    """
    What ``audit.head`` says, or None when it is missing or not a head.
    """
    try:
        head = json.loads((directory / HEAD).read_bytes())
        seq, digest = head["seq"], head["hash"]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    if type(seq) is not int or not isinstance(digest, str):
        return None
    return seq, digest


def torn_tail(path: Path) -> tuple[int, int] | None:
    """
    ``(size, end of the last whole line)`` when *path* ends part-way
    through a line, else None.
    """
    with path.open("rb") as file:
        size = file.seek(0, os.SEEK_END)
        if size == 0:
            return None
        file.seek(size - 1)
        if file.read(1) == b"\n":
            return None
        position = size
        while position > 0:
            step = min(BLOCK, position)
            position -= step
            file.seek(position)
            newline = file.read(step).rfind(b"\n")
            if newline >= 0:
                return size, position + newline + 1
        return size, 0


def truncate(path: Path, size: int) -> None:
    """
    Cut *path* back to *size* bytes, durably.
    """
    fd = os.open(path, os.O_WRONLY | O_BINARY)
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def write_line(directory: Path, line: bytes) -> int:
    """
    Append *line* (ending in a newline) to ``audit.jsonl`` in one write,
    durably; if it cannot all be written, cut the file back to what it was.

    Returns:
        The size of the file before the line.

    Raises:
        OSError: If the line could not be written (the file is unchanged).
    """
    path = directory / CURRENT
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | O_BINARY
    fd = os.open(path, flags, 0o600)
    size = 0
    try:
        size = os.fstat(fd).st_size
        if size:
            os.lseek(fd, size - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":
                # A torn line the head vouches for: evidence, kept (verify
                # reports it); this entry starts on a line of its own.
                line = b"\n" + line
        try:
            # One write on an O_APPEND descriptor: readers see all or part
            # of the line, never another line mixed into it.
            if os.write(fd, line) != len(line):
                msg = "short write (file too large?)"
                raise OSError(errno.EFBIG, msg)  # noqa: TRY301 -- undone below
            os.fsync(fd)
        except OSError as exc:
            # Never leave a torn line: what was not written whole never
            # happened.  Shrinking a file is allowed even past a size limit.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        os.close(fd)
    if not size:
        fsync_directory(directory)
    return size


def write_head(directory: Path, seq: int, digest: str) -> None:
    """
    Record the newest entry in ``audit.head``, atomically.
    """
    temporary = directory / f"{HEAD}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_BINARY
    record = (canonical({"seq": seq, "hash": digest}) + "\n").encode()
    try:
        fd = os.open(temporary, flags, 0o600)
        try:
            if os.write(fd, record) != len(record):
                msg = "short write (file too large?)"
                raise OSError(errno.EFBIG, msg)
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(directory / HEAD)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(directory / HEAD)) from exc
