"""
Per-plugin key-value storage in SQLite (standard library, no server).

Each plugin's keys and values count against its quota
(``[limits] storage-mb``), measured as the UTF-8 bytes of its keys and
JSON values; a write that would pass it is refused, in the same
transaction that would have made it.  Storage survives reloads and
restarts; only ``purge`` (``acc-plugins storage clear``) removes it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import TYPE_CHECKING


if TYPE_CHECKING:
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


class KeyValueStore:
    """
    JSON values under string keys, namespaced by plugin, in one file.

    Args:
        path: The database file, or ``":memory:"``.

    Every write is one transaction, so a crash leaves the old value or the
    new one.
    """

    def __init__(self, path: Path | str) -> None:
        if not isinstance(path, str):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS kv ("
                " plugin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
                " PRIMARY KEY (plugin, key))"
            )

    def __repr__(self) -> str:
        return "<KeyValueStore>"

    def get(self, plugin: str, key: str) -> str | None:
        """
        The JSON text stored under *key*, or None.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM kv WHERE plugin = ? AND key = ?",
                (plugin, key),
            ).fetchone()
        return None if row is None else str(row[0])

    def set(
        self, plugin: str, key: str, value: object, quota: int | None = None
    ) -> None:
        """
        Store *value* (already JSON-compatible) under *key*.

        Raises:
            StorageFullError: If the plugin's keys and values would take
                more than *quota* bytes (nothing is written).
        """
        text = json.dumps(value, allow_nan=False)
        with self._lock, self._db:
            if quota is not None:
                others = self._db.execute(
                    "SELECT COALESCE(SUM(LENGTH(CAST(key AS BLOB))"
                    " + LENGTH(CAST(value AS BLOB))), 0)"
                    " FROM kv WHERE plugin = ? AND key != ?",
                    (plugin, key),
                ).fetchone()[0]
                size = len(key.encode()) + len(text.encode())
                if others + size > quota:
                    raise StorageFullError(plugin, quota, others)
            self._db.execute(
                "INSERT INTO kv (plugin, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value",
                (plugin, key, text),
            )

    def delete(self, plugin: str, key: str) -> None:
        """
        Remove *key*; absent keys are fine.
        """
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM kv WHERE plugin = ? AND key = ?", (plugin, key)
            )

    def keys(self, plugin: str) -> list[str]:
        """
        The plugin's keys, sorted.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT key FROM kv WHERE plugin = ? ORDER BY key", (plugin,)
            ).fetchall()
        return [str(row[0]) for row in rows]

    def usage(self, plugin: str) -> tuple[int, int]:
        """
        How many keys the plugin stores, and how many bytes they take.
        """
        with self._lock:
            count, size = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(key AS BLOB))"
                " + LENGTH(CAST(value AS BLOB))), 0) FROM kv WHERE plugin = ?",
                (plugin,),
            ).fetchone()
        return int(count), int(size)

    def purge(self, plugin: str) -> int:
        """
        Remove everything the plugin stored; return how many keys.
        """
        with self._lock, self._db:
            cursor = self._db.execute(
                "DELETE FROM kv WHERE plugin = ?", (plugin,)
            )
        return cursor.rowcount

    def close(self) -> None:
        """
        Close the database.
        """
        with self._lock:
            self._db.close()
