"""
Where a plugin's modules are: the file of each dotted name inside the
plugin's folder (symbolic links may not lead out of it), and its bytes,
read from disk or from what the scanner read when the plugin was loaded.

Kept apart from ``Sandbox``: import lookups run on every import statement
(imports inside functions too), so the answers are cached, and paths are
handled as strings, which is several times faster than ``pathlib`` here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Final

from acc_plugins.errors import CompileError


if TYPE_CHECKING:
    from collections.abc import Mapping


AUTHOR_TESTS: Final = "tests"
"""
The folder of a plugin's own pytest tests: pytest runs them, the sandbox
never imports them, so they may import what plugins may not.
"""


class PluginFiles:
    """
    Finds and reads one plugin's module files.

    Args:
        root_text: The plugin's folder, resolved, as a string.

        sources: The plugin's files as the scanner read them, by
            ``/``-separated relative path, or None to read from disk.
    """

    def __init__(
        self, root_text: str, sources: Mapping[str, bytes] | None
    ) -> None:
        self._root_text = root_text
        self._sources = sources
        self._found: dict[str, tuple[Path, bool] | None] = {}

    def find(self, dotted: str) -> tuple[Path, bool] | None:
        """
        The file of module *dotted* and whether it is a package, or None.
        """
        # Imports inside functions run on every call: remember the answer.
        try:
            return self._found[dotted]
        except KeyError:
            found = self._find_source(dotted)
            self._found[dotted] = found
            return found

    def _find_source(self, dotted: str) -> tuple[Path, bool] | None:
        parts = dotted.split(".")
        if not all(part.isidentifier() for part in parts):
            return None
        *folders, last = parts
        for names, is_package in (
            ((*folders, f"{last}.py"), False),
            ((*parts, "__init__.py"), True),
            (tuple(parts), True),
        ):
            found = self._stat_inside(names)
            if found is None:
                continue
            wanted = stat.S_ISDIR if names[-1] == last else stat.S_ISREG
            if not wanted(found.st_mode):
                continue
            if parts[0] == AUTHOR_TESTS and (is_package or folders):
                return None  # the author's tests, for pytest only
            return Path(self._root_text, *names), is_package
        return None

    def _stat_inside(self, names: tuple[str, ...]) -> os.stat_result | None:
        """
        The status of the plugin's file *names* (symbolic links followed),
        or None if it does not exist or its real path leaves the folder.

        A path with no symbolic link on the way is inside the (resolved)
        root as written: one ``lstat`` per component decides it, where a
        ``realpath`` would examine every folder from ``/`` down.
        """
        path = self._root_text
        found: os.stat_result | None = None
        for name in names:
            path = os.path.join(path, name)
            try:
                found = os.lstat(path)
            except OSError:
                return None
            if stat.S_ISLNK(found.st_mode):
                return self._stat_linked(os.path.join(self._root_text, *names))
        return found

    def _stat_linked(self, path: str) -> os.stat_result | None:
        # Symbolic links may not lead out of the plugin's folder.
        if not os.path.realpath(path).startswith(self._root_text + os.sep):
            return None
        try:
            return os.stat(path)
        except OSError:
            return None

    def read(self, path: Path) -> bytes:
        """
        The bytes of the module file *path*.

        Raises:
            OSError: If it cannot be read.

            CompileError: If it was not among the files scanned.
        """
        if self._sources is None:
            return path.read_bytes()
        relative = path.relative_to(self._root_text).as_posix()
        try:
            return self._sources[relative]
        except KeyError:
            # What was scanned is what runs: a module that appeared since
            # waits for the plugin's next load.
            msg = (
                f"{path}: not among the files scanned when the plugin was "
                "loaded; reload the plugin to use it"
            )
            raise CompileError(str(path), [msg]) from None
