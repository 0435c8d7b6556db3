"""
What is wrong with a path given as a plugin folder, said one way by every
command that takes one (``package``, ``scan``, ``permissions suggest``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from pathlib import Path


def not_a_plugin_folder(path: Path) -> str | None:
    """
    Why *path* is not a plugin folder, with what to do; None if it is one.
    """
    if not path.exists():
        return f"{path}: no such folder"
    if not path.is_dir():
        return f"{path}: not a folder"
    if not (path / "plugin.toml").is_file():
        return (
            f"{path}: not a plugin folder (it has no plugin.toml); "
            "`acc-plugins new NAME` starts one"
        )
    return None
