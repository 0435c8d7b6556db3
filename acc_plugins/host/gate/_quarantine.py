"""
The quarantine list: plugins the host will not load until an administrator
releases them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from acc_plugins.host.config._jsonstore import JsonStore


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
