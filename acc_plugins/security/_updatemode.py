"""
``UpdateMode``: how far automatic updates may go, as the user's
``auto-update`` setting and the policy's ``[updates] auto`` name it.

Why here, below the market that acts on it: the administrator's policy
file may force the mode, and the policy knows nothing of the market.
"""

from __future__ import annotations

import enum


class UpdateMode(enum.Enum):
    """
    What the host does with newer releases when it starts.

    Each step admits what the one before it does and more: ``notify``
    only reports; ``patch`` installs releases of the same major.minor,
    ``minor`` of the same major, ``any`` every newer one.
    """

    OFF = "off"
    NOTIFY = "notify"
    PATCH = "patch"
    MINOR = "minor"
    ANY = "any"

    @property
    def installs(self) -> bool:
        """
        Whether this mode installs updates (not only reports them).
        """
        return self not in {UpdateMode.OFF, UpdateMode.NOTIFY}
