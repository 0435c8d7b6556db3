"""
Capability facades: the only host objects plugin code ever holds.

A facade is an instance of a final class with slots, whose attributes are
closures over host state.  Plugin code can call them but has no way to
their state: closures are reached only through dunders, the class has no
methods to call with a forged ``self``, and instances refuse every write
and copy.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final, cast, final


if TYPE_CHECKING:
    from collections.abc import Mapping


class _FacadeBase:
    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"{type(self).__name__} is read-only"
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, None)

    def __reduce_ex__(self, protocol: Any) -> Any:
        msg = "capabilities cannot be copied or pickled"
        raise TypeError(msg)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


_SENTINEL: Final = object()


@functools.cache
def _facade_class(name: str, fields: tuple[str, ...]) -> type[_FacadeBase]:
    def __init__(  # noqa: N807 -- installed as the class's __init__
        self: _FacadeBase, key: object, values: Mapping[str, object]
    ) -> None:
        if key is not _SENTINEL:
            msg = f"{name} is made by the host"
            raise TypeError(msg)
        for field in fields:
            object.__setattr__(self, field, values[field])

    namespace: dict[str, object] = {"__slots__": fields, "__init__": __init__}
    return final(type(name, (_FacadeBase,), namespace))


def facade(name: str, **members: object) -> Any:
    """
    Build a facade named *name* whose attributes are *members*.

    Members are closures or other facades, never raw host objects.
    """
    cls = _facade_class(name, tuple(sorted(members)))
    return cast("Any", cls)(_SENTINEL, members)
