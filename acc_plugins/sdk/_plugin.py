"""
The ``Plugin`` base class and the ``ToolError`` plugins raise on purpose.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Self


if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ._context import JSON, Context


# The context of the plugin the host is constructing right now.  A context
# variable rather than a constructor argument, so that plugin classes can
# define ``__init__(self)`` without passing anything along.
_constructing: ContextVar[Context | None] = ContextVar(
    "acc_plugins_constructing", default=None
)


@contextlib.contextmanager
def binding(ctx: Context) -> Iterator[None]:
    """
    Let ``Plugin`` instances created inside this block receive *ctx*.

    Host-side; plugin code never sees this function.
    """
    token = _constructing.set(ctx)
    try:
        yield
    finally:
        _constructing.reset(token)


class Plugin:
    """
    Base class of every plugin.

    Subclass it, decorate methods with ``@tool``, ``@hook`` or ``@agent``,
    and list declarative agents and workflows in the ``agents`` and
    ``workflows`` class attributes.  The host creates the instance; its
    capabilities are on ``self.ctx``.

    Attributes:
        ctx: The capability context: the plugin's name, log, settings,
            storage, events and the host capabilities it was granted.
    """

    ctx: Context

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:  # noqa: ARG004 -- __init__ takes them
        ctx = _constructing.get()
        if ctx is None:
            msg = f"{cls.__name__} is created by the plugin host, not directly"
            raise RuntimeError(msg)
        instance = super().__new__(cls)
        instance.__dict__["ctx"] = ctx
        return instance

    def on_activate(self) -> None:
        """
        Called once the plugin's dependencies are active and it is
        registered; acquire what it needs here.
        """

    def on_deactivate(self) -> None:
        """
        Called before the plugin is deactivated or unloaded.
        """

    def on_config_change(self, changed: Mapping[str, JSON]) -> None:
        """
        Called with the settings whose values changed.
        """

    def health(self) -> bool | None:
        """
        Whether the plugin works, checked after it is installed or updated
        (and whenever the host is asked): return False, or raise, to say it
        does not, and an update is rolled back to the previous version.
        The default, None, means "no check of my own": being active is
        enough.

        Keep it quick and free of side effects: it runs under the
        plugin's limits, with its permissions, like a tool call.

        Example:
            >>> class Weather(Plugin):
            ...     def health(self) -> bool:
            ...         return self.ctx.settings.get("api-url") is not None
        """
        return None

    def export_state(self) -> JSON:
        """
        What a new version of the plugin should start from when it is
        reloaded: plain data (JSON), handed to its ``import_state``.
        """
        return None

    def import_state(self, state: JSON) -> None:
        """
        Take over what the previous version exported, on a reload, before
        ``on_activate``.
        """


class ToolError(Exception):
    """
    A failure a plugin reports on purpose (bad input, nothing found).

    The host reports its message to the caller as is; it does not count as
    a crash of the plugin.
    """
