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
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from ._bombs import BombChecks

_BUFFERS = (str, bytes, bytearray, memoryview)


class SizedType(type):
    """
    Metaclass of the sized ``bytes`` and ``bytearray`` of one sandbox.
    """

    _real: type
    _bombs: BombChecks

    def __instancecheck__(cls, obj: object) -> bool:
        if cls.__dict__.get("_real") is not None:
            return isinstance(obj, cls._real)
        return type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        if cls.__dict__.get("_real") is not None:
            return issubclass(sub, cls._real)
        return type.__subclasscheck__(cls, sub)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if args and not isinstance(args[0], _BUFFERS):
            first = args[0]
            # A size (an int, or anything with __index__ and no __bytes__):
            # read it once, check it, and pass on the plain integer.
            if not hasattr(type(first), "__bytes__") and hasattr(
                type(first), "__index__"
            ):
                size = operator.index(first)
                cls._bombs.check_size(f"{cls.__name__}()", size)
                args = (size, *args[1:])
        real = cls.__dict__.get("_real")
        if real is not None:
            return real(*args, **kwargs)
        return type.__call__(cls, *args, **kwargs)


def sized_types(bombs: BombChecks) -> dict[type, type]:
    """
    One sandbox's sized ``bytes`` and ``bytearray``, keyed by the real
    types.
    """
    made: dict[type, type] = {}
    for real in (builtins.bytes, builtins.bytearray):
        namespace = {
            "_real": real,
            "_bombs": bombs,
            "__module__": "builtins",
            "__qualname__": real.__name__,
            "__slots__": (),
            "__doc__": real.__doc__,
        }
        made[real] = SizedType(real.__name__, (real,), namespace)
    return made
