"""
``PluginHost``: composes discovery, resolution, the sandbox, the lifecycle
and dispatch.  It parses nothing itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import attrs
import platformdirs
from packaging.version import Version

from acc_plugins.errors import (
    ManifestError,
    PluginCallError,
    PluginNotFoundError,
)
from acc_plugins.manifest import IsolationMode, load_manifest
from acc_plugins.sandbox import BytecodeCache
from acc_plugins.security import AuditKind, AuditLog, Policy, Severity

from ._allowance import Allowance
from ._commands import HostCommands
from ._config import CONFIG_NAME, ConfigFile, Layers, SecretStore
from ._configshare import HostConfigShare
from ._context import Capabilities, build_context
from ._discovery import MANIFEST_NAME, default_paths, discover
from ._events import EventBus
from ._hostcalls import HostCalls
from ._hostconfig import HostConfig
from ._hostisolation import HostIsolation
from ._hostsecurity import HostSecurity
from ._lifecycle import Lifecycle, State, Transition
from ._loader import (
    call_method,
    construct,
    load_entry_class,
    manifest_of,
)
from ._order import ActiveOrder
from ._prompts import HostPrompts
from ._record import (
    Failure,
    PluginInfo,
    PluginRecord,
    ToolInfo,
    failure_of,
    root_cause,
)
from ._registration import sdk_members
from ._registry import Registry
from ._reload import HostReload
from ._resolve import Node, resolve
from ._scangate import scan_gate
from ._stats import PluginStats
from ._stats import save as save_stats
from ._storage import KeyValueStore
from ._toolevents import HostToolEvents


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from acc_plugins.manifest import Manifest
    from acc_plugins.sdk import Event

    from ._claude import ClaudeProvider


_log = logging.getLogger("acc_plugins.host")
_EVENT_NAMES = {State.ACTIVE: "activated"}
_MAX_EVENT_DEPTH = 8


def _library_version() -> Version:
    import acc_plugins  # noqa: PLC0415 -- the version is resolved lazily

    return Version(acc_plugins.__version__)


class PluginHost(
    # First: its methods replace the stubs the other mixins declare.
    HostCommands,
    HostCalls,
    HostSecurity,
    HostIsolation,
    HostPrompts,
    HostReload,
    HostConfig,
    HostConfigShare,
    HostToolEvents,
):
    """
    Discovers, loads and runs sandboxed plugins, and dispatches calls to
    their tools, agents, workflows and hooks.

    Args:
        paths: Folders to search for plugins; each holds plugin folders or
            is one.  By default the user plugin folder and
            ``./.acc/plugins``.

        claude: The application's Claude capability, offered to plugins
            granted ``host:claude.query``.

        cache_dir: Where compiled plugin code is cached.

        data_dir: Where plugin storage lives.

        settings: Setting values per plugin, over the configuration files
            (only the policy's enforced values rank higher).

        config_dir: Where the user's ``config.toml`` lives; by default
            ``ACC_PLUGINS_CONFIG_DIR``, else the user config folder.  The project's is
            ``<workspace>/.acc/config.toml``.

        scan_threshold: Plugins whose code the static scanner rates at this
            severity or above are not loaded; None turns the scan off.

        workspace: What ``${workspace}`` means in filesystem permissions;
            the current directory by default.

        breach_limit: After this many budget breaches a plugin is
            quarantined.

        tool_fallback: Called with ``(name, arguments)`` for a tool this
            host does not have (an isolated worker asks its host this way).

        policy: The administrator's policy: which permissions may be
            granted at all, a tier every plugin must run in, and scan and
            quarantine thresholds that override the two arguments above.

    Use it as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        paths: Iterable[str | Path] | None = None,
        *,
        claude: ClaudeProvider | None = None,
        cache_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        settings: Mapping[str, Mapping[str, object]] | None = None,
        scan_threshold: Severity | None = Severity.CRITICAL,
        workspace: str | Path | None = None,
        breach_limit: int = 5,
        tool_fallback: Callable[[str, dict[str, object]], object]
        | None = None,
        policy: Policy | None = None,
        config_dir: str | Path | None = None,
    ) -> None:
        self._paths = (
            [Path(p) for p in paths] if paths is not None else default_paths()
        )
        self._claude = claude
        self._cache = BytecodeCache(
            Path(cache_dir)
            if cache_dir is not None
            else platformdirs.user_cache_path("acc-plugins", appauthor=False)
            / "bytecode"
        )
        self._data_dir = (
            Path(data_dir)
            if data_dir is not None
            else platformdirs.user_data_path("acc-plugins", appauthor=False)
        )
        self._settings = {k: dict(v) for k, v in (settings or {}).items()}
        self._policy = policy if policy is not None else Policy()
        self._scan_threshold = (
            self._policy.scan_blocks
            if self._policy.scan_blocks is not None
            else scan_threshold
        )
        self._breach_limit = self._policy.breach_limit or breach_limit
        self._tool_fallback = tool_fallback
        self._workspace = (
            Path(workspace) if workspace is not None else Path.cwd()
        )
        # The host's own folders, which no filesystem grant may cover.
        self._grants_seen: dict[str, object] | None = None
        self._quarantined: Mapping[str, object] = {}
        self._protected = (
            self._cache.directory.resolve(),
            self._data_dir.resolve(),
            Path(__file__).resolve().parent.parent,  # the library itself
        )
        self._audit_log: AuditLog | None = None
        self._store: KeyValueStore | None = None
        self._records: dict[str, PluginRecord] = {}
        self._order = ActiveOrder(self._records)
        self._registry = Registry()
        self._tools = self._registry.tools
        self._calls = self._registry.calls  # the hot path reads it directly
        self._events = EventBus()
        self._event_routes = {}
        self._events.forward = self._forward
        self._events.on_subscribe = self._plugins_changed
        self._registry.on_change = self._plugins_changed
        self._registry.on_take_over = self._order.refresh
        self._reload_lock = threading.RLock()
        self._watchers = []
        user_config = (
            Path(config_dir)
            if config_dir is not None
            else Path(os.environ["ACC_PLUGINS_CONFIG_DIR"])
            if os.environ.get("ACC_PLUGINS_CONFIG_DIR")
            else platformdirs.user_config_path("acc-plugins", appauthor=False)
        )
        self._layers = Layers(
            (
                ConfigFile(user_config / CONFIG_NAME),
                ConfigFile(self._workspace / ".acc" / CONFIG_NAME),
            ),
            SecretStore(self._data_dir / "secrets.json"),
            self._policy.settings,
        )
        self._config_read = None
        self._sdk = sdk_members()

    def __repr__(self) -> str:
        active = sum(r.state is State.ACTIVE for r in self._records.values())
        return f"<acc_plugins.PluginHost(plugins={len(self._records)}, active={active})>"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- observation ------------------------------------------------------

    @property
    def cache(self) -> BytecodeCache:
        """
        The bytecode cache, with its hit and miss counters.
        """
        return self._cache

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Receive every event, host and plugin, including each lifecycle
        transition (``plugin.loaded``, ``plugin.activated``, ``plugin.error``,
        ...); *listener* runs in the host, unsandboxed.
        """
        self._events.subscribe(listener)

    def plugins(self) -> list[PluginInfo]:
        """
        A snapshot of every plugin found, in discovery order.
        """
        return [PluginInfo.of(r) for r in self._records.values()]

    def info(self, name: str) -> PluginInfo:
        """
        A snapshot of one plugin.

        Raises:
            PluginNotFoundError: If no plugin has that name.
        """
        return PluginInfo.of(self._record(name))

    def state(self, name: str) -> State:
        """
        The lifecycle state of one plugin.
        """
        return self._record(name).state

    def stats(self) -> list[PluginStats]:
        """
        What each plugin has cost in this host: calls, errors, budget
        breaches, denials, sandbox refusals, time, and p50/p99 latency of
        its recent calls.
        """
        return [PluginStats.of(r) for r in self._records.values()]

    def tools(self) -> list[ToolInfo]:
        """
        Every callable tool, sorted by name.
        """
        return [
            ToolInfo(name, entry.description, entry.signature.schema())
            for name, entry in sorted(self._tools.items())
        ]

    def agents(self) -> list[str]:
        """
        Every registered agent's namespaced name, sorted.
        """
        return sorted(self._registry.agents)

    def workflows(self) -> list[str]:
        """
        Every registered workflow's namespaced name, sorted.
        """
        return sorted(self._registry.workflows)

    def _record(self, name: str) -> PluginRecord:
        try:
            return self._records[name]
        except KeyError:
            raise PluginNotFoundError(
                name, f"no plugin named {name!r}"
            ) from None

    # -- loading ----------------------------------------------------------

    def start(self) -> None:
        """
        Discover every plugin, resolve dependencies, load and activate.

        A plugin that fails at any step moves to ``error``; the others go
        on.  Never raises because of a plugin.
        """
        with self._grants_batched():
            for name in self.survey():
                record = self._records[name]
                if not self._enabled(name):
                    record.lifecycle.move(
                        State.DEACTIVATED, "disabled in the configuration"
                    )
                elif self._load(record):
                    self._activate(record)

    def survey(self) -> list[str]:
        """
        Discover every plugin and read its manifest and configuration,
        without running any plugin code: enough to inspect and configure
        plugins (what the ``config`` commands need).  ``start`` does this
        first.

        Returns:
            The plugins that could be loaded, in dependency order.
        """
        nodes: dict[str, Node] = {}
        self._quarantined = self.quarantine_list.entries()  # read once
        for root in discover(self._paths):
            record = self._admit(root)
            if record is not None and record.manifest is not None:
                manifest = record.manifest
                nodes[record.name] = Node(
                    manifest.plugin.version,
                    [(d.name, d.specifier) for d in manifest.dependencies],
                )
        resolution = resolve(nodes)
        for name, error in sorted(resolution.failures.items()):
            self._fail(
                self._records[name],
                Failure(str(error).split(": ", 1)[-1], kind="DependencyError"),
            )
        self._read_config()
        return list(resolution.order)

    def _admit(self, root: Path) -> PluginRecord | None:
        try:
            manifest = load_manifest(root / MANIFEST_NAME)
        except ManifestError as exc:
            record = self._new_record(root.name, root)
            self._fail(
                record,
                Failure(
                    "; ".join(exc.problems), str(exc.path), "ManifestError"
                ),
            )
            return None
        name = manifest.plugin.name
        if name in self._records:
            other = self._records[name].root
            record = self._new_record(f"{name}@{root}", root)
            self._fail(
                record,
                Failure(
                    f"a plugin named {name!r} is already loaded from {other}",
                    kind="LoadError",
                ),
            )
            return None
        record = self._new_record(name, root, self._policed(manifest))
        held = self._quarantined.get(name)
        if isinstance(held, dict):
            reason = str(held.get("reason", "quarantined"))
            record.last_error = Failure(reason, kind="Quarantined")
            record.lifecycle.move(State.QUARANTINED, reason)
            return None
        wanted = manifest.plugin.requires_acc
        if wanted is not None and not wanted.contains(
            _library_version(), prereleases=True
        ):
            self._fail(
                record,
                Failure(
                    f"requires acc-plugins {wanted}, this is {_library_version()}",
                    kind="LoadError",
                ),
            )
            return None
        return record

    def _policed(self, manifest: Manifest) -> Manifest:
        # The policy's ceilings are part of the manifest from here on:
        # every budget, in-process or in a worker, reads them.
        limits = self._policy.clamp(manifest.limits)
        if limits is manifest.limits:
            return manifest
        return attrs.evolve(manifest, limits=limits)

    def _new_record(
        self, name: str, root: Path, manifest: Any = None
    ) -> PluginRecord:
        record = PluginRecord(
            name,
            root,
            Lifecycle(name, self._on_transition),
            self._on_violation,
            manifest,
        )
        self._records[name] = record
        return record

    def _load(self, record: PluginRecord) -> bool:
        try:
            self._build(record)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 -- contain any plugin failure
            failure = failure_of(root_cause(exc), record.root, record.sandbox)
            self._fail(record, failure)
            return False
        how = "worker started" if record.remote else "compiled and executed"
        record.lifecycle.move(State.LOADED, how)
        return True

    def _isolated(self, record: PluginRecord) -> bool:
        manifest = manifest_of(record)
        isolation = self._policy.isolation or manifest.plugin.isolation
        return isolation is IsolationMode.SUBPROCESS and self._spawns_workers

    def _build(self, record: PluginRecord) -> None:
        """
        Scan, compile, run and instantiate the plugin (or start its
        worker), leaving its lifecycle alone.

        Raises:
            BaseException: Whatever stopped it.
        """
        manifest = manifest_of(record)
        record.settings = self._values_of(record)
        try:
            sources = scan_gate(record, self._cache, self._scan_threshold)
            if self._isolated(record):
                self._load_isolated(record)
                return
            cls = load_entry_class(
                record,
                cache=self._cache,
                sdk=self._sdk,
                # Audited, not a violation: catching it is the
                # optional-dependency idiom.
                on_refused_import=lambda refused: self._audit(
                    AuditKind.DENIAL,
                    record.name,
                    permission=f"import:{refused.module}",
                    location=refused.message,
                ),
                sources=sources,
            )
        finally:
            self._cache.forget_parsed()
        effective = self._effective_grants(record)
        outside = self._outside(record, effective)
        assert record.sandbox is not None  # noqa: S101 -- loaded above
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
        )
        construct(record, cls, context)

    @property
    def storage(self) -> KeyValueStore:
        """
        The plugins' key-value storage (``storage.sqlite3`` in the data
        folder): ``usage(name)`` and ``purge(name)`` for administrators.
        """
        if self._store is None:
            self._store = KeyValueStore(self._data_dir / "storage.sqlite3")
        return self._store

    def _capabilities(self) -> Capabilities:
        return Capabilities(
            store=self.storage,
            claude=self._claude,
            emit=lambda name, payload, source: self.emit(
                name, payload, source=source
            ),
            call_tool=lambda name, arguments, _caller: self.call_tool(
                name, **arguments
            ),
            denied=self._on_denied,
        )

    def _activate(self, record: PluginRecord) -> bool:
        manifest = record.manifest
        assert manifest is not None  # noqa: S101 -- only loaded plugins
        for dep in manifest.dependencies:
            other = self._records.get(dep.name)
            if other is None or other.state is not State.ACTIVE:
                state = other.state.value if other else "missing"
                self._fail(
                    record,
                    Failure(
                        f"dependency {dep.name!r} is {state}",
                        kind="DependencyError",
                    ),
                )
                return False
        if record.remote is not None:  # activated in its worker already
            self._register_isolated(record)
            record.lifecycle.move(State.ACTIVE, "activated in its worker")
            self._order.append(record.name)
            self._routes_changed()
            return True
        try:
            call_method(record, "on_activate")
        except PluginCallError as exc:
            self._fail(record, record.last_error or Failure(str(exc)))
            return False
        self._registry.register(record)
        record.lifecycle.move(State.ACTIVE, "activated")
        self._order.append(record.name)
        self._routes_changed()
        return True

    def _unregister(self, record: PluginRecord) -> None:
        self._registry.unregister(record.name)
        if record.remote is not None:
            record.remote.close()
            record.remote = None
        with contextlib.suppress(ValueError):
            self._order.remove(record.name)
        self._routes_changed()

    def _fail(self, record: PluginRecord, failure: Failure) -> None:
        if record.state is State.QUARANTINED:
            record.last_error = record.last_error or failure
            return
        self._audit(
            AuditKind.ERROR,
            record.name,
            message=failure.message,
            location=failure.location,
            error=failure.kind,
        )
        record.last_error = failure
        self._unregister(record)
        if record.sandbox is not None:
            record.sandbox.close()
        if record.state is not State.ERROR:
            record.lifecycle.move(State.ERROR, str(failure))
        _log.info("plugin %s failed: %s", record.name, failure)

    def _plugins_changed(self) -> None:
        self._routes_changed()
        self._refresh_tool_events()

    def _on_transition(self, transition: Transition) -> None:
        record = self._records.get(transition.plugin)
        if record is not None and self._order.note(record):
            # A worker's hooks wait for events while it is in error; the
            # other routes change with the activation order and registry.
            self._routes_changed()
        payload = {
            "plugin": transition.plugin,
            "from": transition.source.value,
            "to": transition.target.value,
            "reason": transition.reason,
        }
        # Events name what happened: "activated" reads better than "active".
        what = _EVENT_NAMES.get(transition.target, transition.target.value)
        self.emit(f"plugin.{what}", payload)

    def stop(self) -> None:
        """
        Deactivate every plugin (dependents first) and unload them all.
        """
        while self._watchers:
            self._watchers.pop().stop()
        for name in reversed(list(self._order)):
            self.deactivate(name)
        for record in self._records.values():
            if record.sandbox is not None:
                record.sandbox.close()
            if record.state in {
                State.DEACTIVATED,
                State.LOADED,
                State.ERROR,
                State.DISCOVERED,
            }:
                record.lifecycle.move(State.UNLOADED, "host stopped")
        save_stats(self._data_dir / "stats.json", self.stats())
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- dispatch ---------------------------------------------------------
