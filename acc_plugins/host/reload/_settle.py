"""
Waiting for a plugin's files to settle before the watcher reads them.

An editor or a script may truncate a file and write it a moment later; a
watcher that reads in between sees half a version and reports an error
that never existed.  So the watcher reads a plugin only once none of its
files (the manifest and Python sources) has changed for a quiet interval,
and when the version it read is refused, it watches the files a little
longer (a writer paused under load may not have finished): if they
change, it settles and tries once more before reporting.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Final

from acc_plugins.host.core._discovery import MANIFEST_NAME


if TYPE_CHECKING:
    from pathlib import Path

# How long the files must have been left alone, and how long to wait for
# that at most (a file rewritten without pause is read as it is then).
QUIET_SECONDS: Final = 0.05
LIMIT_SECONDS: Final = 2.0
# After a refusal: how long to watch for the rest of a write.
AFTERWARDS_SECONDS: Final = 0.1

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """
    Size and modification time of each of the plugin's files.
    """
    files: Snapshot = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name != MANIFEST_NAME and not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)  # noqa: PTH118 -- os.walk gives str
            try:
                status = os.stat(path)  # noqa: PTH116 -- str in, as above
            except OSError:  # gone meanwhile
                continue
            files[path] = (status.st_size, status.st_mtime_ns)
    return files


def settle(
    root: Path,
    *,
    quiet: float = QUIET_SECONDS,
    limit: float = LIMIT_SECONDS,
) -> Snapshot:
    """
    Wait until no file of the plugin has changed for *quiet* seconds (at
    most *limit* seconds), and return what the files are then.
    """
    deadline = time.monotonic() + limit
    previous = None
    while True:
        files = snapshot(root)
        newest = max((mtime for _, mtime in files.values()), default=0)
        age = time.time() - newest / 1e9
        left = deadline - time.monotonic()
        # Unchanged across a quiet interval also counts: a file dated in
        # the future (or a clock set back) must not hold the watcher up.
        if age >= quiet or files == previous or left <= 0:
            return files
        previous = files
        time.sleep(min(quiet - age, quiet, left))


def changed_since(
    root: Path, read: Snapshot, *, within: float = AFTERWARDS_SECONDS
) -> bool:
    """
    Whether the plugin's files differ from *read*, now or within *within*
    seconds.
    """
    deadline = time.monotonic() + within
    while snapshot(root) == read:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(QUIET_SECONDS / 2, left))
    return True
