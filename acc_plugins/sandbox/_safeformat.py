"""
``str.format`` for plugin code: field lookups through the guards.

``"{0.__class__}".format(x)`` walks attributes named inside the format
string, in C, past every guard.  Plugin code that reads ``format`` or
``format_map`` from a string gets these replacements instead, whose field
lookups (``{0.attr}``, ``{0[key]}``) go through the attribute guard and
whose specs are sized.
"""

from __future__ import annotations

import string
import types
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class _Formatter(string.Formatter):
    """
    ``str.format`` whose field lookups (``{0.attr}``, ``{0[key]}``) go
    through the sandbox's attribute guard.
    """

    def __init__(
        self,
        getattr_guard: Callable[[object, str], object],
        check_spec: Callable[[object], None],
    ) -> None:
        self._getattr = getattr_guard
        self._check_spec = check_spec

    def format_field(self, value: object, format_spec: str) -> str:
        self._check_spec(format_spec)
        return format(value, format_spec)

    def get_field(
        self, field_name: str, args: Any, kwargs: Any
    ) -> tuple[object, str]:
        first, rest = field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = self._getattr(obj, key) if is_attribute else obj[key]
        return obj, str(first)


def field_name_split(
    field_name: str,
) -> tuple[Any, Iterable[tuple[bool, Any]]]:
    """
    Split a format field such as ``0.name[1]`` into its first part and the
    attribute and item steps after it.
    """
    import _string  # type: ignore[import-not-found]  # noqa: PLC0415 -- private CPython helper

    return _string.formatter_field_name_split(field_name)  # type: ignore[no-any-return]


class SafeFormat:
    """
    The ``format`` and ``format_map`` of one sandbox.

    Args:
        getattr_guard: The sandbox's guarded ``getattr``.

        check_spec: Refuses a format spec wider than the budget.
    """

    def __init__(
        self,
        getattr_guard: Callable[[object, str], object],
        check_spec: Callable[[object], None],
    ) -> None:
        self._formatter = _Formatter(getattr_guard, check_spec)

    def wrap(self, value: object, name: str) -> object:
        """
        *value*, read as ``format`` or ``format_map``, with its fields
        looked up through the guard if it is ``str``'s own method.
        """
        # Whatever route led here (a str, a str subclass or its class,
        # super()), what matters is whether the value *is* str's own C
        # method: then it would walk {0.attr} unguarded, so it is replaced.
        vformat = self._formatter.vformat
        if value is str.format or value is str.format_map:  # unbound
            if name == "format":
                return lambda text, /, *a, **k: vformat(str(text), a, k)
            return lambda text, mapping, /: vformat(str(text), (), mapping)
        bound = getattr(value, "__self__", None)
        if not (
            isinstance(value, types.BuiltinMethodType)
            and isinstance(bound, str)
            and getattr(value, "__name__", None) in ("format", "format_map")
        ):
            return value  # a plugin's own format(), say
        text = str.__str__(bound)
        if name == "format":
            return lambda *a, **k: vformat(text, a, k)
        return lambda mapping, /: vformat(text, (), mapping)
