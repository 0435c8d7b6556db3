"""
The host's core: every plugin's record, the activation order and the
registry of what active plugins offer.

The other parts of the host are handed this object and read the records
through it; the two ways a plugin leaves service (``fail`` and
``unregister``) live here, so that every part takes a plugin out the same
way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from acc_plugins.errors import PluginNotFoundError
from acc_plugins.security import AuditKind

from ._lifecycle import State
from ._order import ActiveOrder
from ._registry import Registry, unknown_hint


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.gate._trail import AuditTrail

    from ._record import Failure, PluginRecord

_log = logging.getLogger("acc_plugins.host")

# States of plugins no longer in the picture.
_GONE = frozenset({State.UNLOADED, State.QUARANTINED, State.ERROR})


class Plugins:
    """
    The plugin records, in discovery order, and the active ones in
    activation order.

    Args:
        trail: Where a plugin's failure is audited.
    """

    def __init__(self, trail: AuditTrail) -> None:
        self.records: dict[str, PluginRecord] = {}
        # The active plugins, in activation order, their hooks and
        # dependencies indexed.
        self.order = ActiveOrder(self.records)
        self.registry = Registry()
        # A new version taking over re-indexes its hooks in the order.
        self.registry.on_take_over = self.order.refresh
        self._trail = trail
        # Told when the active plugins or their order change.
        self.on_change: list[Callable[[], object]] = []

    def __repr__(self) -> str:
        return (
            f"<Plugins records={len(self.records)} active={len(self.order)}>"
        )

    def record(self, name: str) -> PluginRecord:
        """
        The record of the plugin *name*.

        Raises:
            PluginNotFoundError: If no plugin has that name.
        """
        try:
            return self.records[name]
        except KeyError:
            hint = unknown_hint("plugin", name, self.records)
            raise PluginNotFoundError(
                name, f"no plugin named {name!r}{hint}"
            ) from None

    def changed(self) -> None:
        """
        Tell every observer that the active plugins changed.
        """
        for observer in self.on_change:
            observer()

    def activated(self, record: PluginRecord) -> None:
        """
        Put an activated plugin at the end of the activation order.
        """
        self.order.append(record.name)
        self.changed()

    def unregister(self, record: PluginRecord) -> None:
        """
        Take what *record* offers out of the registry, end its worker, and
        take it out of the activation order.
        """
        self.registry.unregister(record.name)
        if record.remote is not None:
            record.remote.close()
            record.remote = None
        self.order.remove_if_present(record.name)
        self.changed()

    def fail(self, record: PluginRecord, failure: Failure) -> None:
        """
        Move a plugin to ``error`` for *failure*: audited, out of the
        registry, its sandbox closed.  A quarantined plugin stays so.
        """
        if record.state is State.QUARANTINED:
            record.last_error = record.last_error or failure
            return
        self._trail.record(
            AuditKind.ERROR,
            record.name,
            message=failure.message,
            location=failure.location,
            error=failure.kind,
        )
        record.last_error = failure
        self.unregister(record)
        if record.sandbox is not None:
            record.sandbox.close()
        # Unless another thread failed or quarantined it meanwhile.
        record.lifecycle.move_if(State.ERROR, str(failure))
        _log.info("plugin %s failed: %s", record.name, failure)

    def dependents(self, name: str) -> list[str]:
        """
        The active plugins that declare a dependency on *name*, in
        activation order.
        """
        return self.order.dependents(name)

    def all_dependents(self, name: str) -> list[str]:
        """
        The plugins that need *name*, directly or not, in the order they
        would stop.

        Raises:
            PluginNotFoundError: If no plugin has that name.
        """
        self.record(name)
        found: list[str] = []
        for dependent in self._declared_dependents(name):
            for other in [*self.all_dependents(dependent), dependent]:
                if other not in found:
                    found.append(other)
        return found

    def _declared_dependents(self, name: str) -> list[str]:
        return [
            other
            for other, record in self.records.items()
            if record.manifest is not None
            and record.state not in _GONE
            and any(d.name == name for d in record.manifest.dependencies)
        ]
