"""
When automatic updates last looked: ``.acc-auto-update.json`` in the
install root, so that the check runs at most once a day however often
hosts start.

Why in the install root: the root is what is updated, and its lock
already serialises every change to it, so two hosts starting at once
read and write the stamp one after the other.  A stamp that cannot be
read (missing, damaged, from the future because the clock went back)
makes the check due: the worst case is one check too many.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Final

from acc_plugins.host.config._atomic import write_atomic


if TYPE_CHECKING:
    from pathlib import Path

STAMP: Final = ".acc-auto-update.json"
INTERVAL: Final = dt.timedelta(hours=24)


class UpdateStamp:
    """
    The time of the last automatic-update check in one install root.

    Args:
        root: The install root.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / STAMP

    def __repr__(self) -> str:
        return f"<UpdateStamp {self.path}>"

    def last(self) -> dt.datetime | None:
        """
        When the last check ran; None if never, or the file is damaged.
        """
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            when = dt.datetime.fromisoformat(data["last_check"])
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return when if when.tzinfo is not None else None

    def due(self, now: dt.datetime) -> bool:
        """
        Whether a check is due at *now*: never checked, checked 24 hours
        ago or more, or "later" than *now* (the clock went back).
        """
        last = self.last()
        return last is None or now < last or now - last >= INTERVAL

    def mark(self, now: dt.datetime) -> None:
        """
        Note that a check ran at *now* (written atomically).

        Raises:
            OSError: If the file cannot be written.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"last_check": now.isoformat()}) + "\n"
        write_atomic(self.path, text.encode("utf-8"), mode=0o644)
