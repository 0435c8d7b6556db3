"""
What the user has granted each plugin: the middle term of
effective = requested ∩ granted (∩ allowed by policy, once there is one).

A plugin seen for the first time is granted what it requests then (the
user chose to install it); a permission it asks for later, in a new
version, stays ungranted until ``acc-plugins permissions grant``.

A change and its audit entry land together or not at all.  The new file
is written aside first; then ``grants.intent`` notes where the trail ends;
then the audit entries are appended, each carrying the full new set of
the plugins it changes (``holds``); only then is the new file put in
place and the intent removed.  A failed audit write leaves the file as it
was.  A writer killed after its entries landed leaves the intent behind:
the next reader rolls the store forward from the entries after the noted
point, so the store never disagrees with the trail.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from acc_plugins.host.config._atomic import write_atomic
from acc_plugins.host.config._jsonstore import JsonStore
from acc_plugins.security import AuditKind, AuditLog


if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

# (kind, plugin, detail) of one audit entry a change is to be written with.
_Note = tuple[AuditKind, str | None, dict[str, Any]]
_CHANGES = frozenset({AuditKind.GRANT, AuditKind.REVOKE})


class GrantStore(JsonStore):
    """
    Granted permissions by plugin, in canonical form, audited.

    Args:
        path: The file (``grants.json``).

        audit: The trail every change is written to; by default the
            ``audit`` folder beside *path*.
    """

    def __init__(self, path: Path, audit: AuditLog | None = None) -> None:
        super().__init__(path)
        self._audit = audit or AuditLog(path.parent / "audit")
        self._intent = path.with_suffix(".intent")

    @property
    def audit(self) -> AuditLog:
        """
        The trail this store writes its changes to.
        """
        return self._audit

    def read(self) -> dict[str, Any]:
        """
        The grants by plugin, rolled forward first if a writer was cut
        short after its audit entries landed.
        """
        if self._intent.exists():
            with self._locked():
                self._settle()
        return self._read()

    def granted(self, plugin: str) -> frozenset[str] | None:
        """
        What *plugin* was granted, or None if it was never seen.
        """
        entry = self.read().get(plugin)
        if not isinstance(entry, list):
            return None
        return frozenset(str(p) for p in entry)

    def grant(
        self, plugin: str, permissions: frozenset[str], *, by: str = "api"
    ) -> frozenset[str]:
        """
        Add *permissions* to what *plugin* holds; return the new set.

        Raises:
            OSError: If the store or the audit trail cannot be written;
                then nothing changed.
        """
        return self.grant_all({plugin: permissions}, by=by)[plugin]

    def grant_all(
        self, grants: Mapping[str, frozenset[str]], *, by: str = "api"
    ) -> dict[str, frozenset[str]]:
        """
        ``grant`` for several plugins in one write of the file (one audit
        entry for each plugin that is granted something).

        Returns:
            What each of them holds now.
        """
        return self._change(
            {
                plugin: (wanted, frozenset())
                for plugin, wanted in grants.items()
            },
            by=by,
        )

    def revoke(
        self, plugin: str, permissions: frozenset[str], *, by: str = "api"
    ) -> frozenset[str]:
        """
        Take *permissions* away from *plugin*; return what is left.

        Raises:
            OSError: As for `grant`.
        """
        nothing: frozenset[str] = frozenset()
        return self._change({plugin: (nothing, permissions)}, by=by)[plugin]

    def forget(self, plugin: str, *, by: str = "api") -> frozenset[str]:
        """
        Drop *plugin*'s entry, as if it had never been seen (what an
        uninstall with ``--purge``, or an install undone, needs); return
        what it held.  Audited as a revocation of everything it held.
        """
        held: frozenset[str] = frozenset()

        def change(data: dict[str, Any]) -> list[_Note]:
            nonlocal held
            held = _held(data, plugin)
            data.pop(plugin, None)
            if not held:
                return []
            detail = {
                "permissions": sorted(held),
                "by": by,
                "holds": {plugin: []},
            }
            return [(AuditKind.REVOKE, plugin, detail)]

        self.update(change)
        return held

    def replace(
        self, target: Mapping[str, frozenset[str]], **detail: Any
    ) -> dict[str, frozenset[str]]:
        """
        Set each plugin of *target* to hold exactly its permissions, in one
        write and one audit entry (what was granted, what revoked).

        Args:
            target: The new sets.

            detail: Further facts for the audit entry.

        Returns:
            The new sets.
        """
        result: dict[str, frozenset[str]] = {}

        def change(data: dict[str, Any]) -> list[_Note]:
            added: dict[str, list[str]] = {}
            removed: dict[str, list[str]] = {}
            for plugin, wanted in sorted(target.items()):
                held = _held(data, plugin)
                data[plugin] = sorted(wanted)
                result[plugin] = wanted
                added[plugin] = sorted(wanted - held)
                removed[plugin] = sorted(held - wanted)
            kind = (
                AuditKind.REVOKE
                if not any(added.values()) and any(removed.values())
                else AuditKind.GRANT
            )
            holds = {p: data[p] for p in sorted(target)}
            detail.update(granted=added, revoked=removed, holds=holds)
            only = next(iter(target)) if len(target) == 1 else None
            return [(kind, only, detail)]

        self.update(change)
        return result

    def _change(
        self,
        changes: Mapping[str, tuple[frozenset[str], frozenset[str]]],
        *,
        by: str,
    ) -> dict[str, frozenset[str]]:
        result: dict[str, frozenset[str]] = {}

        def change(data: dict[str, Any]) -> list[_Note]:
            notes: list[_Note] = []
            for plugin, (added, removed) in changes.items():
                current = (_held(data, plugin) | added) - removed
                data[plugin] = sorted(current)
                result[plugin] = current
                wanted = added or removed
                if wanted:  # an empty first-sight grant is not a change
                    kind = AuditKind.GRANT if added else AuditKind.REVOKE
                    detail = {
                        "permissions": sorted(wanted),
                        "by": by,
                        "holds": {plugin: data[plugin]},
                    }
                    notes.append((kind, plugin, detail))
            return notes

        self.update(change)
        return result

    def _before_commit(self, note: object) -> None:
        notes: list[_Note] = note if isinstance(note, list) else []
        if not notes:
            return
        after = self._audit.last_seq()
        write_atomic(self._intent, json.dumps({"after": after}).encode())
        landed = 0
        try:
            for kind, plugin, detail in notes:
                self._audit.append(kind, plugin, **detail)
                landed += 1
        except BaseException:
            if landed:
                # Those that landed happened: the store follows the trail.
                self._settle()
            else:
                self._intent.unlink(missing_ok=True)
            raise

    def _after_commit(self, note: object) -> None:
        if note:
            self._intent.unlink(missing_ok=True)

    def _settle(self) -> None:
        """
        Roll the store forward from the audit entries written after the
        point the intent notes, then drop the intent.
        """
        try:
            after = json.loads(self._intent.read_bytes())["after"]
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError):
            after = 0  # unreadable: replay every change the trail holds
        data = self._read()
        changed = False
        for entry in self._audit.entries():
            holds = entry.detail.get("holds")
            if (
                entry.seq > after
                and entry.kind in _CHANGES
                and isinstance(holds, dict)
            ):
                data.update(holds)
                changed = True
        if changed:
            self._write_unlocked(data)
        self._intent.unlink(missing_ok=True)


def _held(data: Mapping[str, Any], plugin: str) -> frozenset[str]:
    held = data.get(plugin)
    return frozenset(held) if isinstance(held, list) else frozenset()
