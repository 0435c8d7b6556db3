"""
Each plugin's ``self.ctx``: its effective grants, the outside-world
capabilities they allow, its storage, Claude, events and other plugins'
tools, each metered by the plugin's limits; and the plugin constructed
with it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from acc_plugins.host.core._loader import construct, manifest_of

from ._allowance import Allowance
from ._context import Capabilities, build_context
from ._storage import KeyValueStore


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.host.events._routing import Events
    from acc_plugins.host.gate._security import Security
    from acc_plugins.sdk import Plugin

    from ._claude import ClaudeProvider


class Contexts:
    """
    Builds the context of each in-process plugin.

    Args:
        security: Effective grants and outside capabilities.

        events: Where a plugin's ``ctx.emit`` goes.

        data_dir: Where the storage database lives.

        claude: The application's Claude capability, if any.

        call_tool: How ``ctx.tools`` calls another plugin's tool.

        on_log: Told ``(plugin, level, text)`` of each line a plugin logs
            through ``ctx.log``.
    """

    def __init__(
        self,
        security: Security,
        events: Events,
        *,
        data_dir: Path,
        claude: ClaudeProvider | None,
        call_tool: Callable[[str, dict[str, object]], object],
        on_log: Callable[[str, str, str], None] | None = None,
    ) -> None:
        self._security = security
        self._events = events
        self._data_dir = data_dir
        self._claude = claude
        self._call_tool = call_tool
        self._on_log = on_log
        self._store: KeyValueStore | None = None

    def __repr__(self) -> str:
        return f"<Contexts data_dir={self._data_dir}>"

    @property
    def storage(self) -> KeyValueStore:
        """
        The plugins' key-value storage (opened on first use).

        Raises:
            StorageUnavailableError: If it cannot be opened (the next use
                tries again).
        """
        if self._store is None:
            self._store = KeyValueStore(self._data_dir / "storage.sqlite3")
        return self._store

    def construct(self, record: PluginRecord, cls: type[Plugin]) -> None:
        """
        Make *record*'s context and construct its entry class with it.
        """
        manifest = manifest_of(record)
        effective = self._security.effective_grants(record)
        outside = self._security.outside(record, effective)
        assert record.sandbox is not None  # noqa: S101 -- loaded before
        context = build_context(
            record.name,
            granted=effective,
            dependencies=frozenset(d.name for d in manifest.dependencies),
            settings=record.settings,
            capabilities=self._capabilities(),
            log_lines=record.log,
            outside=outside,
            allowance=Allowance.of(record.sandbox.budget, manifest.limits),
            storage_quota=manifest.limits.storage_mb * 2**20,
            time_left=record.sandbox.budget.time_left,
            on_log=None
            if self._on_log is None
            else functools.partial(self._on_log, record.name),
        )
        construct(record, cls, context)

    def _capabilities(self) -> Capabilities:
        events = self._events
        call_tool = self._call_tool
        return Capabilities(
            store=lambda: self.storage,
            claude=self._claude,
            emit=lambda name, payload, source: events.emit(
                name, payload, source=source
            ),
            call_tool=lambda name, arguments, _caller: call_tool(
                name, arguments
            ),
            denied=self._security.on_denied,
            used=self._security.on_used,
        )

    def close(self) -> None:
        """
        Close the storage: the host stopped.
        """
        if self._store is not None:
            self._store.close()
            self._store = None
