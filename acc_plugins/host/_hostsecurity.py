"""
The host's security duties: consent (effective grants), the outside-world
capabilities, the audit trail, and quarantine.

``PluginHost`` inherits these; they are kept apart because each is a
policy decision, and together they would drown the lifecycle code.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from acc_plugins.errors import BudgetExceeded, LoadError
from acc_plugins.security import AuditKind, AuditLog, Grants, Policy, Roots

from ._consent import GrantStore
from ._lifecycle import State
from ._loader import manifest_of
from ._outside import build_outside
from ._quarantine import QuarantineList
from ._record import Failure, failure_of


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from pathlib import Path

    from ._record import PluginRecord

_log = logging.getLogger("acc_plugins.host")


def _covered(permission: str, requested: set[str]) -> bool:
    """
    Whether the manifest asked for *permission*, itself or through a
    ``plugin.*`` entry (``host:tools:other.*`` covers
    ``host:tools:other.count``).
    """
    if permission in requested:
        return True
    head, dot, _ = permission.rpartition(".")
    return (
        permission.startswith("host:")
        and bool(dot)
        and (f"{head}.*" in requested)
    )


class HostSecurity:
    """
    Consent, capabilities, audit and quarantine for ``PluginHost``.
    """

    _data_dir: Path
    _workspace: Path
    _protected: tuple[Path, ...]
    _breach_limit: int
    _policy: Policy
    _records: dict[str, PluginRecord]
    _audit_log: AuditLog | None
    _grants_seen: dict[str, object] | None
    # First-sight grants not written yet, inside ``_grants_batched``.
    _grants_pending: dict[str, frozenset[str]] | None = None
    _quarantined: Mapping[str, object]

    def _record(self, name: str) -> PluginRecord:
        raise NotImplementedError  # provided by PluginHost

    def _unregister(self, record: PluginRecord) -> None:
        raise NotImplementedError  # provided by PluginHost

    # Provided by PluginHost (its lifecycle commands).
    _reload_record: Callable[[PluginRecord], None]

    @property
    def grant_store(self) -> GrantStore:
        """
        What the user granted each plugin (``grants.json`` in the data
        folder).
        """
        return GrantStore(self._data_dir / "grants.json", self.audit_log)

    def _effective_grants(self, record: PluginRecord) -> frozenset[str]:
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
    def _grants_batched(self) -> Iterator[None]:
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
                self._flush_grants()
            finally:
                self._grants_pending = None

    def _flush_grants(self) -> None:
        pending = self._grants_pending
        if pending:
            self.grant_store.grant_all(pending, by="first use")
            pending.clear()

    def permissions(self, name: str) -> dict[str, list[str]]:
        """
        A plugin's permissions: what it requests, what the user granted,
        what the administrator's policy blocks, and what it gets (requested
        and granted and not blocked).
        """
        record = self._record(name)
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
        Grant *permissions* to a plugin; they apply from its next load.
        """
        wanted = frozenset(permissions)
        self._grants_seen = None
        # The store writes the audit entry with the change, or neither.
        self.grant_store.grant(self._record(name).name, wanted)

    def revoke(self, name: str, permissions: Iterable[str]) -> None:
        """
        Revoke *permissions* from a plugin; it loses them at its next load.
        """
        wanted = frozenset(permissions)
        self._grants_seen = None
        # The store writes the audit entry with the change, or neither.
        self.grant_store.revoke(self._record(name).name, wanted)

    def _outside(
        self, record: PluginRecord, effective: frozenset[str]
    ) -> dict[str, object]:
        manifest = manifest_of(record)
        assert record.sandbox is not None  # noqa: S101 -- created by the load
        data = self._data_dir / "plugins" / record.name
        data.mkdir(parents=True, exist_ok=True)
        # Roots resolves each path (symlinks included) itself.
        roots = Roots(
            workspace=self._workspace.absolute(),
            plugin=record.root.absolute(),
            data=data.absolute(),
        )
        grants = Grants.from_permissions(
            (p for p in manifest.permissions.all if p.canonical in effective),
            roots,
            plugin=record.name,
        )
        return build_outside(
            grants,
            output_bytes=manifest.limits.output_bytes,
            network_requests=manifest.limits.network_requests,
            fs_operations=manifest.limits.fs_operations,
            budget=record.sandbox.budget,
            on_denied=lambda permission: self._on_denied(
                record.name, permission
            ),
            protected=self._protected,
            allowed_within=(roots.data,),
        )

    @property
    def audit_log(self) -> AuditLog:
        """
        The tamper-evident audit trail, under the data folder.
        """
        if self._audit_log is None:
            self._audit_log = AuditLog(self._data_dir / "audit")
        return self._audit_log

    def _audit(self, what: AuditKind, plugin: str, **detail: object) -> None:
        try:
            self.audit_log.append(what, plugin, **detail)
        except (OSError, TypeError, ValueError):
            # The host keeps serving; the failure itself is logged loudly.
            _log.exception("cannot write the audit trail")

    def _on_violation(self, record: PluginRecord, exc: BaseException) -> None:
        failure = failure_of(exc, record.root)
        if isinstance(exc, BudgetExceeded):
            # Stopped, not broken: recorded, and the plugin keeps serving,
            # unless it keeps overrunning.
            self._audit(
                AuditKind.BUDGET,
                record.name,
                message=str(exc),
                location=failure.location,
            )
            if record.stats.breaches >= self._breach_limit:
                self._quarantine(
                    record,
                    f"{record.stats.breaches} budget breaches: {exc}",
                )
            return
        # A refused operation means the plugin tried something it must not
        # do: it is quarantined until an administrator releases it.
        record.stats.violations += 1
        self._audit(
            AuditKind.VIOLATION,
            record.name,
            message=failure.message,
            location=failure.location,
        )
        record.last_error = failure
        self._quarantine(record, f"sandbox violation: {failure}")

    def _on_denied(self, plugin: str, permission: str) -> None:
        self._audit(AuditKind.DENIAL, plugin, permission=permission)
        record = self._records.get(plugin)
        if record is None or record.manifest is None:
            return
        record.stats.denials += 1
        requested = {p.canonical for p in record.manifest.permissions.all}
        if not _covered(permission, requested):
            # Reaching for a capability the manifest never declared is not
            # a mistake an honest plugin makes.
            self._quarantine(
                record, f"used a capability it never requested: {permission}"
            )

    def _quarantine(self, record: PluginRecord, reason: str) -> None:
        if record.state in {State.QUARANTINED, State.UNLOADED}:
            return
        self.quarantine_list.add(record.name, reason)
        self._audit(AuditKind.QUARANTINE, record.name, reason=reason)
        self._unregister(record)
        if record.sandbox is not None:
            record.sandbox.close()
        if record.last_error is None:
            record.last_error = Failure(reason, kind="Quarantined")
        record.lifecycle.move(State.QUARANTINED, reason)
        _log.info("plugin %s quarantined: %s", record.name, reason)

    @property
    def quarantine_list(self) -> QuarantineList:
        """
        The plugins this host (and every host sharing its data folder)
        will not load until they are released.
        """
        return QuarantineList(self._data_dir / "quarantine.json")

    def release(self, name: str) -> None:
        """
        Take a plugin out of quarantine and load it again.

        Raises:
            LoadError: If it is not quarantined, or fails to load.
        """
        record = self._record(name)
        was_listed = self.quarantine_list.remove(name)
        if record.state is not State.QUARANTINED:
            if was_listed:
                return
            msg = f"is {record.state.value}, not quarantined"
            raise LoadError(name, msg)
        self._audit(AuditKind.RELEASE, name)
        record.lifecycle.move(State.DISCOVERED, "released from quarantine")
        self._reload_record(record)
