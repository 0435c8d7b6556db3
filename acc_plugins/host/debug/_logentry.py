"""
One line of a plugin's log, and its form on disk: a JSON object per line,
``{"at": ..., "level": ..., "source": ..., "message": ...}``, ``at``
always first.

Why ``at`` first: a crash in the middle of a write leaves a line without
its end, and the next line is appended to it.  Inside a JSON string every
quote is escaped, so the last ``{"at":`` of such a line is always where
the next, whole line starts: reading recovers it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Final

import attrs


# The levels a line may have, lowest first, with logging's numbers.
LEVELS: Final[dict[str, int]] = {
    "DEBUG": 10,
    "INFO": 20,
    "WARNING": 30,
    "ERROR": 40,
}

# The longest message kept: a plugin may log 100,000 characters a line,
# and a few such lines would otherwise fill the whole bound of its log.
MAX_MESSAGE: Final = 4096

_START: Final = '{"at":'


@attrs.frozen
class LogEntry:
    """
    One line of a plugin's log.

    Attributes:
        at: When it was written (UTC).

        level: ``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR``.

        source: ``plugin`` for what the plugin wrote through
            ``self.ctx.log``, ``host`` for what the host reports about it
            (a state change, a load error).

        message: The text, cut to ``MAX_MESSAGE`` characters.
    """

    at: dt.datetime
    level: str
    source: str
    message: str

    def as_json(self) -> dict[str, str]:
        """
        The entry as plain JSON data (``at`` in ISO 8601).
        """
        return {
            "at": self.at.isoformat(timespec="milliseconds"),
            "level": self.level,
            "source": self.source,
            "message": self.message,
        }


def encode(entry: LogEntry) -> bytes:
    """
    *entry* as one line of the log file, its message cut if too long.
    """
    data = entry.as_json()
    if len(entry.message) > MAX_MESSAGE:
        data["message"] = entry.message[: MAX_MESSAGE - 1] + "…"
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def decode(line: bytes) -> LogEntry | None:
    """
    The entry on *line*, or None if nothing on it can be read.

    A line that a crash left unfinished, with the next one appended to
    it, gives that next one.
    """
    text = line.decode("utf-8", errors="replace").strip()
    start = text.rfind(_START)
    if start < 0:
        return None
    try:
        data = json.loads(text[start:])
        at = dt.datetime.fromisoformat(data["at"])
        level = str(data["level"])
        entry = LogEntry(
            at if at.tzinfo else at.replace(tzinfo=dt.UTC),
            level if level in LEVELS else "INFO",
            str(data.get("source", "plugin")),
            str(data["message"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return entry


def level_of(text: str) -> str:
    """
    The level *text* names, in any case (``warn`` for ``WARNING``).

    Raises:
        ValueError: If it names none.
    """
    name = text.strip().upper()
    name = {"WARN": "WARNING"}.get(name, name)
    if name not in LEVELS:
        choices = ", ".join(level.lower() for level in LEVELS)
        msg = f"unknown level {text!r}; the levels are {choices}"
        raise ValueError(msg)
    return name
