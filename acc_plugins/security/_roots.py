"""
The host directories that filesystem permissions are relative to:
``${workspace}``, ``${plugin}`` and ``${data}``.

Apart from the grants because they are a value of their own (resolved
once, compared by the grants) with a lazy probe of the filesystem.
"""

import os
from pathlib import Path
from typing import Final, Literal

import attrs

from acc_plugins.security import _paths


FsRoot = Literal["workspace", "plugin", "data"]

ROOT_NAMES: Final[tuple[FsRoot, ...]] = ("workspace", "plugin", "data")


def _root_path(value: str | os.PathLike[str]) -> Path:
    path = Path(value)
    if not path.is_absolute():
        msg = f"a root must be an absolute path, got {str(path)!r}"
        raise ValueError(msg)
    return Path(os.path.realpath(path))


@attrs.frozen
class Roots:
    """
    The host directories that filesystem permissions are relative to.

    Each is made absolute and resolved (symlinks included) on construction.

    Attributes:
        workspace: ``${workspace}``, the project the user works on; relative
            paths are relative to it.

        plugin: ``${plugin}``, the plugin's own installed files.

        data: ``${data}``, the plugin's private storage.
    """

    workspace: Path = attrs.field(converter=_root_path)
    plugin: Path = attrs.field(converter=_root_path)
    data: Path = attrs.field(converter=_root_path)
    # Filled on first use: a plugin that never touches a file never pays
    # for the probes (two stats per root) at load.
    _folding: list[frozenset[FsRoot]] = attrs.field(
        init=False, factory=list, eq=False, repr=False
    )

    @property
    def case_insensitive(self) -> frozenset[FsRoot]:
        """
        The roots whose filesystem ignores case, detected on first use.
        """
        if not self._folding:
            self._folding.append(
                frozenset(
                    name
                    for name in ROOT_NAMES
                    if _paths.is_case_insensitive(self.path(name))
                )
            )
        return self._folding[0]

    def path(self, name: FsRoot) -> Path:
        """
        The directory that ``${name}`` stands for.
        """
        path: Path = getattr(self, name)
        return path
