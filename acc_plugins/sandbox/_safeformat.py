"""
``str.format`` for plugin code: field lookups through the guards.

``"{0.__class__}".format(x)`` walks attributes named inside the format
string, in C, past every guard.  Plugin code that reads ``format`` or
``format_map`` from a string gets these replacements instead, whose field
lookups (``{0.attr}``, ``{0[key]}``) go through the attribute guard and
whose specs are sized.  A field can name one value many times
(``("{0}" * 10**5).format(big)``): the text the fields make is counted
as it is made, and refused past the memory budget.

Most format strings name their values plainly (``"{} = {:>8}"``): no
attribute or item lookup, no nested field.  Those are read once, and
called on ``str.format`` itself when every value they name has a text of
known size (text and numbers) that, added up, fits the budget.
"""

from __future__ import annotations

import string
import types
from typing import TYPE_CHECKING, Any, Final

from ._formats import DIGITS, KEPT_LENGTH, largest, text_size


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ._formats import FormatChecks

_PLAIN_KEPT: Final = 512  # format strings read per sandbox

# A format string of plain fields: its length plus every width, and for
# each field the value it names (None: the next one) and whether it
# quotes the value (``!r``, ``!a``).
_Plain = tuple[int, list[tuple[int | str | None, bool]]]


class _Formatter(string.Formatter):
    """
    ``str.format`` whose field lookups (``{0.attr}``, ``{0[key]}``) go
    through the sandbox's attribute guard.
    """

    def __init__(
        self,
        getattr_guard: Callable[[object, str], object],
        formats: FormatChecks,
    ) -> None:
        self._getattr = getattr_guard
        self._check_spec = formats.check_spec
        self._check_total = formats.check_total
        self._check_value = formats.check_value
        self._made = 0

    def format_field(self, value: object, format_spec: str) -> str:
        self._check_spec(format_spec)
        self._check_value(value)  # a container's text, before it is made
        text = format(value, format_spec)
        self._made += len(text)
        self._check_total("a str.format()", self._made)
        return text

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


def _read_plain(text: str) -> _Plain | None:
    """
    *text* as plain fields, or None if a field looks anything up or
    nests a field in its spec (or *text* is no format string at all).
    """
    size = len(text)
    fields: list[tuple[int | str | None, bool]] = []
    try:
        parsed = list(_PARSER.parse(text))
    except ValueError:
        return None
    for _, name, given_spec, conversion in parsed:
        if name is None:
            continue
        spec = given_spec or ""
        if "." in name or "[" in name or "{" in spec:
            return None
        size += largest(DIGITS.findall(spec))
        # The name as str.format reads it: " 0" is a keyword, "0" is not.
        key = field_name_split(name)[0] if name else None
        fields.append((key, conversion in ("r", "a")))
    return size, fields


_PARSER: Final = string.Formatter()


class SafeFormat:
    """
    The ``format`` and ``format_map`` of one sandbox.

    Args:
        getattr_guard: The sandbox's guarded ``getattr``.

        formats: The sandbox's formatting checks.
    """

    def __init__(
        self,
        getattr_guard: Callable[[object, str], object],
        formats: FormatChecks,
    ) -> None:
        self._getattr = getattr_guard
        self._formats = formats
        self._check_spec = formats.check_spec
        self._check_total = formats.check_total
        # Below this many characters no result can pass the budget.
        self._small = formats.memory_bytes // 4
        self._plain: dict[str, _Plain | None] = {}

    def _vformat(self, text: str, args: Any, kwargs: Any) -> str:
        # A formatter per call: it counts the text this call makes.
        formatter = _Formatter(self._getattr, self._formats)
        return formatter.vformat(text, args, kwargs)

    def _format(self, text: str, /, *args: Any, **kwargs: Any) -> str:
        """
        ``text.format(*args, **kwargs)``, by ``str.format`` itself when
        *text* is plain and its values' text is known to fit.
        """
        try:
            plain = self._plain[text]
        except KeyError:
            plain = _read_plain(text)
            if len(text) <= KEPT_LENGTH:  # no large text kept alive
                if len(self._plain) >= _PLAIN_KEPT:
                    self._plain.clear()
                self._plain[text] = plain
        if plain is None:
            return self._vformat(text, args, kwargs)
        size, fields = plain
        following = 0
        for key, quoted in fields:
            if key is None:
                value = args[following] if following < len(args) else None
                following += 1
            elif isinstance(key, int):
                value = args[key] if key < len(args) else None
            else:
                value = kwargs.get(key)
            if type(value) is str and not quoted:
                size += len(value)
                continue
            more = text_size(value, quoted=quoted)
            if more is None:
                return self._vformat(text, args, kwargs)
            size += more
        if size > self._small:
            self._check_total("a str.format()", size)
        return str.format(text, *args, **kwargs)

    def wrap(self, value: object, name: str) -> object:
        """
        *value*, read as ``format`` or ``format_map``, with its fields
        looked up through the guard if it is ``str``'s own method.
        """
        # Whatever route led here (a str, a str subclass or its class,
        # super()), what matters is whether the value *is* str's own C
        # method: then it would walk {0.attr} unguarded, so it is replaced.
        vformat = self._vformat
        format_ = self._format
        if value is str.format or value is str.format_map:  # unbound
            if name == "format":
                return lambda text, /, *a, **k: format_(str(text), *a, **k)
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
            # A function, not a partial: a partial's .func is public.
            return lambda *a, **k: format_(text, *a, **k)
        return lambda mapping, /: vformat(text, (), mapping)
