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

import array
import collections
import dataclasses
import functools
import itertools
import types
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# Exact types whose text is at most a small multiple of their size: a
# str's ``str()`` is itself, an int's digits are bounded by Python's own
# limit, and the rest have short texts.
PLAIN: Final = frozenset(
    {str, int, float, bool, type(None), complex, bytes, bytearray}
)
# What an object of unknown text counts: ``<Name object at 0x7f...>``.
_NOMINAL: Final = 80
# Characters ``repr`` adds around a container's items at most, and per item.
_FRAME: Final = 40
_PER_ITEM: Final = 4

_SEQUENCES: Final = (list, tuple, set, frozenset, collections.deque)
_VIEWS: Final[tuple[type, ...]] = (
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)


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


def _own_repr(kind: type, base: type) -> bool:
    # A subclass that renders as its base does, in C.
    return kind.__repr__ is base.__repr__


def _generated_dataclass_repr(kind: type) -> bool:
    # The dataclasses module compiles its __repr__ from a string (and
    # wraps it against recursion); a plugin's own has its file's name.
    if not hasattr(kind, "__dataclass_fields__"):
        return False
    function = kind.__repr__
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    return code is not None and code.co_filename == "<string>"


def _parts(value: Any) -> tuple[int, Iterator[object]] | None:
    """
    ``(characters of its own, what it renders)`` for an object whose text
    renders other objects in C or in library code, else None.
    """
    kind = type(value)
    if isinstance(value, (list, set, frozenset, collections.deque)):
        if _own_repr(kind, _base_of(value)):
            return _FRAME + _PER_ITEM * len(value), iter(value)
        return None
    if isinstance(value, tuple):
        fields = getattr(kind, "_fields", None)
        if type(fields) is tuple and all(type(f) is str for f in fields):
            # A named tuple: Name(field=value, ...).
            names = sum(map(len, fields)) + len(kind.__name__)
            return _FRAME + names + _PER_ITEM * len(value), iter(value)
        if _own_repr(kind, tuple):
            return _FRAME + _PER_ITEM * len(value), iter(value)
        return None
    if isinstance(value, dict):
        if (
            kind is dict
            or kind.__module__ == "collections"
            or _own_repr(kind, dict)
        ):
            # OrderedDict, defaultdict and Counter render their items (and
            # a factory) in library code or C.
            items = itertools.chain.from_iterable(value.items())
            extra = _FRAME + 2 * _PER_ITEM * len(value)
            factory = getattr(value, "default_factory", None)
            if factory is not None:
                return extra, itertools.chain((factory,), items)
            return extra, items
        return None
    if isinstance(value, _VIEWS):
        view: Any = value
        return _FRAME + 2 * _PER_ITEM * len(view), iter(view)
    if isinstance(value, types.MappingProxyType):
        items = itertools.chain.from_iterable(value.items())
        return _FRAME + 2 * _PER_ITEM * len(value), items
    if isinstance(value, BaseException):
        return _FRAME + len(kind.__name__), iter(value.args)
    if isinstance(value, types.SimpleNamespace) and _own_repr(
        kind, types.SimpleNamespace
    ):
        attributes: dict[str, Any] = vars(value)
        own = _FRAME + sum(map(len, attributes))
        return own, iter(attributes.values())
    if kind is functools.partial:
        return _FRAME, itertools.chain(
            (value.func,), value.args, value.keywords.values()
        )
    if kind is slice:
        return _FRAME, iter((value.start, value.stop, value.step))
    if isinstance(value, array.array):
        return _FRAME + 32 * len(value), iter(())
    if _generated_dataclass_repr(kind):
        shown = [f for f in dataclasses.fields(value) if f.repr]
        names = sum(len(f.name) + 3 for f in shown) + len(kind.__qualname__)
        return _FRAME + names, (getattr(value, f.name) for f in shown)
    return None


def renders_items(value: object) -> bool:
    """
    Tell whether *value*'s text is made of the texts of what it holds.
    """
    return _parts(value) is not None


def _base_of(value: object) -> type:
    for base in (list, set, frozenset, collections.deque):
        if isinstance(value, base):
            return base
    return object  # pragma: no cover -- only asked of those above


_NUMBERS: Final = frozenset({int, float, bool, type(None)})
_FLAT: Final = (list, tuple, set, frozenset)
# Digits of the largest int Python turns into text (sys.int_info's
# default_max_str_digits), and a sign.
_INT_TEXT: Final = 4301


def _flat_bound(value: Any) -> int | None:
    """
    A bound found in C for a flat sequence of numbers or of strings, or
    None if it needs the walk.
    """
    kinds = set(map(type, value))
    if kinds <= _NUMBERS:
        per_item = _INT_TEXT if int in kinds else 32
        return _FRAME + (per_item + _PER_ITEM) * len(value)
    if kinds == {str}:
        return _FRAME + 10 * sum(map(len, value)) + 6 * len(value)
    return None


def text_bound(value: object, limit: int) -> int:
    """
    An upper bound on the length of ``repr(value)`` (and of ``str``,
    ``format`` and an f-string field of it).

    Raises:
        TooLong: As soon as the bound passes *limit*.
    """
    if type(value) in _FLAT:
        flat = _flat_bound(value)
        if flat is not None and flat <= limit:
            return flat
    return _walk(value, limit)[0]


def text_bound_and_depth(value: object, limit: int) -> tuple[int, int]:
    """
    ``(bound, nesting)``: ``text_bound`` (``limit + 1`` past *limit*), and
    how deep containers nest in *value* (0 for a scalar).
    """
    if type(value) in _FLAT:
        flat = _flat_bound(value)
        if flat is not None and flat <= limit:
            return flat, 1
    try:
        return _walk(value, limit)
    except TooLong:
        return limit + 1, 0


def _walk(value: object, limit: int) -> tuple[int, int]:
    deepest = 0
    memo: dict[int, int] = {}
    on_path: set[int] = set()
    # Frames of the walk: [id, what it renders, characters so far].
    stack: list[list[Any]] = []

    def start(obj: object) -> int | None:
        size = _scalar(obj)
        if size is not None:
            return size
        key = id(obj)
        if key in memo:
            return memo[key]
        if key in on_path:
            return 5  # a cycle renders as [...]
        parts = _parts(obj)
        if parts is None:
            return _NOMINAL
        own, children = parts
        on_path.add(key)
        stack.append([key, children, own])
        return None

    total = start(value)
    if total is not None:
        if total > limit:
            raise TooLong
        return total, 0
    while stack:
        deepest = max(deepest, len(stack))
        frame = stack[-1]
        for child in frame[1]:
            size = start(child)
            if size is None:
                break  # walk the child first; this frame resumes after
            frame[2] += size
            if frame[2] > limit:
                raise TooLong
        else:
            stack.pop()
            key, _, size = frame
            on_path.discard(key)
            memo[key] = size
            if not stack:
                return int(size), deepest
            stack[-1][2] += size
            if stack[-1][2] > limit:
                raise TooLong
    raise AssertionError  # pragma: no cover -- the loop returns


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
        if type(value) in PLAIN:
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
        kind = type(values)
        if kind in PLAIN:
            return values
        if kind is tuple:
            for value in values:  # type: ignore[attr-defined]
                self.check(value, "a %-format")
        elif kind is dict:
            for value in values.values():  # type: ignore[attr-defined]
                self.check(value, "a %-format")
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
        ``repr``.
        """
        self._quoted(obj, "a repr()", 4)
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
