"""
The ``tool.called`` event, at no cost to calls nobody listens to.

When a host listener exists, or an active plugin has a hook whose pattern
matches ``tool.called``, each tool's entry in the hot-path table is
wrapped so that the call emits ``tool.called`` afterwards, with the tool,
its plugin, whether it succeeded and how long it took.  Otherwise the
table holds the plain invokers.  The registry wraps a new tool's invoker
as it is registered; only a switch between the two walks the table.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._events import EventBus
    from ._order import ActiveOrder
    from ._registry import Registry

EVENT = "tool.called"


class HostToolEvents:
    """
    ``tool.called`` for ``PluginHost``.
    """

    _registry: Registry
    _order: ActiveOrder
    _events: EventBus

    def _tool_events_wanted(self) -> bool:
        # Indexed by hook pattern: the plugins registering (in process)
        # and the active ones (isolated included), not a walk over all.
        return (
            self._events.has_listeners
            or self._registry.hooks.wants(EVENT)
            or self._order.wants(EVENT)
        )

    def _refresh_tool_events(self) -> None:
        self._registry.wrap_calls(
            self._telling if self._tool_events_wanted() else None
        )

    def _telling(
        self, target: str, call: Callable[[dict[str, object]], object]
    ) -> Callable[[dict[str, object]], object]:
        owner = target.partition(".")[0]
        tell = self._tell  # type: ignore[attr-defined]
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
