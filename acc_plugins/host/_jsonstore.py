"""
A small JSON file of user state, changed atomically under a file lock, so
that concurrent hosts and CLI runs never lose or tear an entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


class JsonStore:
    """
    One JSON object in one file.

    Args:
        path: The file; its folder is created when first written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(
            self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600
        )
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
        self, change: Callable[[dict[str, Any]], None]
    ) -> dict[str, Any]:
        """
        Apply *change* to the object under the lock and write it back.
        """
        with self._locked():
            data = self.read()
            change(data)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(self.path)
            return data
