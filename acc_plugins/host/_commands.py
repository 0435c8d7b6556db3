"""
The lifecycle commands of ``PluginHost``: deactivate, activate and
restart a plugin, with what depends on it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError, PluginCallError

from ._isolated import WorkerGone
from ._lifecycle import State
from ._loader import call_method


# States of plugins no longer in the picture.
_GONE = frozenset({State.UNLOADED, State.QUARANTINED, State.ERROR})


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._order import ActiveOrder
    from ._record import PluginRecord


class HostCommands:
    """
    Lifecycle commands for ``PluginHost``.
    """

    _records: dict[str, PluginRecord]
    _order: ActiveOrder
    # Provided by PluginHost.
    _record: Callable[[str], PluginRecord]
    _isolated: Callable[[PluginRecord], bool]
    _load: Callable[[PluginRecord], bool]
    _activate: Callable[[PluginRecord], bool]
    _load_isolated: Callable[[PluginRecord], None]
    _unregister: Callable[[PluginRecord], None]

    def _dependents(self, name: str) -> list[str]:
        return self._order.dependents(name)

    def dependents(self, name: str) -> list[str]:
        """
        The plugins that need *name*, directly or not (as their manifests
        say), in the order they would stop.
        """
        self._record(name)
        found: list[str] = []
        for dependent in self._declared_dependents(name):
            for other in [*self.dependents(dependent), dependent]:
                if other not in found:
                    found.append(other)
        return found

    def _declared_dependents(self, name: str) -> list[str]:
        return [
            other
            for other, record in self._records.items()
            if record.manifest is not None
            and record.state not in _GONE
            and any(d.name == name for d in record.manifest.dependencies)
        ]

    def deactivate(self, name: str) -> None:
        """
        Deactivate an active plugin, after the active plugins that need it.
        """
        record = self._record(name)
        if record.state is not State.ACTIVE:
            return
        for dependent in reversed(self._dependents(name)):
            self.deactivate(dependent)
        if record.remote is not None:
            # Closing the worker deactivates the plugin in it.
            self._unregister(record)
            record.lifecycle.move(State.DEACTIVATED, "worker stopped")
            return
        with contextlib.suppress(PluginCallError):
            call_method(record, "on_deactivate")
        self._unregister(record)
        if record.state is State.ACTIVE:
            record.lifecycle.move(State.DEACTIVATED, "deactivated")

    def activate(self, name: str) -> None:
        """
        Activate a deactivated plugin again.

        Raises:
            LoadError: If it is not deactivated or it fails to activate.
        """
        record = self._record(name)
        if record.state is not State.DEACTIVATED:
            msg = f"is {record.state.value}, not deactivated"
            raise LoadError(name, msg)
        if record.instance is None and record.remote is None:
            if not self._isolated(record):
                # Disabled when the host started: it was never loaded.
                record.lifecycle.move(State.DISCOVERED, "enabled")
                if not (self._load(record) and self._activate(record)):
                    raise LoadError(name, str(record.last_error))
                return
            try:  # an isolated plugin: its worker ended when deactivated
                self._load_isolated(record)
            except (PluginCallError, WorkerGone) as exc:
                raise LoadError(name, str(exc)) from None
        if not self._activate(record):
            raise LoadError(name, str(record.last_error))

    def restart(self, name: str) -> None:
        """
        Load and activate a plugin in ``error`` again, from its files.

        Raises:
            LoadError: If it is not in ``error``, or fails again.
        """
        record = self._record(name)
        if record.state is not State.ERROR or record.manifest is None:
            msg = f"is {record.state.value}; only a plugin in error with a valid manifest restarts"
            raise LoadError(name, msg)
        record.lifecycle.move(State.DISCOVERED, "restart requested")
        self._reload_record(record)

    def _reload_record(self, record: PluginRecord) -> None:
        for table in (record.tools, record.agents, record.workflows):
            table.clear()
        record.hooks.clear()
        record.prompts.clear()
        record.instance = None
        record.sandbox = None
        record.last_error = None
        record.stats.breaches = 0
        if not (self._load(record) and self._activate(record)):
            raise LoadError(record.name, str(record.last_error))
