"""
A directory registry as its writers see it: the lock they share, the
signed index they read, and the one way they write files, all of them
atomically and all or none.

Why one module: the owner (publish, yank, refresh), reviewers and
reporters all write the same folder, possibly from several machines on a
shared network folder.  They must serialise on the same lock file and
never leave a half-written change behind, so that a client copying the
folder at any moment gets the old registry or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import TYPE_CHECKING, Any, Final

import attrs
import filelock

from acc_plugins.errors import MarketplaceError
from acc_plugins.host.config._atomic import write_atomic

from ._indexfile import MAX_INDEX_BYTES, open_index
from ._layout import INDEX, LOCK


if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from ._indexfile import SignedIndex
    from ._keys import PublicKey

LOCK_TIMEOUT: Final = 300.0
"""Seconds a writer waits for another one before giving up."""

SHARED: Final = 0o644
"""Registry files are served to everyone: readable by all."""


@attrs.frozen
class RegistryFolder:
    """
    A registry in a folder, for writing.

    Attributes:
        root: The registry's folder.
    """

    root: Path

    @property
    def where(self) -> str:
        """
        The index file, for messages.
        """
        return str(self.root / INDEX)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """
        Hold ``.registry.lock`` for the block: one writer at a time, across
        threads, processes and (on a network folder that supports locks)
        machines.

        Raises:
            MarketplaceError: If the folder is not a registry, or another
                writer holds the lock for longer than `LOCK_TIMEOUT`.
        """
        if not (self.root / INDEX).is_file():
            msg = (
                f"{self.root}: not a registry (no {INDEX}); create one "
                f"with acc-plugins registry init"
            )
            raise MarketplaceError(msg)
        lock = filelock.FileLock(self.root / LOCK, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except filelock.Timeout:
            msg = (
                f"{self.root / LOCK}: another writer has held the registry "
                f"for {LOCK_TIMEOUT:g} seconds; try again later"
            )
            raise MarketplaceError(msg) from None
        try:
            yield
        finally:
            lock.release()

    def signed(self, owner: PublicKey | None = None) -> SignedIndex:
        """
        The index, its signature checked (against *owner* when given,
        else against the key it names).

        Raises:
            MarketplaceError: If there is no index, or it is not a signed
                index (`SignatureError` if it was changed after signing).
        """
        raw = self.read(INDEX, MAX_INDEX_BYTES)
        if raw is None:
            msg = f"{self.root}: not a registry (no {INDEX})"
            raise MarketplaceError(msg)
        return open_index(raw, where=self.where, owner=owner)

    def read(self, path: str, max_bytes: int) -> bytes | None:
        """
        The file at *path* (relative, ``/``-separated), None if missing.

        Raises:
            MarketplaceError: If it is longer than *max_bytes*.
        """
        target = self.root.joinpath(*path.split("/"))
        try:
            with target.open("rb") as file:
                size = os.fstat(file.fileno()).st_size
                data = file.read(min(size, max_bytes) + 1)
        except FileNotFoundError:
            return None
        if len(data) > max_bytes:
            msg = f"{target}: larger than {max_bytes} bytes"
            raise MarketplaceError(msg)
        return data

    def read_list(self, path: str, max_bytes: int, what: str) -> list[Any]:
        """
        The JSON list in the file at *path*, empty if there is no file.

        Raises:
            MarketplaceError: If the file is not a JSON list (of *what*),
                or is longer than *max_bytes*.
        """
        raw = self.read(path, max_bytes)
        if raw is None:
            return []
        where = self.root.joinpath(*path.split("/"))
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            msg = f"{where}: not JSON ({exc})"
            raise MarketplaceError(msg) from None
        if not isinstance(data, list):
            msg = f"{where}: must hold a JSON list of {what}"
            raise MarketplaceError(msg)
        return data

    def write(self, files: Mapping[str, bytes]) -> None:
        """
        Write every file of *files* (relative path to content), each
        atomically, in order; if one fails, put back those already
        written (and remove the folders made for them), then raise.

        Give the index last: it is what makes the others visible.

        Raises:
            OSError: Naming the file that could not be written.
        """
        undo: list[tuple[Path, bytes | None]] = []
        made: list[Path] = []
        try:
            for path, data in files.items():
                target = self.root.joinpath(*path.split("/"))
                made.extend(_missing_parents(target, self.root))
                target.parent.mkdir(parents=True, exist_ok=True)
                previous = self.read(path, _UNBOUNDED)
                undo.append((target, previous))
                write_atomic(target, data, mode=SHARED)
        except BaseException:
            for target, previous in reversed(undo):
                with contextlib.suppress(OSError):
                    if previous is None:
                        target.unlink(missing_ok=True)
                    else:
                        write_atomic(target, previous, mode=SHARED)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise


_UNBOUNDED: Final = 1 << 40


def json_lines(entries: list[Any]) -> bytes:
    """
    *entries* as a registry stores a JSON list: readable, UTF-8.
    """
    text = json.dumps(entries, indent=1, ensure_ascii=False)
    return text.encode("utf-8") + b"\n"


def _missing_parents(target: Path, root: Path) -> list[Path]:
    """
    The folders between *root* and *target* that do not exist yet, the
    outermost first.
    """
    missing = []
    folder = target.parent
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))
