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
import threading
import time
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import (
    LoadError,
    ManifestError,
    PluginCallError,
    ReloadError,
)
from acc_plugins.host.core._discovery import MANIFEST_NAME
from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loader import call_method, manifest_of
from acc_plugins.host.core._record import (
    Failure,
    PluginRecord,
    excerpt,
    failure_of,
    root_cause,
)
from acc_plugins.host.core._registry import Registry
from acc_plugins.host.dispatch._dispatch import copy_json
from acc_plugins.manifest import load_manifest

from ._watch import Reloaded, Watcher


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.host._host import PluginHost
    from acc_plugins.host.config._configuration import Configuration
    from acc_plugins.host.core._commands import Commands
    from acc_plugins.host.core._loading import Loading
    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.events._routing import Events
    from acc_plugins.host.gate._security import Security
    from acc_plugins.host.isolation._tier import IsolatedTier
    from acc_plugins.manifest import Manifest

_log = logging.getLogger("acc_plugins.host")


class _Refused(Exception):  # noqa: N818 -- internal, never escapes
    """
    Why the new version was refused, on its way to ``_reload_one``.
    """

    def __init__(self, name: str, failure: Failure) -> None:
        super().__init__(name, failure.message)
        self.failure = failure


def _refusal(name: str, failure: Failure) -> _Refused:
    return _Refused(name, failure)


class Reloading:
    """
    Reload, add and forget plugins while the host runs, and watch their
    folders.

    Args:
        plugins: The host's plugins.

        paths: The folders plugins are found in.

        loading: Admits, builds and activates plugins.

        commands: Deactivates plugins.

        configuration: Whether a plugin is enabled.

        security: Judges violations of the new version.

        tier: Workers of isolated plugins.

        events: Reload outcomes are emitted through it.
    """

    def __init__(
        self,
        plugins: Plugins,
        paths: list[Path],
        *,
        loading: Loading,
        commands: Commands,
        configuration: Configuration,
        security: Security,
        tier: IsolatedTier,
        events: Events,
    ) -> None:
        self._plugins = plugins
        self._records = plugins.records
        self._paths = paths
        self._loading = loading
        self._commands = commands
        self._configuration = configuration
        self._security = security
        self._tier = tier
        self._events = events
        self._lock = threading.RLock()
        self._watchers: list[Watcher] = []

    def __repr__(self) -> str:
        return f"<Reloading watchers={len(self._watchers)}>"

    def watch(
        self,
        host: PluginHost,
        *,
        on_reload: Callable[[Reloaded], object],
        debounce_ms: int,
    ) -> Watcher:
        """
        Follow *host*'s plugin folders until the watcher (or the host)
        stops.
        """
        watcher = Watcher(host, on_reload=on_reload, debounce_ms=debounce_ms)
        watcher.start()
        self._watchers.append(watcher)
        return watcher

    def stop_watching(self) -> None:
        """
        Stop every watcher.
        """
        while self._watchers:
            self._watchers.pop().stop()

    def search_paths(self) -> list[Path]:
        """
        The folders plugins are found in.
        """
        return list(self._paths)

    def add(self, root: Path) -> str:
        """
        ``PluginHost.add``: admit, load and activate a new folder.
        """
        resolved = root.resolve()
        for key, known in list(self._records.items()):
            if known.root.resolve() != resolved:
                continue
            if known.state is State.UNLOADED:  # its folder went, and is back
                del self._records[key]
                continue
            msg = f"{root} is already loaded"
            raise LoadError(known.name, msg)
        record = self._loading.admit(root)
        if record is None:  # refused; the failed record tells why
            return next(
                r.name
                for r in reversed(self._records.values())
                if r.root == root
            )
        if not self._configuration.enabled(record.name):
            record.lifecycle.move(
                State.DEACTIVATED, "disabled in the configuration"
            )
        elif self._loading.load(record):
            self._loading.activate(record)
        return record.name

    def forget(self, name: str) -> None:
        """
        ``PluginHost.forget``: a plugin whose folder went away.
        """
        record = self._plugins.record(name)
        self._commands.deactivate(name)
        self._discard(record)
        if record.state is not State.QUARANTINED:
            record.lifecycle.move_if(State.UNLOADED, "its folder went away")

    def reload(self, name: str) -> float:
        """
        ``PluginHost.reload``: the new version, then its active dependents.
        """
        started = time.perf_counter()
        with self._lock:
            self._reload_one(name)
            took = time.perf_counter() - started
            for dependent in self._plugins.dependents(name):
                with contextlib.suppress(LoadError):
                    self.reload(dependent)
        return took

    def _reload_one(self, name: str) -> None:
        old = self._plugins.record(name)
        moved = old.state is State.ACTIVE and old.lifecycle.move_if(
            State.RELOADING, "a new version is being built"
        )
        if not moved:
            msg = f"is {old.state.value}; only an active plugin reloads"
            raise LoadError(name, msg)
        try:
            new = self._new_version(old)
            self._hand_over(old, new)
        except _Refused as exc:
            failure = exc.failure
            # Unless it failed or was quarantined meanwhile: that stands.
            old.lifecycle.move_if(State.ACTIVE, f"reload refused: {failure}")
            self._refused(old, failure)
            raise ReloadError(
                name, failure.message, failure.location
            ) from None
        self._swap(old, new)
        if old.lifecycle.move_if(State.ACTIVE, "reloaded") is None:
            raise self._overtaken(old, new)
        self._events.emit(
            "plugin.reloaded", {"plugin": name, "root": str(old.root)}
        )

    def _new_version(self, old: PluginRecord) -> PluginRecord:
        manifest = self._read_manifest(old)
        new = PluginRecord(
            old.name,
            old.root,
            old.lifecycle,  # one history across versions
            self._security.on_violation,
            manifest,
        )
        new.stats = old.stats  # counters carry on across versions
        new.log = old.log
        try:
            self._loading.build(new)
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
        return self._loading.policed(manifest)

    def _hand_over(self, old: PluginRecord, new: PluginRecord) -> None:
        """
        Move the old version's state into the new one and activate it.
        """
        try:
            state = self._exported(old)
        except _Refused:
            self._discard(new)
            raise
        try:
            if new.remote is None:
                call_method(new, "import_state", state)
                call_method(new, "on_activate")
            else:  # activated in its worker already: state follows
                message = {"op": "import_state", "state": state}
                self._tier.forward(new, f"{new.name}.import_state", message)
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
                state = self._tier.forward(old, where, message)
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
            self._tier.register(new, fresh)
        else:
            fresh.register(new)
        self._records[old.name] = new
        self._plugins.registry.take_over(fresh, old.name)
        self._discard(old)

    def _overtaken(self, old: PluginRecord, new: PluginRecord) -> ReloadError:
        """
        The plugin failed or was quarantined while its new version was
        built: that outcome stands, and the new version stops with it.
        """
        new.last_error = old.last_error  # so that a restart can follow
        self._plugins.unregister(new)
        failure = old.last_error or Failure(f"it is {old.state.value}")
        self._refused(old, failure)
        return ReloadError(old.name, failure.message, failure.location)

    @staticmethod
    def _discard(record: PluginRecord) -> None:
        # Calls still running on it hold what they need; closing only
        # drops the host's references.  A worker closes once the calls
        # using it are done.
        if record.remote is not None:
            record.remote.retire()
        if record.sandbox is not None:
            record.sandbox.close()

    def _refused(self, record: PluginRecord, failure: Failure) -> None:
        lines = excerpt(failure.location)
        shown = "".join(f"\n    {line}" for line in lines)
        _log.warning("reload of %s refused: %s%s", record.name, failure, shown)
        record.log.append(f"ERROR: reload refused: {failure}")
        self._events.emit(
            "plugin.reload_failed",
            {
                "plugin": record.name,
                "message": failure.message,
                "location": failure.location,
                "kind": failure.kind,
                "excerpt": lines,
            },
        )
