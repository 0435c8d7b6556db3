"""
What a registry's owner signed last, per registry folder, in the owner's
own data folder (``signed-registries.json``).

Why the owner remembers: anyone who can write a shared registry folder
can put back an older ``index.json`` that the owner once signed (one
from before a yank, say).  Its signature checks, so without a memory the
owner's next change would build on it and undo what came since.  With
it, the owner refuses an index older than, or different from, the last
one they signed, as clients do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acc_plugins.host.config._jsonstore import JsonStore

from ._indexfile import Seen


if TYPE_CHECKING:
    from typing import Any


class SignedSerials(JsonStore):
    """
    The serial and digest of the last index signed, by registry folder;
    a `SeenMemory`.
    """

    def seen(self, registry: str) -> Seen | None:
        """
        The last index signed for *registry* (its absolute folder).
        """
        entry = self.read().get(registry)
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("serial"), int)
            or not isinstance(entry.get("digest"), str)
        ):
            return None
        return Seen(entry["serial"], entry["digest"])

    def remember(self, registry: str, seen: Seen) -> None:
        """
        Record that *seen* was signed for *registry*, unless a later
        serial is recorded already.
        """

        def change(data: dict[str, Any]) -> None:
            entry = data.get(registry)
            later = (
                isinstance(entry, dict)
                and isinstance(entry.get("serial"), int)
                and entry["serial"] > seen.serial
            )
            if later:
                return
            data[registry] = {"serial": seen.serial, "digest": seen.digest}

        self.update(change)
