"""
Finding plugin folders on disk: pure path work, no parsing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import platformdirs


if TYPE_CHECKING:
    from collections.abc import Iterable

MANIFEST_NAME: Final = "plugin.toml"


def default_paths() -> list[Path]:
    """
    The folders searched when the host is given none: the user's plugin
    folder, then the project's ``./.acc/plugins``.
    """
    user = platformdirs.user_data_path("acc-plugins", appauthor=False)
    return [user / "plugins", Path.cwd() / ".acc" / "plugins"]


def discover(paths: Iterable[Path]) -> list[Path]:
    """
    The plugin folders found in *paths*, in order, each once.

    A path that holds a ``plugin.toml`` is a plugin itself; otherwise each
    of its immediate sub-folders that holds one is.  Missing paths are
    skipped: a fresh machine has no user plugin folder yet.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if (path / MANIFEST_NAME).is_file():
            candidates = [path]
        elif path.is_dir():
            candidates = sorted(
                child
                for child in path.iterdir()
                if (child / MANIFEST_NAME).is_file()
            )
        else:
            candidates = []
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(resolved)
    return found
