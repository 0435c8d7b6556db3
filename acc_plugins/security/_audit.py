"""
The tamper-evident audit trail: append-only JSON Lines, chained by hashes.

Each line of ``audit.jsonl`` is the canonical JSON of one entry.  An entry's
``hash`` is the SHA-256 of the canonical JSON of its other fields, ``prev``
among them, and ``prev`` is the ``hash`` of the entry before (64 zeros for
the first), so editing, reordering or deleting an entry breaks the chain.
A full file is renamed to ``audit-<first seq>-<last seq>.jsonl`` and the
chain carries on in a new ``audit.jsonl``.  ``audit.head`` records the last
entry's seq and hash, so that deleting the newest entries shows too.

The chain is not signed: someone who can rewrite the whole directory can
recompute every hash.  It detects edits made by hand or by tools that do
not know the format, and any loss of entries.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import attrs

from ._auditentry import (
    AuditEntry,
    AuditKind,
    VerifyResult,
    canonical,
    hash_of,
    parse_entry,
)


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


if sys.platform == "win32":  # pragma: no cover -- Windows only
    import msvcrt

    def _lock_fd(fd: int) -> None:
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

    def _unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


CURRENT: Final = "audit.jsonl"
HEAD: Final = "audit.head"
LOCK: Final = "audit.lock"
GENESIS: Final = "0" * 64
_ROTATED: Final = re.compile(r"audit-([0-9]+)-([0-9]+)\.jsonl")
# Windows opens low-level descriptors in text mode unless told otherwise.
_O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)
_BLOCK: Final = 8192


def _log_files(directory: Path) -> list[Path]:
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
        if (match := _ROTATED.fullmatch(name))
    )
    paths = [directory / name for _, name in rotated]
    if CURRENT in names:
        paths.append(directory / CURRENT)
    return paths


def _first_entry(path: Path) -> AuditEntry | None:
    with path.open("rb") as file:
        for raw in file:
            entry = parse_entry(raw.removesuffix(b"\n"))
            if isinstance(entry, AuditEntry):
                return entry
    return None


def _last_entry(path: Path) -> AuditEntry | None:
    """
    The last well-formed entry of *path*, read backwards from its end.
    """
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        partial = b""
        while position > 0:
            step = min(_BLOCK, position)
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


def _fsync_directory(directory: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover -- no directory fsync
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_Opened = tuple[Path, BinaryIO, int]
_Record = tuple[Path, int, bytes | None]


def _records(opened: list[_Opened]) -> Iterator[_Record]:
    """
    ``(file, line number, line)`` for each line up to each file's snapshot
    size, then ``(file, lines in it, None)`` at the end of each file.
    """
    for path, file, size in opened:
        consumed = number = 0
        for whole in file:
            if consumed >= size:
                break
            raw = whole[: size - consumed]
            consumed += len(raw)
            number += 1
            yield path, number, raw
        yield path, number, None


def _seq_appears(seq: int, records: Iterator[_Record]) -> bool:
    for _, _, raw in records:
        entry = parse_entry(raw.removesuffix(b"\n")) if raw else None
        if isinstance(entry, AuditEntry) and entry.seq == seq:
            return True
    return False


def _read_head(raw: bytes | None) -> tuple[int, str] | str | None:
    if raw is None:
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError, RecursionError):
        head = json.loads(raw)
        if type(head["seq"]) is int and isinstance(head["hash"], str):
            return head["seq"], head["hash"]
    return "edited: audit.head is not a head record"


def _missing(first: int | str, last: int | str) -> str:
    if str(first) == str(last):
        return f"entry {first} is missing"
    return f"entries {first}-{last} are missing"


def _check(
    raw: bytes, expected: int, prev: str, records: Iterator[_Record]
) -> AuditEntry | str:
    """
    The entry on *raw* if it is the one the chain expects, else the problem.
    """
    entry = parse_entry(raw.removesuffix(b"\n"))
    if isinstance(entry, str):
        return entry
    if entry.seq > expected and not _seq_appears(expected, records):
        return f"deleted: {_missing(expected, entry.seq - 1)} before this one"
    if entry.seq != expected:
        return f"reordered: entry {entry.seq} stands where {expected} belongs"
    if entry.prev != prev:
        return "edited: prev does not match the hash of the entry before"
    return entry


def _verify(
    opened: list[_Opened], head_raw: bytes | None, directory: Path
) -> VerifyResult:
    count, prev = 0, GENESIS

    def broken(problem: str, path: Path, line: int) -> VerifyResult:
        return VerifyResult(False, count, len(opened), problem, path, line)

    head = _read_head(head_raw)
    if isinstance(head, str):
        return broken(head, directory / HEAD, 1)
    path, line = directory / CURRENT, 0
    records = _records(opened)
    for path, line, raw in records:
        if raw is not None:
            entry = _check(raw, count + 1, prev, records)
            if isinstance(entry, str):
                return broken(entry, path, line)
            if head and head[0] == entry.seq and head[1] != entry.hash:
                problem = "edited: the entry does not match audit.head"
                return broken(problem, path, line)
            count, prev = entry.seq, entry.hash
        elif (named := _ROTATED.fullmatch(path.name)) and int(
            named[2]
        ) > count:
            # A rotated file ends short of the last seq its name gives.
            problem = f"deleted: {_missing(count + 1, named[2])}"
            return broken(problem, path, line + 1)
    if head is None and count > 1:
        return broken("deleted: audit.head is missing", directory / HEAD, 1)
    if head and head[0] > count:
        problem = f"deleted: {_missing(count + 1, head[0])}"
        return broken(problem, path, line + 1)
    return VerifyResult(True, count, len(opened))


def _utc_now() -> datetime:
    return datetime.now(UTC)


@attrs.define(repr=False)
class AuditLog:
    """
    The audit trail kept in one directory.

    Safe to use from several threads and several processes at once: every
    write happens under an exclusive lock on ``audit.lock`` (``flock`` on
    POSIX, ``msvcrt.locking`` on Windows).

    Args:
        directory: Where the log files live; created (0o700) on first write.

        max_bytes: Rotate ``audit.jsonl`` before it would grow past this.

        clock: Returns the current time, timezone-aware.
    """

    _directory: Path = attrs.field(converter=Path)
    _max_bytes: int = attrs.field(default=5_000_000, kw_only=True)
    _clock: Callable[[], datetime] = attrs.field(
        default=_utc_now, kw_only=True
    )
    # flock already excludes other descriptors in this process; the thread
    # lock keeps threads sharing this object from even trying.
    _thread_lock: threading.Lock = attrs.field(
        factory=threading.Lock, init=False
    )

    def __repr__(self) -> str:
        return f"<acc_plugins.security.AuditLog({str(self._directory)!r})>"

    def append(
        self, kind: AuditKind | str, plugin: str | None = None, **detail: Any
    ) -> AuditEntry:
        """
        Write one entry, durably, and return it.

        Args:
            kind: What happened.

            plugin: The plugin concerned, if any.

            detail: Further facts, as JSON values.

        Raises:
            ValueError: For an unknown *kind*, a detail that is not JSON,
                or a clock without a timezone.

            TypeError: For a detail that is not JSON, or a plugin not str.

            OSError: If the log cannot be written.
        """
        kind = AuditKind(kind)
        # A round trip stores what a reader will see (tuples become lists).
        detail = json.loads(canonical(detail))
        now = self._clock()
        if now.tzinfo is None:
            msg = "the audit clock must return timezone-aware datetimes"
            raise ValueError(msg)
        with self._locked(write=True):
            last = self._newest_entry()
            fields: dict[str, Any] = {
                "seq": last.seq + 1 if last else 1,
                "time": now.astimezone(UTC).isoformat(timespec="microseconds"),
                "kind": kind.value,
                "plugin": plugin,
                "detail": detail,
                "prev": last.hash if last else GENESIS,
            }
            fields["hash"] = hash_of(fields)
            line = canonical(fields).encode("utf-8")
            # Never write what verify would reject (a non-str plugin, say).
            entry = parse_entry(line)
            if isinstance(entry, str):
                msg = f"not a valid audit entry: {entry}"
                raise TypeError(msg)
            self._rotate_before(len(line) + 1)
            self._write_line(line + b"\n")
            self._write_head(entry.seq, entry.hash)
        return entry

    def entries(
        self,
        plugin: str | None = None,
        kind: AuditKind | str | None = None,
        since: datetime | None = None,
    ) -> Iterator[AuditEntry]:
        """
        The well-formed entries, oldest first, across all files.

        Lines that are not well-formed are skipped; `verify` reports them.

        Args:
            plugin: Only entries about this plugin.

            kind: Only entries of this kind.

            since: Only entries written at or after this (timezone-aware).

        Raises:
            ValueError: For an unknown *kind* or a naive *since*.
        """
        wanted = None if kind is None else AuditKind(kind)
        if since is not None and since.tzinfo is None:
            msg = "since must be timezone-aware"
            raise ValueError(msg)
        return self._entries(plugin, wanted, since)

    def _entries(
        self,
        plugin: str | None,
        kind: AuditKind | None,
        since: datetime | None,
    ) -> Iterator[AuditEntry]:
        with self._snapshot() as (opened, _):
            for _, _, raw in _records(opened):
                entry = parse_entry(raw.removesuffix(b"\n")) if raw else None
                if (
                    isinstance(entry, AuditEntry)
                    and plugin in {None, entry.plugin}
                    and kind in {None, entry.kind}
                    and (
                        since is None
                        or datetime.fromisoformat(entry.time) >= since
                    )
                ):
                    yield entry

    def verify(self) -> VerifyResult:
        """
        Check the whole chain and report the first problem, if any.

        Never raises for bad content: every problem is in the result.

        Raises:
            OSError: If the directory cannot be read.
        """
        with self._snapshot() as (opened, head):
            return _verify(opened, head, self._directory)

    @contextlib.contextmanager
    def _locked(self, *, write: bool) -> Iterator[None]:
        with self._thread_lock:
            if write:
                self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | _O_BINARY
            fd: int | None = None
            try:
                fd = os.open(self._directory / LOCK, flags, 0o600)
            except OSError:
                # Missing or read-only, nobody can be writing there.
                if write:
                    raise
            try:
                if fd is not None:
                    _lock_fd(fd)
                yield
            finally:
                if fd is not None:
                    with contextlib.suppress(OSError):
                        _unlock_fd(fd)
                    os.close(fd)

    @contextlib.contextmanager
    def _snapshot(
        self,
    ) -> Iterator[tuple[list[_Opened], bytes | None]]:
        # Open every file under the lock, then read without it: a rename
        # does not move an open file, and later appends lie past the size.
        opened: list[_Opened] = []
        try:
            with self._locked(write=False):
                for path in _log_files(self._directory):
                    file = path.open("rb")
                    opened.append(
                        (path, file, os.fstat(file.fileno()).st_size)
                    )
                try:
                    head: bytes | None = (self._directory / HEAD).read_bytes()
                except FileNotFoundError:
                    head = None
            yield opened, head
        finally:
            for _, stream, _ in opened:
                stream.close()

    def _newest_entry(self) -> AuditEntry | None:
        for path in reversed(_log_files(self._directory)):
            entry = _last_entry(path)
            if entry is not None:
                return entry
        return None

    def _rotate_before(self, incoming: int) -> None:
        current = self._directory / CURRENT
        try:
            size = current.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self._max_bytes:
            return
        first, last = _first_entry(current), _last_entry(current)
        if first is None or last is None:
            return  # nothing to name it by; keep appending
        target = self._directory / f"audit-{first.seq}-{last.seq}.jsonl"
        if target.exists():
            return  # never overwrite a rotated file
        try:
            current.rename(target)
        except PermissionError:  # pragma: no cover -- Windows, file open
            return  # a reader holds it open; rotate next time
        _fsync_directory(self._directory)

    def _write_line(self, line: bytes) -> None:
        path = self._directory / CURRENT
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _O_BINARY
        fd = os.open(path, flags, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    # A torn line from a crash: keep it (verify reports it)
                    # and start afresh on the next line.
                    line = b"\n" + line
            # One write on an O_APPEND descriptor: readers see all or part
            # of the line, never another line mixed into it.
            if os.write(fd, line) != len(line):
                msg = f"short write to {path}"
                raise OSError(errno.EIO, msg)
            os.fsync(fd)
        finally:
            os.close(fd)
        if not size:
            _fsync_directory(self._directory)

    def _write_head(self, seq: int, digest: str) -> None:
        # Written after the line: a crash in between leaves the head one
        # entry behind, which verify accepts.
        temporary = self._directory / f"{HEAD}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_BINARY
        fd = os.open(temporary, flags, 0o600)
        try:
            os.write(
                fd, (canonical({"seq": seq, "hash": digest}) + "\n").encode()
            )
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(self._directory / HEAD)
