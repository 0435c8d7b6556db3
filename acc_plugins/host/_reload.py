"""
Hot reload: a new version of a plugin is built beside the old one, handed
the old one's state, and swapped in, one registry name at a time.

The old version serves until the swap: calls already running finish on
it, and calls that start while the new version is being built are served
by it too (the plugin is ``reloading``, which still serves).  If anything
fails before the swap (the manifest, the scan, compiling, running the
module, the constructor, ``import_state``, ``on_activate``), the old
version keeps serving, the error is reported, and nothing else changes.
Plugins that depend on the reloaded one are reloaded after it, in
dependency order.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import (
    LoadError,
    ManifestError,
    PluginCallError,
    ReloadError,
)
from acc_plugins.manifest import load_manifest

from ._discovery import MANIFEST_NAME
from ._dispatch import copy_json
from ._lifecycle import State
from ._loader import call_method, manifest_of
from ._record import Failure, PluginRecord, excerpt, failure_of, root_cause
from ._registry import Registry
from ._watch import DEBOUNCE_MS, Reloaded, Watcher


if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.manifest import Manifest

    from ._events import EventBus
    from ._order import ActiveOrder

_log = logging.getLogger("acc_plugins.host")


def _refusal(name: str, failure: Failure) -> ReloadError:
    error = ReloadError(name, failure.message, failure.location)
    error.failure = failure  # type: ignore[attr-defined]
    return error


class HostReload:
    """
    ``reload`` for ``PluginHost``.
    """

    _records: dict[str, PluginRecord]
    _paths: list[Path]
    _registry: Registry
    _events: EventBus
    _order: ActiveOrder

    _reload_lock: threading.RLock
    _watchers: list[Watcher]

    def watch(
        self,
        *,
        on_reload: Callable[[Reloaded], object] = lambda _: None,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> Watcher:
        """
        Follow the plugins' folders and reload a plugin when its manifest
        or sources change, until the watcher is stopped (or the host is).

        Args:
            on_reload: Called with each outcome, on the watcher's thread.

            debounce_ms: How long a burst of changes may last.
        """
        watcher = Watcher(
            self,  # type: ignore[arg-type]
            on_reload=on_reload,
            debounce_ms=debounce_ms,
        )
        watcher.start()
        self._watchers.append(watcher)
        return watcher

    def search_paths(self) -> list[Path]:
        """
        The folders this host finds plugins in.
        """
        return list(self._paths)

    def add(self, root: Path) -> str:
        """
        Load and activate a plugin whose folder appeared after the host
        started (its dependencies must be active already).

        Returns:
            The plugin's name (or its folder's, if its manifest is bad).

        Raises:
            LoadError: If a plugin from that folder is already known.
        """
        resolved = root.resolve()
        for record in self._records.values():
            if record.root.resolve() == resolved:
                msg = f"{root} is already loaded"
                raise LoadError(record.name, msg)
        record = self._admit(root)  # type: ignore[attr-defined]
        if record is None:  # refused; the failed record tells why
            return next(
                r.name
                for r in reversed(self._records.values())
                if r.root == root
            )
        if not self._enabled(record.name):  # type: ignore[attr-defined]
            record.lifecycle.move(
                State.DEACTIVATED, "disabled in the configuration"
            )
        elif self._load(record):  # type: ignore[attr-defined]
            self._activate(record)  # type: ignore[attr-defined]
        name: str = record.name
        return name

    def forget(self, name: str) -> None:
        """
        Deactivate and unload a plugin whose folder went away.
        """
        record = self._record(name)  # type: ignore[attr-defined]
        self.deactivate(name)  # type: ignore[attr-defined]
        self._discard(record)
        if record.state not in {State.UNLOADED, State.QUARANTINED}:
            record.lifecycle.move(State.UNLOADED, "its folder went away")

    def reload(self, name: str) -> float:
        """
        Replace an active plugin with the version now in its folder, then
        reload the active plugins that depend on it.

        Returns:
            Seconds from the start of the reload to the new version
            serving (this plugin's own reload).

        Raises:
            ReloadError: If the new version is refused; the old one keeps
                serving.

            LoadError: If the plugin is not active.
        """
        started = time.perf_counter()
        with self._reload_lock:
            self._reload_one(name)
            took = time.perf_counter() - started
            for dependent in self._dependents(name):  # type: ignore[attr-defined]
                with contextlib.suppress(LoadError):
                    self.reload(dependent)
        return took

    def _reload_one(self, name: str) -> None:
        old = self._record(name)  # type: ignore[attr-defined]
        if old.state is not State.ACTIVE:
            msg = f"is {old.state.value}; only an active plugin reloads"
            raise LoadError(name, msg)
        old.lifecycle.move(State.RELOADING, "a new version is being built")
        try:
            new = self._new_version(old)
            self._hand_over(old, new)
        except ReloadError as exc:
            failure: Failure = exc.failure  # type: ignore[attr-defined]
            old.lifecycle.move(State.ACTIVE, f"reload refused: {failure}")
            self._refused(old, failure)
            raise
        self._swap(old, new)
        old.lifecycle.move(State.ACTIVE, "reloaded")
        self.emit(  # type: ignore[attr-defined]
            "plugin.reloaded", {"plugin": name, "root": str(old.root)}
        )

    def _new_version(self, old: PluginRecord) -> PluginRecord:
        manifest = self._read_manifest(old)
        new = PluginRecord(
            old.name,
            old.root,
            old.lifecycle,  # one history across versions
            self._on_violation,  # type: ignore[attr-defined]
            manifest,
        )
        new.stats = old.stats  # counters carry on across versions
        new.log = old.log
        try:
            self._build(new)  # type: ignore[attr-defined]
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 -- contain any plugin failure
            self._discard(new)
            raise _refusal(
                old.name, failure_of(root_cause(exc), old.root)
            ) from None
        return new

    def _read_manifest(self, old: PluginRecord) -> Manifest:
        try:
            manifest = load_manifest(old.root / MANIFEST_NAME)
        except ManifestError as exc:
            failure = Failure(
                "; ".join(exc.problems), str(exc.path), "ManifestError"
            )
            raise _refusal(old.name, failure) from None
        if manifest.plugin.name != old.name:
            failure = Failure(
                f"the manifest now names the plugin "
                f"{manifest.plugin.name!r}; renaming needs a restart",
                str(old.root / MANIFEST_NAME),
                "ManifestError",
            )
            raise _refusal(old.name, failure)
        return self._policed(manifest)  # type: ignore[attr-defined,no-any-return]

    def _hand_over(self, old: PluginRecord, new: PluginRecord) -> None:
        """
        Move the old version's state into the new one and activate it.
        """
        state = self._exported(old)
        try:
            if new.remote is None:
                call_method(new, "import_state", state)
                call_method(new, "on_activate")
            else:  # activated in its worker already: state follows
                message = {"op": "import_state", "state": state}
                self._forward(new, f"{new.name}.import_state", message)  # type: ignore[attr-defined]
        except PluginCallError as exc:
            self._discard(new)
            raise _refusal(
                old.name, failure_of(root_cause(exc), old.root)
            ) from None
        if old.remote is None:
            with contextlib.suppress(PluginCallError):
                call_method(old, "on_deactivate")

    def _exported(self, old: PluginRecord) -> Any:
        try:
            if old.remote is not None:
                message = {"op": "export_state"}
                where = f"{old.name}.export_state"
                state = self._forward(old, where, message)  # type: ignore[attr-defined]
            else:
                state = call_method(old, "export_state")
            copied = copy_json(state, "exported state")
        except (PluginCallError, ValueError) as exc:
            failure = Failure(f"export_state failed: {exc}", kind="StateError")
            raise _refusal(old.name, failure) from None
        # Like a call's result: no bigger than [limits] output-bytes.
        size = len(json.dumps(copied, ensure_ascii=False).encode())
        limit = manifest_of(old).limits.output_bytes
        if size > limit:
            failure = Failure(
                f"export_state returned {size:,} bytes, more than its "
                f"output-bytes of {limit:,}",
                kind="StateError",
            )
            raise _refusal(old.name, failure)
        return copied

    def _swap(self, old: PluginRecord, new: PluginRecord) -> None:
        fresh = Registry()
        if new.remote is not None:
            self._register_isolated(new, fresh)  # type: ignore[attr-defined]
        else:
            fresh.register(new)
        self._records[old.name] = new
        self._registry.take_over(fresh, old.name)
        self._discard(old)

    @staticmethod
    def _discard(record: PluginRecord) -> None:
        # Calls still running on it hold what they need; closing only
        # drops the host's references (and ends a worker).
        if record.remote is not None:
            record.remote.close()
            record.remote = None
        if record.sandbox is not None:
            record.sandbox.close()

    def _refused(self, record: PluginRecord, failure: Failure) -> None:
        lines = excerpt(failure.location)
        shown = "".join(f"\n    {line}" for line in lines)
        _log.warning("reload of %s refused: %s%s", record.name, failure, shown)
        record.log.append(f"ERROR: reload refused: {failure}")
        self.emit(  # type: ignore[attr-defined]
            "plugin.reload_failed",
            {
                "plugin": record.name,
                "message": failure.message,
                "location": failure.location,
                "kind": failure.kind,
                "excerpt": lines,
            },
        )
