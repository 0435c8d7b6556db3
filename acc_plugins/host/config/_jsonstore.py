"""
A small JSON file of user state, changed atomically under a file lock, so
that concurrent hosts and CLI runs never lose or tear an entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from typing import TYPE_CHECKING, Any

from ._atomic import staged, sweep, write_atomic


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


class JsonStore:
    """
    One JSON object in one file.

    Subclasses that must do more in the same breath as a write (the grant
    store appends audit entries) override `_settle`, `_before_commit` and
    `_after_commit`, which run under the store's lock.

    Args:
        path: The file; its folder is created when first written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600
            )
        except OSError as exc:
            filename = exc.filename or self.path
            raise OSError(exc.errno, exc.strerror, str(filename)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def read(self) -> dict[str, Any]:
        """
        The object, or ``{}`` when the file does not exist yet.

        Raises:
            OSError: If the file exists but is not a JSON object.
        """
        return self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            msg = f"{self.path}: unreadable: {exc}"
            raise OSError(msg) from None
        if not isinstance(data, dict):
            msg = f"{self.path}: must hold a JSON object"
            raise OSError(msg)
        return data

    def update(
        self, change: Callable[[dict[str, Any]], object]
    ) -> dict[str, Any]:
        """
        Apply *change* to the object under the lock and write it back.

        What *change* returns is handed to `_before_commit`, which runs
        once the new content is safely on disk but not yet in place: if it
        raises, the file is left as it was.

        Raises:
            OSError: Naming the file, if it cannot be written.
        """
        with self._locked():
            sweep(self.path.parent)  # what killed writers left behind
            self._settle()
            data = self._read()
            before = _payload(data)
            note = change(data)
            payload = _payload(data)
            if payload == before and not note and self.path.exists():
                return data  # nothing changed: no write, no flush
            with staged(self.path, payload) as commit:
                self._before_commit(note)
                commit()
            self._after_commit(note)
            return data

    def _write_unlocked(self, data: dict[str, Any]) -> None:
        write_atomic(self.path, _payload(data))

    def _settle(self) -> None:
        """
        Finish what an interrupted writer started; nothing by default.
        """

    def _before_commit(self, note: object) -> None:
        """
        Called with what the change returned, before the file is replaced.
        """

    def _after_commit(self, note: object) -> None:
        """
        Called with what the change returned, after the file is replaced.
        """


def _payload(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True).encode("utf-8")
