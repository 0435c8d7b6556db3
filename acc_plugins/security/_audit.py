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
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._auditentry import (
    AuditEntry,
    AuditKind,
    VerifyResult,
    canonical,
    hash_of,
    parse_entry,
)
from ._auditfiles import (
    CURRENT,
    GENESIS,
    HEAD,
    LOCK,
    O_BINARY,
    first_entry,
    fsync_directory,
    last_entry,
    lock_fd,
    log_files,
    read_head,
    torn_tail,
    truncate,
    unlock_fd,
    write_head,
    write_line,
)
from ._auditverify import records, verify


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._auditverify import Opened


__all__ = ["GENESIS", "AuditLog"]


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
            self._repair_torn_tail(now)
            return self._append_locked(kind, plugin, detail, now)

    def last_seq(self) -> int:
        """
        The seq of the newest entry; 0 when there is none.

        Raises:
            OSError: If the directory cannot be read.
        """
        with self._locked(write=False):
            newest = self._newest_entry()
        return newest.seq if newest else 0

    def _append_locked(
        self,
        kind: AuditKind,
        plugin: str | None,
        detail: dict[str, Any],
        now: datetime,
    ) -> AuditEntry:
        last = self._newest_entry()
        if last is not None:
            self._head_catch_up(last)
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
        size = write_line(self._directory, line + b"\n")
        try:
            # Written after the line: a crash in between leaves the head
            # one entry behind, which verify accepts.
            write_head(self._directory, entry.seq, entry.hash)
        except OSError:
            # The caller is told the entry failed: then it must not exist.
            with contextlib.suppress(OSError):
                truncate(self._directory / CURRENT, size)
            raise
        return entry

    def _head_catch_up(self, last: AuditEntry) -> None:
        """
        Name *last* in ``audit.head`` if a writer died between writing it
        and the head: the head is then never more than one entry behind,
        which verify accepts, even after several such deaths in a row.

        Only exactly one behind: a head further off is evidence, left alone.
        """
        head = read_head(self._directory)
        if (head is None and last.seq == 1) or (
            head is not None and head == (last.seq - 1, last.prev)
        ):
            write_head(self._directory, last.seq, last.hash)

    def _repair_torn_tail(self, now: datetime) -> None:
        """
        Cut away a last line that a failed write left part-written, and
        record that in the trail.

        Only when ``audit.head`` names the last whole entry: then the torn
        line was never a committed entry, and the change it described never
        happened.  A torn line the head vouches for is evidence, and stays.
        """
        current = self._directory / CURRENT
        try:
            torn = torn_tail(current)
        except FileNotFoundError:
            return
        if torn is None:
            return
        newest = self._newest_entry()
        expected = None if newest is None else (newest.seq, newest.hash)
        if read_head(self._directory) != expected:
            return
        size, keep = torn
        truncate(current, keep)
        detail = {
            "file": CURRENT,
            "bytes": size - keep,
            "reason": "a line part-written by a write that failed",
        }
        self._append_locked(AuditKind.REPAIR, None, detail, now)

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
            for _, _, raw in records(opened):
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
            return verify(opened, head, self._directory)

    @contextlib.contextmanager
    def _locked(self, *, write: bool) -> Iterator[None]:
        with self._thread_lock:
            if write:
                self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | O_BINARY
            fd: int | None = None
            try:
                fd = os.open(self._directory / LOCK, flags, 0o600)
            except OSError:
                # Missing or read-only, nobody can be writing there.
                if write:
                    raise
            try:
                if fd is not None:
                    lock_fd(fd)
                yield
            finally:
                if fd is not None:
                    with contextlib.suppress(OSError):
                        unlock_fd(fd)
                    os.close(fd)

    @contextlib.contextmanager
    def _snapshot(
        self,
    ) -> Iterator[tuple[list[Opened], bytes | None]]:
        # Open every file under the lock, then read without it: a rename
        # does not move an open file, and later appends lie past the size.
        opened: list[Opened] = []
        try:
            with self._locked(write=False):
                for path in log_files(self._directory):
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
        for path in reversed(log_files(self._directory)):
            entry = last_entry(path)
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
        first, last = first_entry(current), last_entry(current)
        if first is None or last is None:
            return  # nothing to name it by; keep appending
        target = self._directory / f"audit-{first.seq}-{last.seq}.jsonl"
        if target.exists():
            return  # never overwrite a rotated file
        try:
            current.rename(target)
        except PermissionError:  # pragma: no cover -- Windows, file open
            return  # a reader holds it open; rotate next time
        fsync_directory(self._directory)
