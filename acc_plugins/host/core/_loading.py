"""
The host's lifecycle part: discover plugins, admit them, resolve their
dependencies, build each one (scan, compile, run, construct) and activate
it, moving each record through its state machine and emitting an event at
every step.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import attrs
from packaging.version import Version

from acc_plugins.errors import ManifestError, PluginCallError
from acc_plugins.host.gate._scangate import scan_gate
from acc_plugins.manifest import IsolationMode, load_manifest
from acc_plugins.security import AuditKind

from ._discovery import MANIFEST_NAME, discover
from ._lifecycle import Lifecycle, State, Transition
from ._loader import call_method, load_entry_class, manifest_of
from ._record import Failure, PluginRecord, failure_of, root_cause
from ._registration import sdk_members
from ._resolve import Node, resolve
from ._stats import PluginStats
from ._stats import save as save_stats


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from acc_plugins.host.capabilities._contexts import Contexts
    from acc_plugins.host.capabilities._storage import KeyValueStore
    from acc_plugins.host.config._configuration import Configuration
    from acc_plugins.host.events._routing import Events
    from acc_plugins.host.gate._security import Security
    from acc_plugins.host.gate._trail import AuditTrail
    from acc_plugins.host.isolation._tier import IsolatedTier
    from acc_plugins.manifest import Manifest
    from acc_plugins.sandbox import BytecodeCache
    from acc_plugins.security import Policy, Severity

    from ._plugins import Plugins

_log = logging.getLogger("acc_plugins.host")
_EVENT_NAMES = {State.ACTIVE: "activated"}


def _library_version() -> Version:
    import acc_plugins  # noqa: PLC0415 -- the version is resolved lazily

    return Version(acc_plugins.__version__)


@attrs.frozen
class Folders:
    """
    Where a host finds plugins and keeps what it makes.

    Attributes:
        paths: The folders searched for plugins.

        cache: The compiled-code cache.

        data_dir: Plugin storage, grants, audit, statistics.
    """

    paths: list[Path]
    cache: BytecodeCache
    data_dir: Path


class Loading:
    """
    Brings plugins from their folders to ``active``.

    Args:
        plugins: The host's plugins.

        folders: Where plugins are found and their data is kept.

        security: Consent, capabilities and quarantine.

        configuration: Settings and enabled flags.

        tier: Workers for isolated plugins.

        events: Lifecycle events go out through it.

        trail: Refused optional imports are audited in it.

        policy: The administrator's policy (tiers and ceilings).

        scan_threshold: The scanner severity that refuses a plugin.

        settle: Cleans up after writers killed in an earlier run (before
            anything is read).

        contexts: Builds each plugin's ``self.ctx`` and constructs it.

    Attributes:
        provided: Plugins another host serves to this one, as resolved
            there: in a worker's host, its plugin's dependencies
            (``_served``).  They count as present and active.
    """

    def __init__(
        self,
        plugins: Plugins,
        folders: Folders,
        *,
        security: Security,
        configuration: Configuration,
        tier: IsolatedTier,
        events: Events,
        trail: AuditTrail,
        policy: Policy,
        scan_threshold: Severity | None,
        settle: Callable[[], None],
        contexts: Contexts,
    ) -> None:
        self._plugins = plugins
        self._records = plugins.records
        self._folders = folders
        self._security = security
        self._configuration = configuration
        self._tier = tier
        self._events = events
        self._trail = trail
        self._policy = policy
        self._scan_threshold = scan_threshold
        self._settle = settle
        self._contexts = contexts
        self._sdk = sdk_members()
        self.provided: Mapping[str, Node] = {}

    def __repr__(self) -> str:
        return f"<Loading paths={self._folders.paths}>"

    def start(self) -> None:
        """
        Discover every plugin, resolve dependencies, load and activate.
        """
        with self._security.batched():
            for name in self.survey():
                record = self._records[name]
                if not self._configuration.enabled(name):
                    record.lifecycle.move(
                        State.DEACTIVATED, "disabled in the configuration"
                    )
                elif self.load(record):
                    self.activate(record)

    def survey(self) -> list[str]:
        """
        Discover every plugin and read its manifest and configuration,
        without running plugin code.

        Returns:
            The plugins that could be loaded, in dependency order.
        """
        self._settle()
        nodes: dict[str, Node] = dict(self.provided)
        # Read once for the whole survey.
        self._security.quarantined = self._security.quarantine_list.entries()
        for root in discover(self._folders.paths):
            record = self.admit(root)
            if record is not None and record.manifest is not None:
                manifest = record.manifest
                nodes[record.name] = Node(
                    manifest.plugin.version,
                    [(d.name, d.specifier) for d in manifest.dependencies],
                )
        resolution = resolve(nodes)
        for name, error in sorted(resolution.failures.items()):
            self._plugins.fail(
                self._records[name],
                Failure(str(error).split(": ", 1)[-1], kind="DependencyError"),
            )
        self._configuration.read()
        self._security.admission.missing(self._records)
        return [n for n in resolution.order if n not in self.provided]

    def admit(self, root: Path) -> PluginRecord | None:
        """
        Read the manifest in *root* and make its record; a plugin that may
        not load gets a record in ``error`` or ``quarantined``.

        Returns:
            The record, or None if the plugin was refused.
        """
        try:
            manifest = load_manifest(root / MANIFEST_NAME)
        except ManifestError as exc:
            record = self._new_record(root.name, root)
            self._plugins.fail(
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
            self._plugins.fail(
                record,
                Failure(
                    f"a plugin named {name!r} is already loaded from {other}",
                    kind="LoadError",
                ),
            )
            return None
        record = self._new_record(name, root, self.policed(manifest))
        held = self._security.quarantined.get(name)
        if isinstance(held, dict):
            reason = str(held.get("reason", "quarantined"))
            record.last_error = Failure(reason, kind="Quarantined")
            record.lifecycle.move(State.QUARANTINED, reason)
            return None
        wanted = manifest.plugin.requires_acc
        if wanted is not None and not wanted.contains(
            _library_version(), prereleases=True
        ):
            self._plugins.fail(
                record,
                Failure(
                    f"requires acc-plugins {wanted}, this is {_library_version()}",
                    kind="LoadError",
                ),
            )
            return None
        return record

    def policed(self, manifest: Manifest) -> Manifest:
        """
        *manifest* under the policy's ceilings: every budget, in-process
        or in a worker, reads them from here on.
        """
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
            self._security.on_violation,
            manifest,
        )
        self._records[name] = record
        return record

    def load(self, record: PluginRecord) -> bool:
        """
        Build *record* and move it to ``loaded``, or to ``error``.
        """
        try:
            self.build(record)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 -- contain any plugin failure
            failure = failure_of(root_cause(exc), record.root, record.sandbox)
            self._plugins.fail(record, failure)
            return False
        how = "worker started" if record.remote else "compiled and executed"
        return self._enter(record, State.LOADED, how)

    def _enter(self, record: PluginRecord, target: State, reason: str) -> bool:
        """
        Move *record* on to *target*, unless its own code got it
        quarantined (or failed) on the way: then that stands, and what it
        registered goes.
        """
        if record.lifecycle.move_if(target, reason) is not None:
            return True
        self._plugins.unregister(record)
        return False

    def isolated(self, record: PluginRecord) -> bool:
        """
        Whether *record* runs in a worker of its own.
        """
        manifest = manifest_of(record)
        isolation = self._policy.isolation or manifest.plugin.isolation
        return isolation is IsolationMode.SUBPROCESS and self._tier.spawns

    def build(self, record: PluginRecord) -> None:
        """
        Scan, compile, run and instantiate the plugin (or start its
        worker), leaving its lifecycle alone.

        Raises:
            BaseException: Whatever stopped it.
        """
        self._security.admission.check(record)  # the policy, at every load
        record.settings = self._configuration.values_of(record)
        cache = self._folders.cache
        try:
            sources = scan_gate(record, cache, self._scan_threshold)
            if self.isolated(record):
                self._tier.load(record)
                return
            cls = load_entry_class(
                record,
                cache=cache,
                sdk=self._sdk,
                # Audited, not a violation: catching it is the
                # optional-dependency idiom.
                on_refused_import=lambda refused: self._trail.record(
                    AuditKind.DENIAL,
                    record.name,
                    permission=f"import:{refused.module}",
                    location=refused.message,
                ),
                sources=sources,
            )
        finally:
            cache.forget_parsed()
        self._contexts.construct(record, cls)

    @property
    def storage(self) -> KeyValueStore:
        """
        The plugins' key-value storage (opened on first use).
        """
        return self._contexts.storage

    def activate(self, record: PluginRecord) -> bool:
        """
        Activate a loaded plugin once its dependencies are active: its
        ``on_activate`` runs and what it offers is registered.
        """
        manifest = record.manifest
        assert manifest is not None  # noqa: S101 -- only loaded plugins
        for dep in manifest.dependencies:
            if dep.name in self.provided:  # active in the host serving it
                continue
            other = self._records.get(dep.name)
            if other is None or other.state is not State.ACTIVE:
                state = other.state.value if other else "missing"
                self._plugins.fail(
                    record,
                    Failure(
                        f"dependency {dep.name!r} is {state}",
                        kind="DependencyError",
                    ),
                )
                return False
        if record.remote is not None:  # activated in its worker already
            self._tier.register(record)
            if not self._enter(
                record, State.ACTIVE, "activated in its worker"
            ):
                return False
            self._plugins.activated(record)
            return True
        try:
            call_method(record, "on_activate")
        except PluginCallError as exc:
            self._plugins.fail(record, record.last_error or Failure(str(exc)))
            return False
        self._plugins.registry.register(record)
        if not self._enter(record, State.ACTIVE, "activated"):
            return False
        self._plugins.activated(record)
        return True

    def _on_transition(self, transition: Transition) -> None:
        record = self._records.get(transition.plugin)
        if record is not None and self._plugins.order.note(record):
            # A worker's hooks wait for events while it is in error; the
            # other routes change with the activation order and registry.
            self._events.changed()
        payload = {
            "plugin": transition.plugin,
            "from": transition.source.value,
            "to": transition.target.value,
            "reason": transition.reason,
        }
        # Events name what happened: "activated" reads better than "active".
        what = _EVENT_NAMES.get(transition.target, transition.target.value)
        self._events.emit(f"plugin.{what}", payload)

    def close(self) -> None:
        """
        Save the statistics and close the storage: the host stopped.
        """
        stats = [PluginStats.of(r) for r in self._records.values()]
        save_stats(self._folders.data_dir / "stats.json", stats)
        self._contexts.close()
