"""
Per-plugin key-value storage in SQLite (standard library, no server).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from pathlib import Path


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

    def set(self, plugin: str, key: str, value: object) -> None:
        """
        Store *value* (already JSON-compatible) under *key*.
        """
        text = json.dumps(value, allow_nan=False)
        with self._lock, self._db:
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

    def close(self) -> None:
        """
        Close the database.
        """
        with self._lock:
            self._db.close()
