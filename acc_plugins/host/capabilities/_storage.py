"""
Per-plugin key-value storage in SQLite (standard library, no server).

Each plugin's keys and values count against its quota
(``[limits] storage-mb``), measured as the UTF-8 bytes of its keys and
JSON values; a write that would pass it is refused, in the same
transaction that would have made it.  Storage survives reloads and
restarts; only ``purge`` (``acc-plugins storage clear``) removes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class StorageFullError(ValueError):
    """
    A write would take a plugin past its storage quota.
    """

    def __init__(self, plugin: str, quota: int, used: int) -> None:
        super().__init__(
            f"storage of plugin {plugin!r} is full: {used:,} of {quota:,} "
            "bytes used by other keys (raise [limits] storage-mb, or "
            "delete keys)"
        )


class StorageBusyError(RuntimeError):
    """
    Another process held the storage's write lock for as long as the call
    could wait: the plugin's call fails with this, not with its budget.
    """

    def __init__(self, waited: float) -> None:
        super().__init__(
            "storage is busy: another process holds its lock "
            f"(waited {waited * 1000:.0f} ms); try again in a later call"
        )


class StorageUnavailableError(RuntimeError):
    """
    The storage database cannot be opened or read (unreadable, corrupt, on
    a full or read-only disk): the calls that use storage fail with this,
    and the plugins that do not are unaffected.
    """

    def __init__(self, exc: BaseException) -> None:
        # The host's path stays out: plugin code reads this text.
        super().__init__(f"storage is unavailable: {exc}")
        self.reason = str(exc)


# Time a busy database is retried when the caller sets no bound (sqlite3's
# own default).
_DEFAULT_WAIT = 5.0


class KeyValueStore:
    """
    JSON values under string keys, namespaced by plugin, in one file.

    Args:
        path: The database file, or ``":memory:"``.

    Every write is one transaction, so a crash leaves the old value or the
    new one.  Each operation takes *wait*: how long it may wait for a lock
    another process holds before it gives up with ``StorageBusyError``
    (a plugin's call passes what its time budget has left).
    """

    def __init__(self, path: Path | str) -> None:
        self._path = path
        try:
            self._db = self._open(path)
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailableError(exc) from None
        self._lock = threading.Lock()
        self._wait_ms = int(_DEFAULT_WAIT * 1000)

    @staticmethod
    def _open(path: Path | str) -> sqlite3.Connection:
        if not isinstance(path, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            # Private like every other data file: created 0600 before
            # SQLite opens it (its journal takes the file's mode), and
            # made so if an earlier version left it readable by others.
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            with contextlib.suppress(OSError):
                path.chmod(0o600)
        db = sqlite3.connect(
            str(path), check_same_thread=False, timeout=_DEFAULT_WAIT
        )
        try:
            with db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS kv ("
                    " plugin TEXT NOT NULL, key TEXT NOT NULL,"
                    " value TEXT NOT NULL, PRIMARY KEY (plugin, key))"
                )
        except sqlite3.Error:
            db.close()
            raise
        return db

    def __repr__(self) -> str:
        return "<KeyValueStore>"

    @contextlib.contextmanager
    def _locked(self, wait: float | None) -> Iterator[sqlite3.Connection]:
        """
        The connection, to this thread alone, waiting at most *wait*
        seconds for another process's lock.

        Raises:
            StorageBusyError: If the lock was not had in time.

            StorageUnavailableError: If the database cannot be used.
        """
        wanted = _DEFAULT_WAIT if wait is None else max(0.0, wait)
        with self._lock:
            milliseconds = int(wanted * 1000)
            if milliseconds != self._wait_ms:
                self._db.execute(f"PRAGMA busy_timeout = {milliseconds}")
                self._wait_ms = milliseconds
            try:
                yield self._db
            except sqlite3.Error as exc:
                text = str(exc)
                if isinstance(exc, sqlite3.OperationalError) and (
                    "locked" in text or "busy" in text
                ):
                    raise StorageBusyError(wanted) from None
                raise StorageUnavailableError(exc) from None

    def get(
        self, plugin: str, key: str, *, wait: float | None = None
    ) -> str | None:
        """
        The JSON text stored under *key*, or None.
        """
        with self._locked(wait) as db:
            row = db.execute(
                "SELECT value FROM kv WHERE plugin = ? AND key = ?",
                (plugin, key),
            ).fetchone()
        return None if row is None else str(row[0])

    def set(
        self,
        plugin: str,
        key: str,
        value: object,
        quota: int | None = None,
        *,
        wait: float | None = None,
    ) -> None:
        """
        Store *value* (already JSON-compatible) under *key*.

        Raises:
            StorageFullError: If the plugin's keys and values would take
                more than *quota* bytes (nothing is written).
        """
        text = json.dumps(value, allow_nan=False)
        with self._locked(wait) as db, db:
            if quota is not None:
                others = db.execute(
                    "SELECT COALESCE(SUM(LENGTH(CAST(key AS BLOB))"
                    " + LENGTH(CAST(value AS BLOB))), 0)"
                    " FROM kv WHERE plugin = ? AND key != ?",
                    (plugin, key),
                ).fetchone()[0]
                size = len(key.encode()) + len(text.encode())
                if others + size > quota:
                    raise StorageFullError(plugin, quota, others)
            db.execute(
                "INSERT INTO kv (plugin, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value",
                (plugin, key, text),
            )

    def delete(
        self, plugin: str, key: str, *, wait: float | None = None
    ) -> None:
        """
        Remove *key*; absent keys are fine.
        """
        with self._locked(wait) as db, db:
            db.execute(
                "DELETE FROM kv WHERE plugin = ? AND key = ?", (plugin, key)
            )

    def keys(self, plugin: str, *, wait: float | None = None) -> list[str]:
        """
        The plugin's keys, sorted.
        """
        with self._locked(wait) as db:
            rows = db.execute(
                "SELECT key FROM kv WHERE plugin = ? ORDER BY key", (plugin,)
            ).fetchall()
        return [str(row[0]) for row in rows]

    def usage(self, plugin: str) -> tuple[int, int]:
        """
        How many keys the plugin stores, and how many bytes they take.
        """
        with self._locked(None) as db:
            count, size = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(key AS BLOB))"
                " + LENGTH(CAST(value AS BLOB))), 0) FROM kv WHERE plugin = ?",
                (plugin,),
            ).fetchone()
        return int(count), int(size)

    def purge(self, plugin: str) -> int:
        """
        Remove everything the plugin stored; return how many keys.
        """
        with self._locked(None) as db, db:
            cursor = db.execute("DELETE FROM kv WHERE plugin = ?", (plugin,))
        return cursor.rowcount

    def close(self) -> None:
        """
        Close the database.
        """
        with self._lock:
            self._db.close()
