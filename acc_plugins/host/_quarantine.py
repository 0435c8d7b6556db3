"""
The quarantine list: plugins the host will not load until an administrator
releases them.  One small JSON file, written atomically under a file lock,
so that concurrent hosts and CLI runs never lose an entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Iterator


class QuarantineList:
    """
    Quarantined plugins by name, with why and when.

    Args:
        path: The JSON file; its folder is created when first written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<QuarantineList {self.path}>"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_suffix(".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            msg = f"{self.path}: unreadable quarantine list: {exc}"
            raise OSError(msg) from None
        if not isinstance(data, dict):
            msg = f"{self.path}: the quarantine list must be a JSON object"
            raise OSError(msg)
        return data

    def _write(self, data: dict[str, dict[str, Any]]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(self.path)

    def entries(self) -> dict[str, dict[str, Any]]:
        """
        Every quarantined plugin: ``{name: {"reason": ..., "at": ...}}``.
        """
        return self._read()

    def get(self, name: str) -> dict[str, Any] | None:
        """
        Why *name* is quarantined, or None.
        """
        return self._read().get(name)

    def add(self, name: str, reason: str) -> None:
        """
        Quarantine *name*; a second reason replaces the first.
        """
        with self._locked():
            data = self._read()
            data[name] = {
                "reason": reason,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            self._write(data)

    def remove(self, name: str) -> bool:
        """
        Release *name*; return whether it was quarantined.
        """
        with self._locked():
            data = self._read()
            if name not in data:
                return False
            del data[name]
            self._write(data)
            return True
