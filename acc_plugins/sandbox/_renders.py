"""
Which objects render what they hold, and the parts their text is made of:
a container's items, a dataclass's fields, an exception's arguments.

Kept apart from the bound's walk (``_rendering``) because it is knowledge
of types, asked once per class and cached, while the walk is per value.
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
    from collections.abc import Iterator


# Characters ``repr`` adds around a container's items at most, and per item.
FRAME: Final = 40
PER_ITEM: Final = 4
_VIEWS: Final[tuple[type, ...]] = (
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)


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


def parts_of(value: Any) -> tuple[int, Iterator[object]] | None:
    """
    ``(characters of its own, what it renders)`` for an object whose text
    renders other objects in C or in library code, else None.
    """
    kind = type(value)
    if isinstance(value, (list, set, frozenset, collections.deque)):
        if _own_repr(kind, _base_of_type(kind)):
            return FRAME + PER_ITEM * len(value), iter(value)
        return None
    if isinstance(value, tuple):
        fields = getattr(kind, "_fields", None)
        if type(fields) is tuple and all(type(f) is str for f in fields):
            # A named tuple: Name(field=value, ...).
            names = sum(map(len, fields)) + len(kind.__name__)
            return FRAME + names + PER_ITEM * len(value), iter(value)
        if _own_repr(kind, tuple):
            return FRAME + PER_ITEM * len(value), iter(value)
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
            extra = FRAME + 2 * PER_ITEM * len(value)
            factory = getattr(value, "default_factory", None)
            if factory is not None:
                return extra, itertools.chain((factory,), items)
            return extra, items
        return None
    if isinstance(value, _VIEWS):
        view: Any = value
        return FRAME + 2 * PER_ITEM * len(view), iter(view)
    if isinstance(value, types.MappingProxyType):
        items = itertools.chain.from_iterable(value.items())
        return FRAME + 2 * PER_ITEM * len(value), items
    if isinstance(value, BaseException):
        return FRAME + len(kind.__name__), iter(value.args)
    if isinstance(value, types.SimpleNamespace) and _own_repr(
        kind, types.SimpleNamespace
    ):
        attributes: dict[str, Any] = vars(value)
        own = FRAME + sum(map(len, attributes))
        return own, iter(attributes.values())
    if kind is functools.partial:
        return FRAME, itertools.chain(
            (value.func,), value.args, value.keywords.values()
        )
    if kind is slice:
        return FRAME, iter((value.start, value.stop, value.step))
    if isinstance(value, array.array):
        return FRAME + 32 * len(value), iter(())
    if _generated_dataclass_repr(kind):
        shown = [f for f in dataclasses.fields(value) if f.repr]
        names = sum(len(f.name) + 3 for f in shown) + len(kind.__qualname__)
        return FRAME + names, (getattr(value, f.name) for f in shown)
    return None


# Whether objects of a class render what they hold, by the class's id
# (with the class, so that a new class at a reused id is not mistaken).
_RENDERS: dict[int, tuple[type, bool]] = {}
_RENDERS_KEPT: Final = 4096


def _type_renders(kind: type) -> bool:
    if issubclass(kind, (list, set, frozenset, collections.deque)):
        return _own_repr(kind, _base_of_type(kind))
    if issubclass(kind, tuple):
        return hasattr(kind, "_fields") or _own_repr(kind, tuple)
    if issubclass(kind, dict):
        return (
            kind is dict
            or kind.__module__ == "collections"
            or _own_repr(kind, dict)
        )
    if issubclass(kind, types.SimpleNamespace):
        return _own_repr(kind, types.SimpleNamespace)
    return (
        issubclass(
            kind,
            (*_VIEWS, types.MappingProxyType, BaseException, array.array),
        )
        or kind is functools.partial
        or kind is slice
        or _generated_dataclass_repr(kind)
    )


def renders_items(value: object) -> bool:
    """
    Tell whether *value*'s text is made of the texts of what it holds.
    """
    kind = type(value)
    known = _RENDERS.get(id(kind))
    if known is not None and known[0] is kind:
        return known[1]
    renders = _type_renders(kind)
    if len(_RENDERS) >= _RENDERS_KEPT:
        _RENDERS.clear()
    _RENDERS[id(kind)] = (kind, renders)
    return renders


def _base_of_type(kind: type) -> type:
    for base in (list, set, frozenset, collections.deque):
        if issubclass(kind, base):
            return base
    return object  # pragma: no cover -- only asked of those above
