"""
What ``--since`` accepts: a time span back from now (``90s``, ``10m``,
``2h``, ``1d``, ``1w``) or a moment, as an ISO 8601 date or timestamp
(``2026-12-04``, ``2026-12-04T13:00``, with or without a UTC offset; one
without is local time).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final


_SPAN: Final = re.compile(r"(\d{1,12})\s*([smhdw])", re.ASCII)
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

HELP: Final = (
    "a span such as 30s, 10m, 2h, 1d or 1w, or an ISO timestamp such as "
    "2026-12-04T13:00"
)


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """
    The moment *text* names, as an aware datetime; a span counts back
    from *now* (aware).

    Raises:
        ValueError: If *text* is neither, naming what is accepted.
    """
    stripped = text.strip()
    span = _SPAN.fullmatch(stripped.lower())
    if span is not None:
        seconds = int(span[1]) * _UNITS[span[2]]
        try:
            return now - dt.timedelta(seconds=seconds)
        except OverflowError:
            msg = f"{text!r} goes back before the year 1"
            raise ValueError(msg) from None
    try:
        moment = dt.datetime.fromisoformat(stripped)
    except ValueError:
        msg = f"{text!r} is not {HELP}"
        raise ValueError(msg) from None
    if moment.tzinfo is None:
        try:
            moment = moment.astimezone()  # local time, as people write it
        except (OverflowError, OSError, ValueError):
            moment = moment.replace(tzinfo=dt.UTC)
    return moment
