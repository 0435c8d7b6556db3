"""
Every plugin's log on disk: what it wrote through ``self.ctx.log`` and
what the host reported about it, one JSON line each, in
``<data folder>/logs/<plugin>.jsonl``.

Three promises, and how they are kept:

- Bounded: when a file grows past its limit it is renamed to
  ``<plugin>.jsonl.1`` (replacing the previous one), so a plugin's log
  never holds much more than twice the limit, however chatty it is.
- Safe across processes: a line is one ``write`` to a file opened for
  appending, which the operating system puts at the end as a whole,
  whoever else appends (the host, a worker, another command).  Rotation
  takes a file lock, so that two processes never rotate twice over.
- Nothing earlier is lost on a crash: lines are only ever appended, and
  a rotation is a rename.  A crash can leave at most the line being
  written unfinished; reading skips it and keeps the line after it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import TYPE_CHECKING, Final

import filelock

from ._follow import Follower
from ._logentry import LEVELS, LogEntry, encode


if TYPE_CHECKING:
    from pathlib import Path

# Per file; with the one rotated file a plugin's log stays under 2 MiB.
MAX_BYTES: Final = 1024 * 1024
_SUFFIX: Final = ".jsonl"
# Names that are safe as they are; a folder name (a plugin whose manifest
# cannot be read) might not be.
_PLAIN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class LogStore:
    """
    The plugins' logs, under *folder*.

    Args:
        folder: Where the files are (made on the first line written).

        max_bytes: The size at which a plugin's file is rotated.
    """

    def __init__(self, folder: Path, *, max_bytes: int = MAX_BYTES) -> None:
        if max_bytes < 1:
            msg = "max_bytes must be positive"
            raise ValueError(msg)
        self.folder = folder
        self._max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"<LogStore {self.folder}>"

    def path(self, plugin: str) -> Path:
        """
        The file of *plugin*'s current log.
        """
        stem = plugin if _PLAIN.fullmatch(plugin) else _escaped(plugin)
        return self.folder / f"{stem}{_SUFFIX}"

    def _rotated(self, path: Path) -> Path:
        return path.with_name(path.name + ".1")

    def append(
        self,
        plugin: str,
        level: str,
        message: str,
        *,
        source: str = "plugin",
        at: dt.datetime | None = None,
    ) -> None:
        """
        Add one line to *plugin*'s log.

        Raises:
            OSError: If the disk refuses it.

            ValueError: If *level* is not one of ``LEVELS``.
        """
        if level not in LEVELS:
            msg = f"unknown level {level!r}"
            raise ValueError(msg)
        when = at or dt.datetime.now(dt.UTC)
        line = encode(LogEntry(when, level, source, message))
        path = self.path(plugin)
        try:
            size = _append(path, line)
        except FileNotFoundError:
            self.folder.mkdir(parents=True, exist_ok=True)
            size = _append(path, line)
        if size > self._max_bytes:
            self._rotate(path)

    def _rotate(self, path: Path) -> None:
        with filelock.FileLock(path.with_suffix(".lock")):
            # Another process may have rotated it while this one waited.
            try:
                if path.stat().st_size <= self._max_bytes:
                    return
            except FileNotFoundError:
                return
            path.replace(self._rotated(path))

    def follow(self, plugin: str, *, backlog: bool = False) -> Follower:
        """
        A follower of *plugin*'s log: each ``poll()`` returns the lines
        written since the last one (the first, with *backlog*, the lines
        already there too).
        """
        path = self.path(plugin)
        return Follower(path, self._rotated(path), backlog=backlog)

    def entries(
        self,
        plugin: str,
        *,
        level: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[LogEntry]:
        """
        *plugin*'s log, oldest first: the lines at *level* or above, from
        *since* on (both optional).
        """
        with self.follow(plugin, backlog=True) as follower:
            found = follower.poll()
        return select(found, level=level, since=since)

    def has(self, plugin: str) -> bool:
        """
        Whether *plugin* has a log.
        """
        path = self.path(plugin)
        return path.exists() or self._rotated(path).exists()

    def names(self) -> list[str]:
        """
        The plugins that have a log, sorted.
        """
        try:
            files = list(self.folder.iterdir())
        except FileNotFoundError:
            return []
        return sorted(
            f.name.removesuffix(_SUFFIX)
            for f in files
            if f.name.endswith(_SUFFIX) and _PLAIN.fullmatch(f.name)
        )


def select(
    entries: list[LogEntry],
    *,
    level: str | None = None,
    since: dt.datetime | None = None,
) -> list[LogEntry]:
    """
    The *entries* at *level* or above, written at *since* or later.
    """
    least = LEVELS[level] if level is not None else 0
    return [
        e
        for e in entries
        if LEVELS[e.level] >= least and (since is None or e.at >= since)
    ]


def _append(path: Path, line: bytes) -> int:
    # One write on a file opened for appending: the kernel places it at
    # the end, whole, whoever else appends.  The file's size comes back
    # for the rotation check.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        written = os.write(fd, line)
        while written < len(line):  # rare: an interrupted write
            written += os.write(fd, line[written:])
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def _escaped(plugin: str) -> str:
    # A name that is not plain, made plain and kept apart from others.
    import hashlib  # noqa: PLC0415 -- rare

    digest = hashlib.sha256(plugin.encode("utf-8", "replace")).hexdigest()
    return f"_{digest[:16]}"
