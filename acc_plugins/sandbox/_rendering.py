"""
Text that outgrows what it renders: ``repr``, ``str``, ``format``,
f-strings, ``print``, ``%`` and ``str.format``, ``json.dumps`` and
``pprint.pformat`` of containers.

A container's text repeats each object it holds as often as it is held.
``x = [0] * 1000``, then twenty-two times ``x = [x, x]``, holds 23 small
lists, yet ``repr(x)`` is four gigabytes, written in one call into C that
no budget check interrupts.  Before a container becomes text, its text's
length is bounded here by walking what it holds once: a shared object's
bound is remembered by identity and counted as often as it appears, so the
walk takes time in the objects held, not in the text, and it stops as soon
as the bound passes the limit.

Bounds are upper bounds: a string counts as its ``ascii()`` would (ten
characters for one), unless it is printable ASCII.  Objects whose text is
the plugin's own code (its ``__repr__``) count a nominal few characters:
that code runs under the budget.  Library objects that render what they
hold (exceptions, namespaces, partials, slices, dict views, dataclasses,
named tuples) are walked like containers.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any, Final

from ._renders import FRAME, PER_ITEM, parts_of, renders_items


if TYPE_CHECKING:
    from collections.abc import Callable

# Exact types whose text is at most a small multiple of their size: a
# str's ``str()`` is itself, an int's digits are bounded by Python's own
# limit, and the rest have short texts.
PLAIN: Final = frozenset(
    {str, int, float, bool, type(None), complex, bytes, bytearray}
)
# What an object of unknown text counts: ``<Name object at 0x7f...>``.
_NOMINAL: Final = 80

_SEQUENCES: Final = (list, tuple, set, frozenset, collections.deque)


class TooLong(Exception):  # noqa: N818 -- a signal, caught here
    """
    The bound passed the limit.
    """


def _scalar(value: Any) -> int | None:
    """
    A bound on the text of a scalar, or None for anything else.
    """
    kind = type(value)
    if kind is str:
        size = len(value)
        if value.isascii() and value.isprintable():
            return 2 * size + 2  # every character a backslash, doubled
        return 10 * size + 2  # ascii() of astral characters: \U0001f600
    if kind is int:
        return int(value.bit_length()) * 31 // 100 + 3
    if kind is bool:
        return 5
    if kind is float or value is None:
        return 32
    if kind is complex:
        return 64
    if kind is bytes or kind is bytearray:
        return 4 * len(value) + 14
    return None


_NUMBERS: Final = frozenset({int, float, bool, type(None)})
_SCALARS: Final = frozenset({*_NUMBERS, str, complex})
_FLAT: Final = (list, tuple, set, frozenset)
# Digits of the largest int Python turns into text (sys.int_info's
# default_max_str_digits), and a sign.
_INT_TEXT: Final = 4301


def _items_bound(items: Any, count: int) -> int | None:
    """
    A bound on the text of *count* scalars *items*, found by calls into C
    over them all (no Python per item), or None if they are not all
    scalars of one family (numbers, or strings).
    """
    kinds = set(map(type, items))
    if kinds == {str}:
        chars = sum(map(len, items))
        if all(map(str.isascii, items)) and all(map(str.isprintable, items)):
            return 2 * chars + 2 * count  # escaped backslashes, quotes
        return 10 * chars + 2 * count
    if kinds == {int}:
        bits = sum(map(int.bit_length, items))
        return bits * 31 // 100 + 3 * count
    if kinds <= _NUMBERS and int not in kinds:
        return 32 * count
    if kinds <= _SCALARS:
        # Mixed scalars: each one's str() (a str is itself, a number a few
        # digits), a quoted character being ten at most.
        try:
            return 10 * sum(map(len, map(str, items))) + 4 * count
        except ValueError:  # an int past Python's digits limit
            return None
    return None


def _flat_bound(value: Any) -> int | None:
    """
    A bound on the text of an exact list, tuple, set, frozenset or dict of
    scalars, found in C, or None if it needs the walk.
    """
    kind = type(value)
    if kind is dict:
        count = len(value)
        keys = _items_bound(value, count)
        if keys is None:
            return None
        values = _items_bound(value.values(), count)
        if values is None:
            return None
        return FRAME + 2 * PER_ITEM * count + keys + values
    if kind in _FLAT:
        count = len(value)
        items = _items_bound(value, count)
        return None if items is None else FRAME + PER_ITEM * count + items
    return None


def text_bound(value: object, limit: int) -> int:
    """
    An upper bound on the length of ``repr(value)`` (and of ``str``,
    ``format`` and an f-string field of it).

    Raises:
        TooLong: As soon as the bound passes *limit*.
    """
    flat = _flat_bound(value)
    if flat is not None and flat <= limit:
        return flat
    return _walk(value, limit)[0]


def text_bound_and_depth(value: object, limit: int) -> tuple[int, int]:
    """
    ``(bound, nesting)``: ``text_bound`` (``limit + 1`` past *limit*), and
    how deep containers nest in *value* (0 for a scalar).
    """
    flat = _flat_bound(value)
    if flat is not None and flat <= limit:
        return flat, 1
    try:
        return _walk(value, limit)
    except TooLong:
        return limit + 1, 0


def _walk(value: object, limit: int) -> tuple[int, int]:
    """
    ``(bound, nesting)`` of *value*'s text by a walk that visits each
    object once (``memo``) and each path's containers once (``on_path``:
    a cycle renders as ``[...]``).  Written for speed: scalars, the common
    items, are handled in the loop itself.

    Raises:
        TooLong: As soon as the bound passes *limit*.
    """
    memo: dict[int, int] = {}
    on_path: set[int] = set()
    # Frames: [id, what it renders, characters so far].
    stack: list[list[Any]] = []
    deepest = 0
    total = _enter(value, memo, on_path, stack)
    if total is not None:
        if total > limit:
            raise TooLong
        return total, 0
    while stack:
        deepest = max(deepest, len(stack))
        frame = stack[-1]
        size = frame[2]
        for child in frame[1]:
            kind = type(child)
            if kind is str:
                if child.isascii() and child.isprintable():
                    size += 2 * len(child) + 2
                else:
                    size += 10 * len(child) + 2
            elif kind is int:
                size += child.bit_length() * 31 // 100 + 3
            elif kind is float or kind is bool or child is None:
                size += 32
            else:
                more = _enter(child, memo, on_path, stack)
                if more is None:
                    frame[2] = size
                    break  # walk the child first; this frame resumes after
                size += more
            if size > limit:
                raise TooLong
        else:
            stack.pop()
            key = frame[0]
            on_path.discard(key)
            memo[key] = size
            if not stack:
                return size, deepest
            stack[-1][2] += size
            if stack[-1][2] > limit:
                raise TooLong
    raise AssertionError  # pragma: no cover -- the loop returns


def _enter(
    obj: object,
    memo: dict[int, int],
    on_path: set[int],
    stack: list[list[Any]],
) -> int | None:
    """
    The bound of *obj* if known now (a scalar, an object seen before, a
    cycle, a container of scalars, an object of unknown text), or None
    after pushing its frame.
    """
    size = _scalar(obj)
    if size is not None:
        return size
    key = id(obj)
    if key in memo:
        return memo[key]
    if key in on_path:
        return 5  # a cycle renders as [...]
    flat = _flat_bound(obj)
    if flat is not None:
        memo[key] = flat
        return flat
    parts = parts_of(obj)
    if parts is None:
        return _NOMINAL
    own, children = parts
    on_path.add(key)
    stack.append([key, children, own])
    return None


def bounded(value: object, limit: int) -> int:
    """
    ``text_bound``, or ``limit + 1`` past the limit.
    """
    try:
        return text_bound(value, limit)
    except TooLong:
        return limit + 1


class RenderChecks:
    """
    The rendering checks of one sandbox.

    Args:
        check_size: Refuses building *what* of *size* characters past the
            memory budget.

        refuse: Raises the sandbox's refusal with a description.

        limit: The memory budget, in bytes: no text may pass it.
    """

    def __init__(
        self,
        check_size: Callable[[str, int], None],
        refuse: Callable[[str], Any],
        limit: int,
    ) -> None:
        self._check_size = check_size
        self._refuse = refuse
        self._limit = limit

    def check(self, value: object, what: str = "a text") -> None:
        """
        Refuse *value* if its text could pass the budget.
        """
        if type(value) in PLAIN or not renders_items(value):
            return
        if bounded(value, self._limit) > self._limit:
            self._refuse(
                f"{what} of a {type(value).__name__} whose text could pass "
                f"the memory budget of {self._limit:,} bytes (the items it "
                "holds, each written as often as it is held)"
            )

    def checked(self, value: object, what: str = "a text") -> object:
        """
        *value*, once ``check`` let it through: what an f-string field
        formats.
        """
        if type(value) not in PLAIN:
            self.check(value, what)
        return value

    def checked_arguments(self, values: object) -> object:
        """
        The right operand of a %-format, once ``check`` let each value
        through: a tuple's items, a mapping's values, or the value.
        """
        if isinstance(values, tuple) and type(values) is tuple:
            for value in values:
                self.check(value, "a %-format")
        elif isinstance(values, dict) and type(values) is dict:
            for value in values.values():
                self.check(value, "a %-format")
        elif type(values) in PLAIN:
            return values
        else:
            self.check(values, "a %-format")
        return values

    def _quoted(self, obj: Any, what: str, per_character: int) -> None:
        # A string's quoted text escapes each character in up to
        # *per_character* characters.
        if type(obj) is str:
            self._check_size(what, per_character * len(obj) + 2)
        else:
            self.check(obj, what)

    def repr_(self, obj: Any, /) -> str:
        """
        ``repr`` (often called: the common cases decided first).
        """
        kind = type(obj)
        if kind is str:
            if len(obj) > self._limit // 4:
                self._quoted(obj, "a repr()", 4)
        elif kind not in PLAIN and renders_items(obj):
            self.check(obj, "a repr()")
        return repr(obj)

    def ascii_(self, obj: Any, /) -> str:
        """
        ``ascii``: up to ten characters for one (``\\U0001f600``).
        """
        self._quoted(obj, "an ascii()", 10)
        return ascii(obj)

    def str_(self, value: object, /) -> str:
        """
        ``str(x)`` as compiled plugin code calls it: the built-in's name
        with one argument (a decode, with an encoding, makes no more text
        than its bytes, and is left as it is).
        """
        if type(value) not in PLAIN:
            self.check(value, "a str()")
        return str(value)
