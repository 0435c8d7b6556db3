"""
Automatic updates: for every plugin installed from a registry, the
newest release the user's mode admits, reported (``notify``) or
installed through the `Installer` with exactly the grants the plugin
held, at most once a day, under the install root's lock.

Why so careful: nobody is watching when a host starts.  So an update
that would ask for anything the plugin was not granted and already
asking for is never installed here: it waits for ``acc-plugins update
NAME``, with the plain-language diff.  Every update, deferral and
failure is written to the audit trail.  And nothing here may stop the
host from starting: a registry that cannot be read is a warning, an
update that fails is put back by the installer and reported.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Final

import attrs
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import MarketplaceError, PluginError
from acc_plugins.security import AuditKind
from acc_plugins.security._updatemode import UpdateMode

from ._autochoice import newest_admitted
from ._autonote import Action, UpdateNote, UpdateRun
from ._autostamp import UpdateStamp
from ._candidate import from_fetched
from ._registry import RegistryUnavailableError
from ._sources import acc_version
from ._updatediff import Summary, diff


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.security import AuditLog

    from ._index import Listing, Release
    from ._installed import Installed
    from ._installer import Installer
    from ._registries import Registries
    from ._registry import RegistryClient
    from ._trust import TrustStore

_log = logging.getLogger("acc_plugins.market")
_BY: Final = "auto-update"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.define
class AutoUpdater:
    """
    Looks for, and installs, updates of the plugins in one install root.

    Args:
        installer: The installer over the install root (with its health
            check and the administrator's policy).

        registries: The user's registries.

        trust: The user's trusted keys.

        audit: The audit trail; by default the one the grants write to.

        clock: The current time (timezone-aware).

        lock_timeout: How long to wait for another run holding the
            install root's lock before giving up this time.
    """

    installer: Installer
    registries: Registries
    trust: TrustStore | None = None
    audit: AuditLog | None = None
    clock: Callable[[], dt.datetime] = _utc_now
    lock_timeout: float = 120.0
    _warnings: list[str] = attrs.field(factory=list, init=False)
    _reached: int = attrs.field(default=0, init=False)
    _unreachable: int = attrs.field(default=0, init=False)

    def run(self, mode: UpdateMode, *, force: bool = False) -> UpdateRun:
        """
        Check for updates if one is due (or *force*), and act as *mode*
        says; never raises for a registry, a plugin or the lock.
        """
        if mode is UpdateMode.OFF and not force:
            return UpdateRun(mode, ran=False)
        self._warnings = []
        self._reached = self._unreachable = 0
        stamp = UpdateStamp(self.installer.root.path)
        try:
            with self.installer.root.locked(timeout=self.lock_timeout):
                now = self.clock()
                if not force and not stamp.due(now):
                    return UpdateRun(mode, ran=False)
                notes = self._check(mode)
                if not self._all_unreachable:
                    # Offline at this start: try again at the next one,
                    # not tomorrow (a security update may be waiting).
                    stamp.mark(now)
        except (MarketplaceError, OSError) as exc:
            self._warn(f"automatic updates skipped: {exc}")
            return UpdateRun(mode, ran=False, warnings=tuple(self._warnings))
        return UpdateRun(mode, True, tuple(notes), tuple(self._warnings))

    @property
    def _all_unreachable(self) -> bool:
        return self._unreachable > 0 and self._reached == 0

    def _warn(self, line: str) -> None:
        self._warnings.append(line)
        _log.warning("%s", line)

    def _check(self, mode: UpdateMode) -> list[UpdateNote]:
        found = self.installer.installed()
        by_registry: dict[str, list[Installed]] = {}
        for item in found.values():
            source = "" if item.origin is None else item.origin.source
            if source.startswith("registry:") and item.manifest is not None:
                registry = source.removeprefix("registry:")
                by_registry.setdefault(registry, []).append(item)
        notes: list[UpdateNote] = []
        for registry, items in sorted(by_registry.items()):
            client = self._client(registry)
            if client is None:
                continue
            for item in sorted(items, key=lambda i: i.name):
                note = self._plugin(client, item, mode, found)
                if note is not None:
                    notes.append(note)
        return notes

    def _client(self, registry: str) -> RegistryClient | None:
        try:
            client = self.registries.client(registry, trust=self.trust)
            client.index()
        except RegistryUnavailableError as exc:
            self._unreachable += 1
            self._warn(f"registry {registry!r} could not be read: {exc}")
            return None
        except MarketplaceError as exc:
            # Unknown, or an index that must not be believed: audited, as
            # it may be an attack on the updates.
            self._warn(f"registry {registry!r} refused: {exc}")
            self._audit(
                None, outcome="failed", registry=registry, reason=str(exc)
            )
            return None
        self._reached += 1
        return client

    def _plugin(
        self,
        client: RegistryClient,
        item: Installed,
        mode: UpdateMode,
        found: dict[str, Installed],
    ) -> UpdateNote | None:
        listing = client.index().index.plugins.get(item.name)
        try:
            installed = Version(item.version)
        except InvalidVersion:
            return None
        pick = (
            None
            if listing is None
            else newest_admitted(listing, installed, mode, acc_version())
        )
        if listing is None or pick is None:
            return None
        version, release = pick
        old = listing.versions.get(item.version)
        assert item.manifest is not None  # noqa: S101 -- _check keeps those
        before = (
            Summary.of_manifest(item.manifest)
            if old is None
            else Summary.of_release(item.version, old)
        )
        changes = tuple(
            diff(before, Summary.of_release(str(version), release)).lines()
        )
        note = UpdateNote(
            item.name, item.version, str(version), client.name,
            Action.AVAILABLE, changes=changes,
        )  # fmt: skip
        if not mode.installs:
            _log.warning("%s", note.line())
            return note
        reason = self._blocker(item, version, release, found)
        if reason is not None:
            return self._record(note, Action.DEFERRED, reason)
        return self._install(client, listing, version, note)

    def _allowed(self, item: Installed) -> frozenset[str]:
        """
        What an update of *item* may ask for: what the installed version
        asks for and was granted.
        """
        assert item.manifest is not None  # noqa: S101 -- _check keeps those
        asked = frozenset(p.canonical for p in item.manifest.permissions.all)
        held = self.installer.grants.granted(item.name) or frozenset()
        return asked & held

    def _blocker(
        self,
        item: Installed,
        version: Version,
        release: Release,
        found: dict[str, Installed],
    ) -> str | None:
        """
        Why the update must wait for the user, or None: permissions beyond
        the grants, a dependency not installed at a version it accepts, or
        an installed plugin that does not accept the new version.
        """
        beyond = set(release.permissions) - self._allowed(item)
        if beyond:
            return f"it asks for permissions not granted: {', '.join(sorted(beyond))}"
        for needed, text in sorted(release.dependencies.items()):
            have = found.get(needed)
            if have is None or not _accepts(text, have.version):
                return f"it needs {needed}{text}, which is not installed"
        for other in sorted(found.values(), key=lambda i: i.name):
            if other.manifest is None:
                continue
            for dep in other.manifest.dependencies:
                if dep.name == item.name and not dep.specifier.contains(
                    version, prereleases=True
                ):
                    return f"{other.name} needs {item.name}{dep.specifier}"
        return None

    def _install(
        self,
        client: RegistryClient,
        listing: Listing,
        version: Version,
        note: UpdateNote,
    ) -> UpdateNote:
        tool = self.installer
        item_allowed = self._allowed(tool.installed()[note.name])
        held = tool.grants.granted(note.name) or frozenset()
        try:
            fetched = client.fetch(listing, version)
            candidate = from_fetched(
                tool.root, fetched, client.name, client.transport.location
            )
        except (MarketplaceError, OSError) as exc:
            return self._record(note, Action.FAILED, str(exc))
        try:
            beyond = candidate.permissions - item_allowed
            if beyond:  # the archive asks for more than its index entry
                reason = f"its archive asks for permissions not granted: {', '.join(sorted(beyond))}"
                return self._record(note, Action.DEFERRED, reason)
            tool.install([candidate], {note.name: held})
        except (MarketplaceError, PluginError, OSError) as exc:
            # A failed health check among them: the installer put the
            # previous version back already.
            return self._record(note, Action.FAILED, str(exc))
        finally:
            tool.discard([candidate])
        return self._record(note, Action.UPDATED, "")

    def _record(
        self, note: UpdateNote, action: Action, reason: str
    ) -> UpdateNote:
        note = attrs.evolve(note, action=action, reason=reason)
        if action is Action.UPDATED:
            _log.info("%s", note.line())
        else:
            _log.warning("%s", note.line())
            for change in note.changes:
                _log.warning("  %s", change)
        self._audit(
            note.name,
            outcome=action.value,
            registry=note.registry,
            reason=reason,
            old=note.installed,
            new=note.version,
            changes=list(note.changes),
        )
        return note

    def _audit(self, plugin: str | None, **detail: object) -> None:
        trail = self.audit or self.installer.grants.audit
        try:
            trail.append(AuditKind.UPDATE, plugin, by=_BY, **detail)
        except (OSError, ValueError) as exc:
            self._warn(f"the audit trail could not be written: {exc}")


def _accepts(text: str, version: str) -> bool:
    try:
        return SpecifierSet(text).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False
