"""
Modules plugin code may not import, and what to use instead.

The import gate raises ``ModuleNotFoundError`` for them, so that the
optional-dependency idiom (``try: import numpy / except ImportError:``)
works; ``acc-plugins validate`` reports the same text ahead of time.
"""

from __future__ import annotations

from typing import Final

import attrs


_FILES = "use self.ctx.fs (permissions fs:read:<path>, fs:write:<path>) or self.ctx.storage"
_HTTP = "use self.ctx.http (permission net:<url>)"
_PROCESS = "use self.ctx.process (permission process:<program>)"
_NONE = "not available to plugins: the sandbox does not offer it"

# The fix for common modules, by the first part of their dotted name.
FIXES: Final[dict[str, str]] = {
    "aiohttp": _HTTP,
    "asyncio": "not available: declare async tools, the host drives them",
    "builtins": "the built-ins plugin code needs are already there",
    "ctypes": _NONE,
    "glob": _FILES,
    "http": _HTTP,
    "httpx": _HTTP,
    "importlib": _NONE,
    "inspect": _NONE,
    "multiprocessing": _PROCESS,
    "os": f"{_FILES}; for environment variables self.ctx.env (env:<NAME>)",
    "pathlib": _FILES,
    "pickle": "use json",
    "requests": _HTTP,
    "shelve": "use self.ctx.storage",
    "shutil": _FILES,
    "socket": _HTTP,
    "sqlite3": "use self.ctx.storage",
    "subprocess": _PROCESS,
    "tempfile": _FILES,
    "threading": "not available: plugin code runs one call at a time",
    "urllib": _HTTP,
    "urllib3": _HTTP,
}


@attrs.frozen
class RefusedImport:
    """
    An import the gate refused: plugin code may have caught it.

    Attributes:
        module: The dotted name plugin code asked for.

        filename: The plugin file that asked, if known.

        lineno: Its line, if known.
    """

    module: str
    filename: str | None
    lineno: int | None

    @property
    def message(self) -> str:
        """
        ``file:line: import of 'x' is not available ...; <fix>``.
        """
        where = f"{self.filename}:{self.lineno}: " if self.filename else ""
        return f"{where}{unavailable(self.module)}"


def fix_for(module: str) -> str:
    """
    What to use instead of *module*.
    """
    return FIXES.get(
        module.partition(".")[0],
        "plugins may import their own modules, acc_plugins (the SDK) and "
        "the standard-library allowlist (list it with 'acc-plugins modules')",
    )


def unavailable(module: str) -> str:
    """
    The one-line explanation for an import of *module* the sandbox refuses.
    """
    return (
        f"import of {module!r} is not available in the sandbox; "
        f"{fix_for(module)}"
    )
