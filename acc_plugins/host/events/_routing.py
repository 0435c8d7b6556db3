"""
Which hooks an event reaches: the routes of each event name, worked out
once and kept until the plugins, their hooks or their order change.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from acc_plugins.errors import PluginCallError

from ._bus import MAX_ROUTES


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.sdk import Event

    from ._bus import EventBus, Routes


class Events:
    """
    Events for the host: the bus, and the routes to the plugins' hooks.

    Args:
        plugins: The host's plugins.

        bus: Delivers to host listeners and hooks.

        revive: Restarts the crashed worker of the plugin a target name
            belongs to, once its backoff has passed.
    """

    def __init__(
        self,
        plugins: Plugins,
        bus: EventBus,
        *,
        revive: Callable[[str], object],
    ) -> None:
        self._plugins = plugins
        self._bus = bus
        self._revive = revive
        self.routes: dict[str, Routes] = {}
        # Told ``(name, payload)`` of each event the host itself emits (a
        # plugin's lifecycle): not a bus listener, whose presence would
        # make every tool call emit ``tool.called``.
        self.host_observers: list[Callable[[str, object], object]] = []

    def __repr__(self) -> str:
        return f"<Events routes={len(self.routes)}>"

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Let *listener* receive every event.
        """
        self._bus.subscribe(listener)

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Stop *listener* receiving events.
        """
        self._bus.unsubscribe(listener)

    def emit(
        self, name: str, payload: object = None, *, source: str = "host"
    ) -> int:
        """
        Deliver an event to the host's listeners and to matching hooks.

        Returns:
            How many plugin hooks received it.
        """
        if source == "host":
            for observer in self.host_observers:
                observer(name, payload)
        return self._bus.emit(name, payload, source, self._serving(name))

    def tell(self, name: str, payload: dict[str, object]) -> int:
        """
        ``emit`` of an event the host made, its payload fresh JSON.
        """
        return self._bus.deliver(name, payload, "host", self._serving(name))

    def changed(self) -> None:
        """
        Forget the routes: plugins, their hooks or their order changed.
        """
        self.routes.clear()

    def _serving(self, name: str) -> tuple[PluginRecord, ...]:
        routes = self.routes.get(name)
        if routes is None:
            routes = self._route(name)
        if routes.crashed:
            # An isolated plugin whose worker crashed is not in the
            # activation order any more; an event its hooks want brings it
            # back, as a call would, once the backoff has passed.
            for record in routes.crashed:
                with contextlib.suppress(PluginCallError):
                    self._revive(f"{record.name}.")
            routes = self._route(name)
        return routes.serving

    def _route(self, name: str) -> Routes:
        if len(self.routes) >= MAX_ROUTES:  # a plugin may make up any names
            self.routes.clear()
        found = self.routes[name] = self._plugins.order.routes(name)
        return found
