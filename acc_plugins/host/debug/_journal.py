"""
What the host writes into the plugins' logs: each line a plugin logs
through ``self.ctx.log``, and the host's own reports about it (a state
change, an error with its ``file:line``).

A log is for looking back; it must never cost a plugin its call or the
host its start.  So a disk that refuses a line loses that line only: it
is reported once, in the host's own log, and the rest goes on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final


if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._logstore import LogStore

_log = logging.getLogger("acc_plugins.host")

# The level of a plugin's move into each state; any other move is DEBUG:
# every start and stop of a host moves each plugin, and those lines mark
# where one run ends and the next begins.
_STATE_LEVELS: Final = {"error": "ERROR", "quarantined": "WARNING"}


class Journal:
    """
    Writes plugins' lines and the host's reports into a ``LogStore``.

    Args:
        store: The logs.
    """

    def __init__(self, store: LogStore) -> None:
        self.store = store
        self._failed = False

    def __repr__(self) -> str:
        return f"<Journal {self.store.folder}>"

    def plugin_line(self, plugin: str, level: str, message: str) -> None:
        """
        Keep a line *plugin* logged at *level* (``INFO``, ...).
        """
        self._append(plugin, level, message, "plugin")

    def host_event(self, name: str, payload: object) -> None:
        """
        Keep the host's ``plugin.*`` lifecycle event *name* in the log of
        the plugin it is about (other events are not about one plugin).
        """
        if not name.startswith("plugin.") or not isinstance(payload, dict):
            return
        moved: Mapping[str, object] = payload
        plugin = moved.get("plugin")
        if not isinstance(plugin, str):
            return
        target = str(moved.get("to", ""))
        reason = str(moved.get("reason") or "")
        message = f"state {moved.get('from')} -> {target}"
        if reason:
            message += f": {reason}"
        level = _STATE_LEVELS.get(target, "DEBUG")
        self._append(plugin, level, message, "host")

    def _append(
        self, plugin: str, level: str, message: str, source: str
    ) -> None:
        try:
            self.store.append(plugin, level, message, source=source)
        except OSError as exc:
            if not self._failed:
                self._failed = True
                _log.warning(
                    "plugin logs in %s: cannot write: %s",
                    self.store.folder,
                    exc.strerror or exc,
                )
