"""
Finding plugin folders on disk: pure path work, no parsing.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

import platformdirs


if TYPE_CHECKING:
    from collections.abc import Iterable

MANIFEST_NAME: Final = "plugin.toml"
_log = logging.getLogger("acc_plugins.host")


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
    skipped: a fresh machine has no user plugin folder yet.  A sub-folder
    that cannot be looked into counts as a plugin, so that reading its
    manifest fails and names the folder and the reason; the others load.
    A path that cannot be looked into is a warning.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for candidate in _candidates(path):
            resolved = _resolved(candidate)
            if resolved not in seen:
                seen.add(resolved)
                found.append(resolved)
    return found


def _holds_manifest(folder: Path) -> bool | None:
    """
    Whether *folder* holds a manifest; None if it cannot be looked into.
    """
    try:
        return (folder / MANIFEST_NAME).is_file()
    except OSError:
        return None


def _candidates(path: Path) -> list[Path]:
    if _holds_manifest(path):
        return [path]
    try:
        children = sorted(os.scandir(path), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        # A folder named to search, not a plugin: nothing to put in error.
        _log.warning("%s: cannot look for plugins: %s", path, exc.strerror)
        return []
    return [Path(child.path) for child in children if _may_be_plugin(child)]


def _may_be_plugin(child: os.DirEntry[str]) -> bool:
    holds = _holds_manifest(Path(child.path))
    if holds is not None:
        return holds
    # A folder we may not look into: perhaps a plugin, to be reported.
    return _is_folder(child) and not child.name.startswith(".")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reported when read
        return path.absolute()
