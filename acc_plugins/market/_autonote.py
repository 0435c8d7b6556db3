"""
What automatic updates report: one note per plugin with a newer
release (available, updated, deferred, failed) and the run as a whole.

Why plain values: the host logs them, the CLI prints them, the tests
read them; none of these should need the updater to do so.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs


if TYPE_CHECKING:
    from acc_plugins.security._updatemode import UpdateMode


class Action(enum.Enum):
    """
    What automatic updates did about one plugin.
    """

    AVAILABLE = "available"
    UPDATED = "updated"
    DEFERRED = "deferred"
    FAILED = "failed"


@attrs.frozen
class UpdateNote:
    """
    One plugin's newer release and what became of it.

    Attributes:
        name: The plugin.

        installed: The version installed before.

        version: The newer release.

        registry: The registry it comes from.

        action: What was done.

        reason: Why it was deferred or failed.

        changes: What the update changes, in plain language.
    """

    name: str
    installed: str
    version: str
    registry: str
    action: Action
    reason: str = ""
    changes: tuple[str, ...] = ()

    @property
    def command(self) -> str:
        """
        The command that installs it by hand, asking the user.
        """
        return f"acc-plugins update {self.name}"

    def line(self) -> str:
        """
        The note in one line.
        """
        what = f"{self.name} {self.installed} -> {self.version}"
        if self.action is Action.UPDATED:
            return f"updated {what} from registry {self.registry!r}"
        if self.action is Action.AVAILABLE:
            return f"update available: {what}; run: {self.command}"
        verb = "waits for you" if self.action is Action.DEFERRED else "failed"
        return f"update {what} {verb}: {self.reason}; run: {self.command}"


@attrs.frozen
class UpdateRun:
    """
    What one automatic-update check did.

    Attributes:
        mode: The mode it ran in.

        ran: Whether it looked at all (not when off, or not due).

        notes: One per plugin with a newer release.

        warnings: Registries that could not be read, and the like.
    """

    mode: UpdateMode
    ran: bool
    notes: tuple[UpdateNote, ...] = ()
    warnings: tuple[str, ...] = ()
