"""
The quarantine list: plugins the host will not load until an administrator
releases them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from acc_plugins.host.config._jsonstore import JsonStore
from acc_plugins.security import AuditKind


if TYPE_CHECKING:
    from acc_plugins.security import AuditLog


class QuarantineList(JsonStore):
    """
    Quarantined plugins by name, with why and when.
    """

    def entries(self) -> dict[str, dict[str, Any]]:
        """
        Every quarantined plugin: ``{name: {"reason": ..., "at": ...}}``.
        """
        return self.read()

    def get(self, name: str) -> dict[str, Any] | None:
        """
        Why *name* is quarantined, or None.
        """
        entry = self.read().get(name)
        return entry if isinstance(entry, dict) else None

    def add(self, name: str, reason: str) -> None:
        """
        Quarantine *name*; a second reason replaces the first.
        """
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.update(
            lambda data: data.__setitem__(name, {"reason": reason, "at": at})
        )

    def remove(self, name: str) -> bool:
        """
        Release *name*; return whether it was quarantined.
        """
        removed: list[bool] = []
        self.update(
            lambda data: removed.append(data.pop(name, None) is not None)
        )
        return removed[0]


def release_audited(
    listed: QuarantineList, audit: AuditLog, name: str, *, by: str
) -> None:
    """
    Take *name* off *listed*, audited first: a release the trail cannot
    record does not happen.  If the list then cannot be written, a
    ``repair`` entry says the release did not happen, so the trail never
    claims a release the list does not show.

    Raises:
        OSError: If the trail or the list cannot be written.
    """
    audit.append(AuditKind.RELEASE, name, by=by)
    try:
        listed.remove(name)
    except OSError as exc:
        with contextlib.suppress(OSError, TypeError, ValueError):
            audit.append(
                AuditKind.REPAIR, name, undoes="release", reason=str(exc)
            )
        raise
