"""
Making a freshly extracted tree durable in one call where Linux allows.

Why: an installed plugin is renamed into place, and a rename can reach
the disk before the files' contents do; after a power cut the plugin
would be there with empty files.  So every file must be flushed before
the rename.  One ``fsync`` per file costs more than the extraction
itself (a plugin has hundreds of small files); Linux's ``syncfs`` flushes
the whole filesystem in one call, at about the cost of one ``fsync``.
Elsewhere the caller falls back to ``fsync`` per file.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):  # pragma: no cover -- Linux CI
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(
            None, use_errno=True
        ).syncfs
    except (OSError, AttributeError):  # pragma: no cover -- old libc
        return None
    return function


def syncfs(folder: Path) -> bool:
    """
    Flush everything written to *folder*'s filesystem to the disk.

    Returns:
        ``False`` where ``syncfs`` is not available: then nothing was
        flushed, and the caller must ``fsync`` each file and folder.

    Raises:
        OSError: The flush failed.
    """
    function = _syncfs()
    if function is None:  # pragma: no cover -- Linux CI
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if function(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(folder))
    finally:
        os.close(fd)
    return True
