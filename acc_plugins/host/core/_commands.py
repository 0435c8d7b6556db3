"""
The lifecycle commands: deactivate, activate and restart a plugin, with
what depends on it, and stop them all.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError, PluginCallError, PolicyBlockedError
from acc_plugins.host.isolation._workererrors import WorkerGone

from ._lifecycle import State
from ._loader import call_method


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.isolation._tier import IsolatedTier

    from ._loading import Loading
    from ._plugins import Plugins
    from ._record import PluginRecord


# What stopping the host moves to ``unloaded``.
_UNLOADABLE = frozenset(
    {State.DEACTIVATED, State.LOADED, State.ERROR, State.DISCOVERED}
)


class Commands:
    """
    Lifecycle commands on loaded plugins.

    Args:
        plugins: The host's plugins.

        loading: Loads and activates a plugin.

        tier: Starts an isolated plugin's worker again.

        admit: The policy's gate, for a worker started here rather than
            by a load.
    """

    def __init__(
        self,
        plugins: Plugins,
        loading: Loading,
        tier: IsolatedTier,
        admit: Callable[[PluginRecord], None] = lambda _: None,
    ) -> None:
        self._plugins = plugins
        self._loading = loading
        self._tier = tier
        self._admit = admit

    def __repr__(self) -> str:
        return "<Commands>"

    def deactivate(self, name: str) -> None:
        """
        Deactivate an active plugin, after the active plugins that need it.
        """
        record = self._plugins.record(name)
        if record.state is not State.ACTIVE:
            return
        for dependent in reversed(self._plugins.dependents(name)):
            self.deactivate(dependent)
        if record.remote is not None:
            # Closing the worker deactivates the plugin in it.
            self._plugins.unregister(record)
            record.lifecycle.move_if(State.DEACTIVATED, "worker stopped")
            return
        with contextlib.suppress(PluginCallError):
            call_method(record, "on_deactivate")
        self._plugins.unregister(record)
        if record.state is State.ACTIVE:
            record.lifecycle.move_if(State.DEACTIVATED, "deactivated")

    def activate(self, name: str) -> None:
        """
        ``PluginHost.activate``.
        """
        record = self._plugins.record(name)
        # One activation at a time: a second caller finds it active (an
        # isolated plugin would otherwise get two workers).
        with record.lifecycle.restart_lock:
            self._activate(name, record)

    def _activate(self, name: str, record: PluginRecord) -> None:
        if record.state is not State.DEACTIVATED:
            msg = f"is {record.state.value}, not deactivated"
            raise LoadError(name, msg)
        if record.instance is None and record.remote is None:
            if not self._loading.isolated(record):
                # Disabled when the host started: it was never loaded.
                if not record.lifecycle.move_if(State.DISCOVERED, "enabled"):
                    msg = f"is {record.state.value}, not deactivated"
                    raise LoadError(name, msg)
                if not (
                    self._loading.load(record)
                    and self._loading.activate(record)
                ):
                    raise LoadError(name, str(record.last_error))
                return
            try:  # an isolated plugin: its worker ended when deactivated
                self._admit(record)  # perhaps never judged: disabled at start
                self._tier.load(record)
            except (PluginCallError, WorkerGone, PolicyBlockedError) as exc:
                raise LoadError(name, str(exc)) from None
        if not self._loading.activate(record):
            raise LoadError(name, str(record.last_error))

    def check_health(self, name: str) -> bool | None:
        """
        ``PluginHost.check_health``.
        """
        record = self._plugins.record(name)
        target = f"{name}.health"
        if record.state is not State.ACTIVE:
            msg = f"is {record.state.value}, not active"
            if record.last_error is not None:
                msg = f"{msg}: {record.last_error}"
            raise LoadError(name, msg)
        if record.remote is not None:
            answer = self._tier.forward(record, target, {"op": "health"})
        else:
            answer = call_method(record, "health")
        if answer is not None and not isinstance(answer, bool):
            msg = f"returned {type(answer).__name__}, not True, False or None"
            raise PluginCallError(target, msg)
        return answer

    def restart(self, name: str) -> None:
        """
        ``PluginHost.restart``.
        """
        record = self._plugins.record(name)
        # One restart at a time; a caller reviving a crashed worker waits.
        with record.lifecycle.restart_lock:
            if (
                record.state is not State.ERROR
                or record.manifest is None
                or not record.lifecycle.move_if(
                    State.DISCOVERED, "restart requested"
                )
            ):
                msg = f"is {record.state.value}; only a plugin in error with a valid manifest restarts"
                raise LoadError(name, msg)
            self.reload_record(record)

    def reload_record(self, record: PluginRecord) -> None:
        """
        Load and activate *record* afresh, from its files.

        Raises:
            LoadError: If it fails.
        """
        for table in (record.tools, record.agents, record.workflows):
            table.clear()
        record.hooks.clear()
        record.prompts.clear()
        record.instance = None
        record.sandbox = None
        record.last_error = None
        record.stats.breaches = 0
        if not (self._loading.load(record) and self._loading.activate(record)):
            raise LoadError(record.name, str(record.last_error))

    def stop_all(self) -> None:
        """
        Deactivate every plugin (dependents first) and unload them all.
        """
        for name in reversed(list(self._plugins.order)):
            self.deactivate(name)
        for record in self._plugins.records.values():
            if record.sandbox is not None:
                record.sandbox.close()
            if record.remote is not None:  # in error, say: no worker stays
                record.remote.close()
            if record.state in _UNLOADABLE:
                record.lifecycle.move_if(State.UNLOADED, "host stopped")
