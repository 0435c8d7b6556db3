"""
Validators of the index's fields, as attrs validators.  Their own module so
that the JSON Schema of the index (`acc_plugins.schemas`) can read the
patterns they check, and the index module stays about its shape.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs


if TYPE_CHECKING:
    import re


@attrs.frozen
class Matches:
    """
    A validator: the value is a string *pattern* matches in full.  A class,
    not a closure, so that the index's JSON Schema can read the pattern.
    """

    pattern: re.Pattern[str]
    what: str

    def __call__(
        self, _: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            msg = f"{attribute.name} must be {self.what}, not {value!r}"
            raise ValueError(msg)


def check(pattern: re.Pattern[str], what: str) -> Any:
    return Matches(pattern, what)


def check_time(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        msg = f"{attribute.name} must be an ISO 8601 time with a zone, not {value!r}"
        raise ValueError(msg)
