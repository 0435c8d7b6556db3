"""
Refusals plugin code can neither catch nor hide, and where they happened.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.errors import BudgetExceeded, SandboxViolation


if TYPE_CHECKING:
    import types


# Exceptions that plugin code may not catch: sandbox refusals, and the
# host's own interrupts.
UNCATCHABLE: Final = (
    SandboxViolation,
    BudgetExceeded,
    KeyboardInterrupt,
    SystemExit,
)


class PluginExit(BaseException):
    """
    What ``SystemExit`` is in plugin code.  The real one ends the host's
    process wherever it surfaces; raised by a plugin (a command-line
    library's ``exit``), this one ends only the call, as any other
    exception of the plugin's does.  ``except SystemExit`` in plugin code
    catches it, and plugin classes may derive from it.
    """

    @property
    def code(self) -> object:
        """
        The exit status, as ``SystemExit.code``.
        """
        return self.args[0] if len(self.args) == 1 else (self.args or None)


# Named as what it stands for in messages and tracebacks; "builtins", so
# that plugin classes may derive from it (host classes refuse that).
PluginExit.__name__ = PluginExit.__qualname__ = "SystemExit"
PluginExit.__module__ = "builtins"


def plugin_location(root: str) -> tuple[str | None, int | None]:
    """
    The innermost frame of plugin code (a file under *root*), for reports.
    """
    frame: types.FrameType | None = sys._getframe(1)  # noqa: SLF001 -- host-side, for the report only
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(root):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None, None


class GuardedContext:
    """
    Wraps a context manager so that its ``__exit__`` cannot swallow a
    sandbox refusal.
    """

    __slots__ = ("_manager",)

    def __init__(self, manager: Any) -> None:
        self._manager = manager

    def __enter__(self) -> Any:
        return type(self._manager).__enter__(self._manager)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> bool:
        swallow = type(self._manager).__exit__(
            self._manager, kind, value, traceback
        )
        if isinstance(value, UNCATCHABLE):
            return False
        return bool(swallow)


class GuardedAsyncContext:
    """
    Wraps an asynchronous context manager so that its ``__aexit__`` cannot
    swallow a sandbox refusal.
    """

    __slots__ = ("_manager",)

    def __init__(self, manager: Any) -> None:
        self._manager = manager

    async def __aenter__(self) -> Any:
        return await type(self._manager).__aenter__(self._manager)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> bool:
        swallow = await type(self._manager).__aexit__(
            self._manager, kind, value, traceback
        )
        if isinstance(value, UNCATCHABLE):
            return False
        return bool(swallow)


def reraise() -> None:
    """
    First statement of every ``except`` clause in plugin code.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, UNCATCHABLE):
        raise exc


def guarded_with(manager: object) -> GuardedContext:
    """
    Wrap the context manager of every ``with`` in plugin code.
    """
    return GuardedContext(manager)


def guarded_async_with(manager: object) -> GuardedAsyncContext:
    """
    Wrap the context manager of every ``async with`` in plugin code.
    """
    return GuardedAsyncContext(manager)
