"""
The ``bytes`` and ``bytearray`` plugin code sees: the real types, except
that calling them with a size is checked against the memory budget.

``bytearray(10**10)`` fills ten gigabytes in one call into C, and
``bytes(10**10)`` maps them lazily, to be filled by the next method that
walks them; no time budget can interrupt either.  Replacing the names with
functions would break ``isinstance(x, bytes)`` and ``type(x) is bytes``,
so each sandbox gets subclasses whose metaclass checks calls and answers
``isinstance`` for the real type, and its ``type()`` maps the real types
to them.  Subclassing them in plugin code works as subclassing the real
types does.

A plugin's subclass reaches what its bases hold, so the real type and
the checks live under names plugin code cannot read, and the methods
that take the size are the checked ones: ``bytes.__new__`` and
``bytearray.__init__`` (``B.__new__(B, n)``, ``super().__init__(n)``).
The real ones, read through ``super()`` or from an object, are served
checked too (``checked_constructors`` and ``checked_init``).
"""

from __future__ import annotations

import builtins
import operator
import types
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks

_BUFFERS = (str, bytes, bytearray, memoryview)


def _sized(bombs: BombChecks, what: str, args: tuple[Any, ...]) -> Any:
    """
    *args* of a ``bytes`` or ``bytearray`` call, a size among them
    checked and passed on as a plain integer.
    """
    if args and not isinstance(args[0], _BUFFERS):
        first = args[0]
        # A size (an int, or anything with __index__ and no __bytes__):
        # read it once, check it, and pass on the plain integer.
        if not hasattr(type(first), "__bytes__") and hasattr(
            type(first), "__index__"
        ):
            size = operator.index(first)
            bombs.check_size(what, size)
            return (size, *args[1:])
    return args


class SizedType(type):
    """
    Metaclass of the sized ``bytes`` and ``bytearray`` of one sandbox.
    """

    # Dunder names: a plugin's subclass would read private ones.
    __acc_real__: type
    __acc_bombs__: BombChecks

    def __instancecheck__(cls, obj: object) -> bool:
        if cls.__dict__.get("__acc_real__") is not None:
            return isinstance(obj, cls.__acc_real__)
        return type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        if cls.__dict__.get("__acc_real__") is not None:
            return issubclass(sub, cls.__acc_real__)
        return type.__subclasscheck__(cls, sub)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        real = cls.__dict__.get("__acc_real__")
        if real is not None:
            args = _sized(cls.__acc_bombs__, f"{cls.__name__}()", args)
            return real(*args, **kwargs)
        # A subclass: its __new__ or __init__ is the checked one below.
        return type.__call__(cls, *args, **kwargs)


def sized_types(bombs: BombChecks) -> dict[type, type]:
    """
    One sandbox's sized ``bytes`` and ``bytearray``, keyed by the real
    types.
    """

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return bytes.__new__(cls, *_sized(bombs, "bytes()", args), **kwargs)

    def init(self: bytearray, *args: Any, **kwargs: Any) -> None:
        args = _sized(bombs, "bytearray()", args)
        bytearray.__init__(self, *args, **kwargs)

    made: dict[type, type] = {}
    for real, method in ((builtins.bytes, new), (builtins.bytearray, init)):
        namespace = {
            "__acc_real__": real,
            "__acc_bombs__": bombs,
            "__module__": "builtins",
            "__qualname__": real.__name__,
            "__slots__": (),
            "__doc__": real.__doc__,
            f"__{method.__name__}__": method,
        }
        made[real] = SizedType(real.__name__, (real,), namespace)
    return made


def checked_constructors(sized: dict[type, type]) -> dict[object, object]:
    """
    The checked ``__new__`` to serve for the real ``bytes.__new__``.
    """
    return {bytes.__new__: sized[bytes].__new__}


def checked_init(value: Any, sized: dict[type, type]) -> Any:
    """
    *value*, read as ``__init__``, or the checked one for the real
    ``bytearray.__init__`` (bound, through ``super()``, or unbound).
    """
    init: Callable[..., None] = sized[bytearray].__dict__["__init__"]
    if value is bytearray.__init__:
        return init
    if isinstance(value, types.MethodWrapperType) and isinstance(
        value.__self__, bytearray
    ):
        return types.MethodType(init, value.__self__)
    return value
