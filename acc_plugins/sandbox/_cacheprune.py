"""
Keeping the bytecode cache small: a few entries per file, a bound on the
whole, least recently used out first.

Every edit of a plugin file makes a new entry (the key holds the source's
hash), so without pruning a dev loop leaves one file per save.  Each entry's
name starts with an id of the file (or plugin) it belongs to, so the
entries of one file can be found without reading them.  The folder is
listed once per process, at its first write (a warm start, which only
reads, lists nothing); from then on this process keeps the index itself.
The same listing removes what older versions left and nothing reads any
more: entries named by key alone, the ``scan/*.json`` folder, and
temporary files of killed writers.  Only names this cache makes are ever
removed, whatever else shares the folder.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import re
import time
from typing import TYPE_CHECKING, Final

import attrs


if TYPE_CHECKING:
    from pathlib import Path

_ENTRY: Final = re.compile(r"([0-9a-f]{16})-[0-9a-f]{64}\.acc[cs]")
_OLD_ENTRY: Final = re.compile(r"[0-9a-f]{64}\.acc[cs]")
_OLD_SCAN: Final = re.compile(r"[0-9a-f]{64}\.json")
_TEMPORARY: Final = re.compile(r"tmp[a-z0-9_]+\.tmp")
# A temporary file this old is a killed writer's, not a live one's.
_STALE_SECONDS: Final = 3600


def owner_id(owner: str) -> str:
    """
    The id that starts the names of *owner*'s entries.
    """
    return hashlib.sha256(owner.encode()).hexdigest()[:16]


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


@attrs.define
class CacheIndex:
    """
    The entries of one cache folder, least recently used first.

    Attributes:
        directory: The cache folder.

        per_owner: Entries kept per file (or plugin): the current one
            and a few before it.

        total: Entries kept in the whole folder.
    """

    directory: Path
    per_owner: int
    total: int
    _order: collections.OrderedDict[str, str] | None = None
    _owned: dict[str, collections.OrderedDict[str, None]] = attrs.Factory(dict)

    def used(self, name: str) -> None:
        """
        Note that entry *name* was read: it is the last to go.
        """
        with contextlib.suppress(OSError):
            os.utime(self.directory / name)
        if self._order is not None and name in self._order:
            self._note(name, self._order[name])

    def stored(self, name: str) -> None:
        """
        Note that entry *name* was written, and prune what it outdates.
        """
        match = _ENTRY.fullmatch(name)
        if match is None:  # pragma: no cover -- names come from owner_id
            return
        if self._order is None:
            self._order = collections.OrderedDict()
            self._sweep()
        self._note(name, match.group(1))
        self._prune(match.group(1))

    def _note(self, name: str, owner: str) -> None:
        assert self._order is not None  # noqa: S101 -- swept first
        self._order[name] = owner
        self._order.move_to_end(name)
        owned = self._owned.setdefault(owner, collections.OrderedDict())
        owned[name] = None
        owned.move_to_end(name)

    def _forget(self, name: str) -> None:
        assert self._order is not None  # noqa: S101 -- swept first
        owner = self._order.pop(name)
        owned = self._owned[owner]
        del owned[name]
        if not owned:
            del self._owned[owner]
        _unlink(self.directory / name)

    def _prune(self, owner: str) -> None:
        assert self._order is not None  # noqa: S101 -- swept first
        owned = self._owned.get(owner)
        while owned is not None and len(owned) > self.per_owner:
            self._forget(next(iter(owned)))
        while len(self._order) > self.total:
            self._forget(next(iter(self._order)))

    def _sweep(self) -> None:
        """
        Index the folder by last use, removing what is no longer read.
        """
        found: list[tuple[float, str, str]] = []
        now = time.time()
        try:
            listing = list(os.scandir(self.directory))
        except OSError:
            return
        for entry in listing:
            name = entry.name
            match = _ENTRY.fullmatch(name)
            try:
                if match is not None:
                    found.append((entry.stat().st_mtime, name, match[1]))
                elif _OLD_ENTRY.fullmatch(name):
                    _unlink(self.directory / name)
                elif name == "scan" and entry.is_dir(follow_symlinks=False):
                    _remove_old_scans(self.directory / name)
                elif _TEMPORARY.fullmatch(name) and (
                    now - entry.stat().st_mtime > _STALE_SECONDS
                ):
                    _unlink(self.directory / name)
            except OSError:
                continue
        for _, name, owner in sorted(found):
            self._note(name, owner)
        for owner in list(self._owned):
            self._prune(owner)


def _remove_old_scans(folder: Path) -> None:
    # The scan cache of older versions: findings as plain JSON by key.
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if _OLD_SCAN.fullmatch(entry.name):
            _unlink(folder / entry.name)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only if nothing else was in it
