"""
The ``os`` plugin code imports: the constants and the pure path functions
that portable code reaches for (``from os import linesep``,
``os.path.join``), and nothing that touches the file system, the
environment or processes.

Files go through ``self.ctx.fs`` and the environment through
``self.ctx.env``, under the plugin's grants.  ``os.path`` here is
``posixpath``'s string arithmetic only: no ``exists``, no ``abspath``
(which reads the host's working directory), no ``expanduser``.
"""

from __future__ import annotations

import os
import posixpath
from typing import Final


OS_MEMBERS: Final[dict[str, object]] = {
    "PathLike": os.PathLike,
    "altsep": os.altsep,
    "curdir": os.curdir,
    "extsep": os.extsep,
    "fspath": os.fspath,
    "linesep": os.linesep,
    "name": os.name,
    "pardir": os.pardir,
    "pathsep": os.pathsep,
    "sep": os.sep,
}

PATH_MEMBERS: Final[dict[str, object]] = {
    name: getattr(posixpath, name)
    for name in (
        "altsep",
        "basename",
        "commonpath",
        "commonprefix",
        "curdir",
        "dirname",
        "extsep",
        "isabs",
        "join",
        "normcase",
        "normpath",
        "pardir",
        "pathsep",
        "sep",
        "split",
        "splitdrive",
        "splitext",
    )
}
