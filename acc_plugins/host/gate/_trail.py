"""
The host's audit trail: the tamper-evident log under the data folder,
opened when first written, and one way to record what happened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from acc_plugins.security import AuditKind, AuditLog


if TYPE_CHECKING:
    from pathlib import Path

_log = logging.getLogger("acc_plugins.host")


class AuditTrail:
    """
    The audit trail of one data folder.

    Args:
        folder: Where the trail's files live.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._log: AuditLog | None = None

    def __repr__(self) -> str:
        return f"<AuditTrail {self._folder}>"

    @property
    def log(self) -> AuditLog:
        """
        The trail itself (opened on first use).
        """
        if self._log is None:
            self._log = AuditLog(self._folder)
        return self._log

    def record(self, what: AuditKind, plugin: str, **detail: object) -> None:
        """
        Append an entry about *plugin*; a trail that cannot be written is
        logged, and the host keeps serving.  (A change that must not happen
        unaudited, a grant or a release, appends to ``log`` itself and
        fails with it.)
        """
        try:
            self.log.append(what, plugin, **detail)
        except (OSError, TypeError, ValueError) as exc:
            _log.warning(
                "cannot write the audit trail in %s: %s", self._folder, exc
            )
