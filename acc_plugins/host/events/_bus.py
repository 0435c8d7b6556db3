"""
The in-process event bus: host listeners first, then plugin hooks.

Delivery order: every host listener in subscription order (a failing
listener is logged and skipped), then the hooks
of active plugins in activation order, each plugin's hooks in declaration
order.  Each hook receives its own copy of the payload.  A failing hook is
contained, counted and reported; the others still run.  Events that hooks
emit while handling an event nest at most eight deep.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Final, cast

import attrs

from acc_plugins.errors import PluginCallError
from acc_plugins.host.core._lifecycle import SERVING, State
from acc_plugins.host.dispatch._dispatch import call_plugin
from acc_plugins.sdk import Event
from acc_plugins.sdk._json import ConvertError, to_json


if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.sdk import JSON

_log = logging.getLogger("acc_plugins.host")
MAX_DEPTH: Final = 8
# Event names whose routes are kept; plugins may emit names of their own.
MAX_ROUTES: Final = 1024


_ACTIVE: Final = State.ACTIVE
_RELOADING: Final = State.RELOADING
# Immutable JSON values: every hook may share one.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _copier(copied: object) -> Callable[[], object]:
    """
    How each hook gets a copy of its own of *copied*, a JSON copy: a
    scalar is shared, a dict or list of scalars copied shallowly (the
    common payloads, worked out once per event, not per hook), anything
    else copied whole.
    """
    kind = type(copied)
    if kind in _SCALARS:
        return lambda: copied
    if kind is dict and all(
        type(v) in _SCALARS for v in cast("dict[str, object]", copied).values()
    ):
        return cast("dict[str, object]", copied).copy
    if kind is list and all(
        type(v) in _SCALARS for v in cast("list[object]", copied)
    ):
        return cast("list[object]", copied).copy
    return lambda: to_json(copied)


def matches(pattern: str, name: str) -> bool:
    """
    Tell whether a hook's *pattern* (``a.b``, ``a.*``, ``*``) covers *name*.
    """
    if pattern in {"*", name}:
        return True
    return pattern.endswith(".*") and name.startswith(pattern[:-1])


@attrs.frozen
class Routes:
    """
    Which plugins may want one event, worked out once for its name (by
    ``_order.ActiveOrder.routes``) and forgotten whenever plugins, their
    hooks or their order change.

    Attributes:
        serving: Plugins in the activation order with a hook whose pattern
            covers the name (their state is checked at delivery).

        crashed: Isolated plugins in ``error`` whose worker's hooks want
            it: the event brings them back first.
    """

    serving: tuple[PluginRecord, ...]
    crashed: tuple[PluginRecord, ...]


class EventBus:
    """
    Delivers events to host listeners and plugin hooks.
    """

    def __init__(self) -> None:
        self._listeners: list[Callable[[Event], None]] = []
        self._depth = 0

    def __repr__(self) -> str:
        return f"<EventBus listeners={len(self._listeners)}>"

    forward: (
        Callable[[PluginRecord, str, dict[str, object]], object] | None
    ) = None

    def _deliver_remote(
        self, record: PluginRecord, name: str, payload: object, source: str
    ) -> int:
        # An isolated plugin's hooks run in its worker; its own events
        # already reached them there.
        if source == record.name or record.state not in SERVING:
            return 0
        if not any(
            matches(pattern, name)
            for pattern in record.remote_offer.get("hooks", ())
        ):
            return 0
        if self.forward is None:
            return 0
        message = {"op": "emit", "name": name, "payload": payload}
        with contextlib.suppress(PluginCallError):
            self.forward(record, name, message)
        return 1

    # Told when listeners change (the host rebuilds its tool table).
    on_subscribe: Callable[[], object] | None = None
    # Told ``(plugin, report)`` when one of a plugin's hooks fails (the
    # host keeps it in the plugin's log on disk).
    on_hook_error: Callable[[str, str], object] | None = None

    @property
    def has_listeners(self) -> bool:
        """
        Whether any host-side listener is subscribed.
        """
        return bool(self._listeners)

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Add a host-side listener for every event.
        """
        self._listeners.append(listener)
        if self.on_subscribe is not None:
            self.on_subscribe()

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Remove a host-side listener (the first, if it subscribed twice);
        one that is not subscribed is ignored.
        """
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)
            if self.on_subscribe is not None:
                self.on_subscribe()

    def emit(
        self,
        name: str,
        payload: object,
        source: str,
        plugins: Sequence[PluginRecord],
    ) -> int:
        """
        Deliver one event; return how many plugin hooks received it.

        Args:
            name: The event.

            payload: Its data, copied here.

            source: Who emitted it.

            plugins: The plugins that may want it, in activation order
                (``Routes.serving``); the others are not looked at.

        Raises:
            ValueError: If *payload* is not JSON, naming the path inside
                it.
        """
        try:
            copied = to_json(payload)
        except ConvertError as exc:
            msg = f"event {name!r} payload{exc.where}: {exc.reason}"
            raise ValueError(msg) from None
        return self.deliver(name, copied, source, plugins)

    def deliver(
        self,
        name: str,
        copied: object,
        source: str,
        plugins: Sequence[PluginRecord],
    ) -> int:
        """
        ``emit`` for a payload that is already a JSON copy no one else
        holds (the host's own ``tool.called``).
        """
        for listener in list(self._listeners):
            try:
                listener(Event(name, cast("JSON", copied), source))
            except Exception:  # noqa: BLE001 -- logged with its traceback
                # A host listener's bug is the host's to fix, but it must
                # not break delivery to plugins or the lifecycle that emits.
                _log.exception(
                    "event listener %r failed on %s", listener, name
                )
        if not plugins:
            return 0
        if self._depth >= MAX_DEPTH:
            _log.warning("event %s dropped: events nested too deeply", name)
            return 0
        delivered = 0
        # Each hook gets a copy of its own, so that none sees what another
        # did to its payload; the last hook in line may take *copied*
        # itself when no host listener holds it, since nothing reads it
        # after that hook (the common single subscriber copies once).
        last = plugins[-1]
        owned = not self._listeners and last.remote is None
        fresh_copy = _copier(copied)
        self._depth += 1
        try:
            for record in plugins:
                if record.remote is not None:
                    delivered += self._deliver_remote(
                        record, name, copied, source
                    )
                    continue
                hooks = list(record.hooks)
                final = (
                    hooks[-1] if owned and record is last and hooks else None
                )
                for hook in hooks:
                    pattern = hook.event
                    # Checked for each hook: one may fail the plugin.
                    # Compared by identity: an enum hashes in Python.
                    state = record.state
                    if (state is not _ACTIVE and state is not _RELOADING) or (
                        pattern != name and not matches(pattern, name)
                    ):
                        continue
                    event = Event(
                        name, copied if hook is final else fresh_copy(), source
                    )
                    delivered += 1
                    try:
                        call_plugin(
                            record,
                            f"{record.name} hook {pattern}",
                            hook.function,
                            (record.instance, event),
                        )
                    except PluginCallError as exc:
                        # Counted by call_plugin; reported here; the other
                        # hooks still run.
                        report = f"hook {pattern} failed on {name}: {exc}"
                        record.log.append(f"ERROR: {report}")
                        if self.on_hook_error is not None:
                            self.on_hook_error(record.name, report)
                        _log.warning("plugin %s: %s", record.name, report)
        finally:
            self._depth -= 1
        return delivered
