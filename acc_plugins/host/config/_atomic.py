"""
Atomic file writes that leave nothing behind: the one helper every writer
of user state uses (JSON stores, secrets, journals, ``config.toml``).

A module of its own because the details are easy to get wrong one writer
at a time.  A writer killed between creating its temporary file and
renaming it used to leave ``tmp*.tmp`` beside the file (for the secret
store, a copy of the secrets).  Here the bytes go into an unnamed file
(``O_TMPFILE``, where the kernel and filesystem have it), created 0600
before any byte is written; it gets a name only when complete, just
before the rename.  Elsewhere the temporary is named, still 0600 from
birth.  Either way the name is ``.<file>.<pid>.<random>.tmp``, so that
`sweep` removes, at the next start, exactly the temporaries of writers
that are dead, never one that is still being written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from typing import TYPE_CHECKING, Final

from acc_plugins.security._auditfiles import fsync_directory


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

_O_BINARY: Final[int] = getattr(os, "O_BINARY", 0)
_O_TMPFILE: Final[int] = getattr(os, "O_TMPFILE", 0)
_OURS: Final = re.compile(r"\.(.+)\.([0-9]+)\.[0-9a-f]{12}\.tmp")
# What tempfile.mkstemp named our temporaries before this module; they
# carry no pid, so only old ones are taken for stale.
_LEGACY: Final = re.compile(r"tmp[a-z0-9_]{8}\.tmp")
_LEGACY_AGE: Final = 600.0


def temp_name(path: Path) -> Path:
    """
    A fresh temporary name for a new version of *path*, beside it.
    """
    token = secrets.token_hex(6)
    return path.with_name(f".{path.name}.{os.getpid()}.{token}.tmp")


def _unnamed(directory: Path) -> int | None:
    if not _O_TMPFILE:  # pragma: no cover -- not Linux
        return None
    try:
        return os.open(directory, _O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError as exc:
        # Not supported by this kernel or filesystem: use a named file.
        if exc.errno in {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}:
            return None
        raise


def _write_all(fd: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)
    os.fchmod(fd, mode)


def _failure(exc: OSError, path: Path) -> OSError:
    """
    *exc* told about *path*, the file being replaced, not a temporary.
    """
    failure = OSError(exc.errno, exc.strerror or str(exc), str(path))
    failure.__cause__ = exc
    return failure


@contextlib.contextmanager
def staged(
    path: Path, data: bytes, *, mode: int = 0o600
) -> Iterator[Callable[[], None]]:
    """
    Write *data* for *path*, durably but not yet in place; yield the
    function that puts it in place.  Leaving the block without calling it
    leaves *path* as it was and nothing else behind.

    Args:
        path: The file to replace (or create).

        data: Its new content.

        mode: Its permission bits; the content is written 0600 first.

    Raises:
        OSError: Naming *path*, if the data cannot be written or renamed.
    """
    directory = path.parent
    fd: int | None = None
    named: Path | None = None
    try:
        fd = _unnamed(directory)
        if fd is None:
            named, fd = _named(path)
        _write_all(fd, data, mode)
    except OSError as exc:
        _discard(fd, named)
        raise _failure(exc, path) from None
    handle: int = fd
    done = False

    def commit() -> None:
        nonlocal named, done
        try:
            if named is None:
                named = _name_unnamed(handle, path, data, mode)
            named.replace(path)
            done = True
            fsync_directory(directory)
        except OSError as exc:
            raise _failure(exc, path) from None

    try:
        yield commit
    finally:
        _discard(handle, None if done else named)


def _named(path: Path) -> tuple[Path, int]:
    named = temp_name(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY
    return named, os.open(named, flags, 0o600)


def _name_unnamed(fd: int, path: Path, data: bytes, mode: int) -> Path:
    """
    Give the unnamed file *fd* a temporary name, or, where ``/proc`` is
    not there to do it, write *data* again into a named temporary.
    """
    named = temp_name(path)
    try:
        # A directory descriptor makes os.link call linkat, which alone
        # follows the /proc link to the file instead of linking the link.
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.link(
                f"/proc/self/fd/{fd}",
                named.name,
                dst_dir_fd=folder,
                follow_symlinks=True,
            )
        finally:
            os.close(folder)
    except OSError as exc:
        if exc.errno not in {errno.ENOENT, errno.EPERM, errno.EXDEV}:
            raise
        named, copy = _named(path)
        try:
            _write_all(copy, data, mode)
        except OSError:
            _discard(copy, named)
            raise
        os.close(copy)
    return named


def _discard(fd: int | None, named: Path | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
    if named is not None:
        with contextlib.suppress(OSError):
            named.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """
    Replace *path* with *data*: a reader, or a crash, sees the old content
    or the new, never a mix, and no temporary file is left behind.

    Args:
        path: The file; its folder must exist.

        data: The new content.

        mode: Its permission bits (0600 unless the file may be shared).

    Raises:
        OSError: Naming *path*, if it cannot be written.
    """
    with staged(path, data, mode=mode) as commit:
        commit()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of ours may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def sweep(directory: Path) -> list[Path]:
    """
    Remove the temporaries that dead writers left in *directory*.

    Only names of our own making count: ``.<file>.<pid>.<random>.tmp``
    whose process is gone, and ``tmp*.tmp`` of the older naming once they
    are ten minutes old.  Never raises: a file that cannot be removed is
    left for next time.

    Returns:
        The files removed.
    """
    try:
        names = os.listdir(directory)  # noqa: PTH208 -- names, not paths
    except OSError:
        return []
    removed: list[Path] = []
    now = time.time()
    for name in names:
        path = directory / name
        ours = _OURS.fullmatch(name)
        try:
            if ours is not None:
                stale = not _alive(int(ours[2]))
            elif _LEGACY.fullmatch(name):
                stale = now - path.stat().st_mtime > _LEGACY_AGE
            else:
                continue
            if stale:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed
