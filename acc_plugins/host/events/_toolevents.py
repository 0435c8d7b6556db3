"""
The ``tool.called`` event, at no cost to calls nobody listens to.

When a host listener exists, or an active plugin has a hook whose pattern
matches ``tool.called``, each tool's entry in the hot-path table is
wrapped so that the call emits ``tool.called`` afterwards, with the tool,
its plugin, whether it succeeded and how long it took.  Otherwise the
table holds the plain invokers.  The table is rebuilt whenever tools or
subscriptions change.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from acc_plugins.host.core._lifecycle import State


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.core._plugins import Plugins

    from ._bus import EventBus

EVENT = "tool.called"
# The states of a plugin whose hooks receive events (or are about to).
_REGISTERED = frozenset({State.LOADED, State.ACTIVE, State.RELOADING})


class ToolEvents:
    """
    Keeps the hot-path call table wrapped exactly when ``tool.called`` is
    wanted.

    Args:
        plugins: The host's plugins (their hooks, and the registry).

        bus: Tells whether a host listener exists.

        tell: Delivers an event the host made.
    """

    def __init__(
        self,
        plugins: Plugins,
        bus: EventBus,
        tell: Callable[[str, dict[str, object]], object],
    ) -> None:
        self._plugins = plugins
        self._bus = bus
        self._tell = tell

    def __repr__(self) -> str:
        return f"<ToolEvents listeners={self._bus.has_listeners}>"

    def _wanted(self) -> bool:
        # Indexed by hook pattern: the plugins registering (in process)
        # and the active ones (isolated included), not a walk over all.
        return (
            self._bus.has_listeners
            or self._plugins.registry.hooks.wants(EVENT)
            or self._plugins.order.wants(EVENT)
        )

    def refresh(self) -> None:
        """
        Wrap or unwrap the call table's invokers after a change of tools
        or subscriptions (the registry walks its table only when that
        flips).
        """
        self._plugins.registry.wrap_calls(
            self.telling if self._wanted() else None
        )

    def telling(
        self, target: str, call: Callable[[dict[str, object]], object]
    ) -> Callable[[dict[str, object]], object]:
        """
        *call*, emitting ``tool.called`` after each call.
        """
        owner = target.partition(".")[0]
        tell = self._tell
        clock = time.perf_counter

        def call_and_tell(arguments: dict[str, object]) -> Any:
            start = clock()
            ok = False
            try:
                result = call(arguments)
                ok = True
            finally:
                payload = {
                    "tool": target,
                    "plugin": owner,
                    "ok": ok,
                    "ms": round((clock() - start) * 1000, 3),
                }
                tell(EVENT, payload)
            return result

        return call_and_tell
