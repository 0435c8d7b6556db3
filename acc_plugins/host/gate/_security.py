"""
The host's security part: admission by the policy, consent (effective
grants), the outside-world capabilities a plugin is built with, how
violations and denials are judged, and quarantine.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from acc_plugins.errors import BudgetExceeded, LoadError, PermissionDenied
from acc_plugins.host.capabilities._http import send_urllib
from acc_plugins.host.capabilities._observed import observed_grants
from acc_plugins.host.capabilities._outside import build_outside
from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loader import manifest_of
from acc_plugins.host.core._record import Failure, failure_of
from acc_plugins.security import AuditKind, Grants, Policy, Roots

from ._admission import Admission
from ._consent import GrantStore
from ._quarantine import QuarantineList, release_audited
from ._requested import was_requested


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from pathlib import Path

    from acc_plugins.host.capabilities._http import HttpTransport
    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord

    from ._trail import AuditTrail

_log = logging.getLogger("acc_plugins.host")


class Security:
    """
    Consent, capabilities, violations and quarantine.

    Args:
        plugins: The host's plugins.

        trail: Where every decision is audited.

        data_dir: The host's data folder (grants, quarantine, plugin data).

        workspace: What ``${workspace}`` means in filesystem permissions.

        policy: The administrator's policy.

        breach_limit: After this many budget breaches a plugin is
            quarantined.

        protected: Folders no filesystem grant may cover.

        locate: A registry's location by name (for the policy's
            ``[registries]`` rule at load).

        http: Sends the plugins' HTTP requests once they are checked;
            the standard library by default.

        on_used: Told ``(plugin, permission)`` of every use a grant
            allowed, with the narrowest permission it needed; None (the
            default) observes nothing.

    Attributes:
        admission: The policy's verdict on each plugin before it loads.
    """

    def __init__(
        self,
        plugins: Plugins,
        trail: AuditTrail,
        *,
        data_dir: Path,
        workspace: Path,
        policy: Policy,
        breach_limit: int,
        protected: tuple[Path, ...],
        locate: Callable[[str], str | None] = lambda _: None,
        http: HttpTransport | None = None,
        on_used: Callable[[str, str], None] | None = None,
    ) -> None:
        self._plugins = plugins
        self._trail = trail
        self._data_dir = data_dir
        self._workspace = workspace
        self._policy = policy
        self._breach_limit = breach_limit
        self._protected = protected
        self._http = send_urllib if http is None else http
        self._on_used = on_used
        self.admission = Admission(policy, trail, locate)
        # The grants file as read at this start (None: read it again).
        self._grants_seen: dict[str, object] | None = None
        # First-sight grants not written yet, inside ``batched``.
        self._grants_pending: dict[str, frozenset[str]] | None = None
        # Plugins being quarantined now, by another thread perhaps.
        self._quarantining: set[str] = set()
        self._claims = threading.Lock()
        # The quarantine list as read by the last survey.
        self.quarantined: Mapping[str, object] = {}

    def __repr__(self) -> str:
        return f"<Security data_dir={self._data_dir}>"

    @property
    def grant_store(self) -> GrantStore:
        """
        What the user granted each plugin (``grants.json`` in the data
        folder).
        """
        return GrantStore(self._data_dir / "grants.json", self._trail.log)

    def effective_grants(self, record: PluginRecord) -> frozenset[str]:
        """
        What *record* may use: requested, granted and not blocked by the
        policy.  The first sight of a plugin grants what it requests.
        """
        requested = frozenset(
            p.canonical for p in manifest_of(record).permissions.all
        )
        if self._grants_seen is None:  # read the file once per start
            self._grants_seen = self.grant_store.read()
        held = self._grants_seen.get(record.name)
        granted = frozenset(held) if isinstance(held, list) else None
        if granted is None:
            # First sight of this plugin: installing it consented to what it
            # asks for now.  Later additions are never granted silently.
            pending = self._grants_pending
            if pending is not None:  # written once, when the batch ends
                pending[record.name] = requested
                granted = requested
            else:  # the store audits it
                granted = self.grant_store.grant(
                    record.name, requested, by="first use"
                )
            self._grants_seen[record.name] = sorted(granted)
        return frozenset(
            p for p in requested & granted if self._policy.permits(p)
        )

    @contextlib.contextmanager
    def batched(self) -> Iterator[None]:
        """
        Write the first-sight grants made inside in one go, at the end
        (or before a worker reads the file): a first start of many plugins
        rewrites the file once, not once per plugin.
        """
        self._grants_pending = {}
        try:
            yield
        finally:
            try:
                self.flush()
            finally:
                self._grants_pending = None

    def flush(self) -> None:
        """
        Write the first-sight grants of the batch so far.
        """
        pending = self._grants_pending
        if pending:
            self.grant_store.grant_all(pending, by="first use")
            pending.clear()

    def permissions(self, name: str) -> dict[str, list[str]]:
        """
        A plugin's permissions: requested, granted, blocked by policy, and
        effective.
        """
        record = self._plugins.record(name)
        requested = {p.canonical for p in manifest_of(record).permissions.all}
        granted = self.grant_store.granted(name) or frozenset()
        blocked = {p for p in requested if not self._policy.permits(p)}
        return {
            "requested": sorted(requested),
            "granted": sorted(granted),
            "blocked by policy": sorted(blocked),
            "effective": sorted((requested & granted) - blocked),
        }

    def grant(self, name: str, permissions: Iterable[str]) -> None:
        """
        Grant *permissions* to a plugin, from its next load.
        """
        wanted = frozenset(permissions)
        self._grants_seen = None
        # The store writes the audit entry with the change, or neither.
        self.grant_store.grant(self._plugins.record(name).name, wanted)

    def revoke(self, name: str, permissions: Iterable[str]) -> None:
        """
        Revoke *permissions* from a plugin, from its next load.
        """
        wanted = frozenset(permissions)
        self._grants_seen = None
        # The store writes the audit entry with the change, or neither.
        self.grant_store.revoke(self._plugins.record(name).name, wanted)

    def grants(
        self, record: PluginRecord, effective: frozenset[str]
    ) -> Grants:
        """
        The ``Grants`` the capabilities of *record* check, for its
        *effective* permissions (observed, if the host has an observer).
        """
        roots = self._roots(record)
        roots.data.mkdir(parents=True, exist_ok=True)
        declared = manifest_of(record).permissions.all
        held = [p for p in declared if p.canonical in effective]
        return observed_grants(record.name, roots, held, self._on_used)

    def outside(
        self, record: PluginRecord, effective: frozenset[str]
    ) -> dict[str, object]:
        """
        The outside-world capabilities (files, environment, network,
        processes) *record* is built with, for its *effective* grants.
        """
        manifest = manifest_of(record)
        assert record.sandbox is not None  # noqa: S101 -- created by the load
        grants = self.grants(record, effective)
        return build_outside(
            grants,
            output_bytes=manifest.limits.output_bytes,
            network_requests=manifest.limits.network_requests,
            fs_operations=manifest.limits.fs_operations,
            budget=record.sandbox.budget,
            on_denied=lambda permission: self.on_denied(
                record.name, permission
            ),
            protected=self._protected,
            allowed_within=(grants.roots.data,),
            send=self._http,
        )

    def _roots(self, record: PluginRecord) -> Roots:
        # Roots resolves each path (symlinks included) itself.
        data = self._data_dir / "plugins" / record.name
        return Roots(
            workspace=self._workspace.absolute(),
            plugin=record.root.absolute(),
            data=data.absolute(),
        )

    def on_violation(self, record: PluginRecord, exc: BaseException) -> None:
        """
        Judge what stopped a call: a budget breach is recorded (and
        quarantines past the limit); a refused operation quarantines.
        """
        failure = failure_of(exc, record.root)
        if isinstance(exc, BudgetExceeded):
            # Stopped, not broken: recorded, and the plugin keeps serving,
            # unless it keeps overrunning.
            self._trail.record(
                AuditKind.BUDGET,
                record.name,
                message=str(exc),
                location=failure.location,
            )
            if record.stats.breaches >= self._breach_limit:
                self.quarantine(
                    record,
                    f"{record.stats.breaches} budget breaches: {exc}",
                )
            return
        # A refused operation means the plugin tried something it must not
        # do: it is quarantined until an administrator releases it.
        record.stats.violations += 1
        self._trail.record(
            AuditKind.VIOLATION,
            record.name,
            message=failure.message,
            location=failure.location,
        )
        record.last_error = failure
        self.quarantine(record, f"sandbox violation: {failure}")

    def on_used(self, plugin: str, permission: str) -> None:
        """
        Tell the observer, if there is one, that a grant allowed *plugin*
        a use that needed *permission*.
        """
        if self._on_used is not None:
            self._on_used(plugin, permission)

    def on_denied(self, plugin: str, permission: str) -> None:
        """
        Audit a denied capability; reaching for one the manifest never
        declared quarantines.
        """
        self._trail.record(AuditKind.DENIAL, plugin, permission=permission)
        record = self._plugins.records.get(plugin)
        if record is None or record.manifest is None:
            return
        record.stats.denials += 1
        requested = record.manifest.permissions.all
        if not was_requested(permission, requested, self._roots(record)):
            # Reaching for a capability the manifest never declared is not
            # a mistake an honest plugin makes.
            self.quarantine(
                record, f"used a capability it never requested: {permission}"
            )

    def require(
        self, record: PluginRecord, granted: frozenset[str], permission: str
    ) -> None:
        """
        Raises:
            PermissionDenied: If *permission* is not in *granted* (the
                denial is judged as ``on_denied`` does).
        """
        if permission not in granted:
            self.on_denied(record.name, permission)
            raise PermissionDenied(record.name, permission)

    def quarantine(self, record: PluginRecord, reason: str) -> None:
        """
        Take a plugin out of service until an administrator releases it,
        here and in every host that shares the data folder.
        """
        # The first of racing threads does it; the others return (no
        # second list write or audit entry).  The lock is held for the
        # claim only: quarantining may wait on the plugin's worker.
        with self._claims:
            if record.state in {State.QUARANTINED, State.UNLOADED} or (
                record.name in self._quarantining
            ):
                return
            self._quarantining.add(record.name)
        try:
            self.quarantine_list.add(record.name, reason)
            self._trail.record(
                AuditKind.QUARANTINE, record.name, reason=reason
            )
            self._plugins.unregister(record)
            if record.sandbox is not None:
                record.sandbox.close()
            if record.last_error is None:
                record.last_error = Failure(reason, kind="Quarantined")
            if record.lifecycle.move_if(State.QUARANTINED, reason) is None:
                return  # it left service another way meanwhile
        finally:
            with self._claims:
                self._quarantining.discard(record.name)
        _log.info("plugin %s quarantined: %s", record.name, reason)

    @property
    def quarantine_list(self) -> QuarantineList:
        """
        The plugins no host sharing this data folder will load.
        """
        return QuarantineList(self._data_dir / "quarantine.json")

    def release(
        self, name: str, *, reload: Callable[[PluginRecord], None]
    ) -> None:
        """
        Take a plugin out of quarantine and *reload* it.

        Raises:
            LoadError: If it is not quarantined, or fails to load.
        """
        record = self._plugins.record(name)
        held = record.state is State.QUARANTINED
        if not held and name not in self.quarantine_list.entries():
            msg = f"is {record.state.value}, not quarantined"
            raise LoadError(name, msg)
        release_audited(self.quarantine_list, self._trail.log, name, by="api")
        # Unless another thread released it first.
        if held and record.lifecycle.move_if(
            State.DISCOVERED, "released from quarantine"
        ):
            reload(record)
