"""
``array.array`` for plugin code: every way an array grows is sized
against the memory budget, in bytes (items times ``itemsize``).

Like the sandbox's memory files (``_stdio``), the class holds a real array
rather than derive from it, and keeps it in a table of the closure: a
subclass of the real class would leave ``super(array, a).frombytes`` and
the unchecked C repetition one step away, and an attribute would let a
plugin's subclass read the real array.  Results (slices, ``a + b``,
``a * n``, copies) are new sandbox arrays; iteration goes through a
generator, since the real array's iterator would hand back the real array
from ``__reduce__``.
"""

from __future__ import annotations

import array as _array
import itertools
import operator
import weakref
from typing import TYPE_CHECKING, Any, Final, NoReturn


if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ._bombs import BombChecks


# Items an array takes from an iterator between two size checks.
_CHUNK: Final = 1 << 16

# Bytes a Python object of a list takes at the least (its pointer), and
# the characters repr() may write for one item.
_POINTER: Final = 8
_REPR_CHARS: Final = 32

# Sequences whose length C sees as it is.
_SIZED_SOURCES: Final = (list, tuple, range, bytes, bytearray, str)


def make_array(bombs: BombChecks) -> dict[str, object]:
    """
    The replaced members of one sandbox's ``array`` module.
    """
    check_size = bombs.check_size
    arrays: dict[int, tuple[weakref.ref[Any], _array.array[Any]]] = {}

    def real(obj: object) -> _array.array[Any]:
        try:
            return arrays[id(obj)][1]
        except KeyError:
            msg = "the array was not initialized"
            raise ValueError(msg) from None

    def attach(obj: object, value: _array.array[Any]) -> None:
        key = id(obj)
        arrays[key] = (
            weakref.ref(obj, lambda _: arrays.pop(key, None)),
            value,
        )

    def grows(value: _array.array[Any], items: int, what: str) -> None:
        check_size(what, (len(value) + items) * value.itemsize)

    def extend(value: _array.array[Any], items: Any) -> None:
        if isinstance(items, array):
            other = real(items)
            grows(value, len(other), "an array extend()")
            value.extend(other)
        elif type(items) in _SIZED_SOURCES:
            grows(value, len(items), "an array extend()")
            value.extend(items)
        else:
            iterator = iter(items)
            while chunk := list(itertools.islice(iterator, _CHUNK)):
                grows(value, len(chunk), "an array extend()")
                value.extend(chunk)

    def new(value: _array.array[Any]) -> Any:
        result = object.__new__(array)
        attach(result, value)
        return result

    class array:  # noqa: N801, PLW1641 -- the standard library's name; mutable, so unhashable
        """
        ``array.array``, sized against the plugin's memory budget.
        """

        __slots__ = ("__weakref__",)

        def __init__(self, typecode: str, initializer: Any = None, /) -> None:
            value: _array.array[Any] = _array.array(typecode)
            attach(self, value)
            if initializer is None:
                return
            if isinstance(initializer, (bytes, bytearray)):
                grows(value, len(initializer), "an array")
                value.frombytes(initializer)
            elif isinstance(initializer, str):
                grows(value, len(initializer), "an array")
                value.fromunicode(initializer)
            else:
                extend(value, initializer)

        typecode = property(lambda self: real(self).typecode)
        itemsize = property(lambda self: real(self).itemsize)

        def __repr__(self) -> str:
            value = real(self)
            check_size("repr() of an array", len(value) * _REPR_CHARS)
            return repr(value)

        def __len__(self) -> int:
            return len(real(self))

        def __iter__(self) -> Iterator[Any]:
            yield from real(self)

        def __contains__(self, item: object) -> bool:
            return item in real(self)

        def __getitem__(self, index: Any) -> Any:
            item = real(self)[index]
            return new(item) if isinstance(index, slice) else item

        def __setitem__(self, index: Any, item: Any) -> None:
            value = real(self)
            if isinstance(index, slice) and isinstance(item, array):
                other = real(item)
                grows(value, len(other), "an array slice assignment")
                value[index] = other
            else:
                value[index] = item

        def __delitem__(self, index: Any) -> None:
            del real(self)[index]

        def __eq__(self, other: object) -> bool:
            if isinstance(other, array):
                return real(self) == real(other)
            return NotImplemented

        def __lt__(self, other: object) -> bool:
            if isinstance(other, array):
                return real(self) < real(other)
            return NotImplemented

        def __le__(self, other: object) -> bool:
            if isinstance(other, array):
                return real(self) <= real(other)
            return NotImplemented

        def __gt__(self, other: object) -> bool:
            if isinstance(other, array):
                return real(self) > real(other)
            return NotImplemented

        def __ge__(self, other: object) -> bool:
            if isinstance(other, array):
                return real(self) >= real(other)
            return NotImplemented

        def __add__(self, other: object) -> Any:
            if not isinstance(other, array):
                return NotImplemented
            value, more = real(self), real(other)
            grows(value, len(more), "an array concatenation")
            return new(value + more)

        def __iadd__(self, other: object) -> Any:
            if not isinstance(other, array):
                return NotImplemented
            extend(real(self), other)
            return self

        def __mul__(self, count: Any) -> Any:
            value = real(self)
            times = operator.index(count)
            grows(value, len(value) * (times - 1), "an array repetition")
            return new(value * times)

        __rmul__ = __mul__

        def __imul__(self, count: Any) -> Any:
            value = real(self)
            times = operator.index(count)
            grows(value, len(value) * (times - 1), "an array repetition")
            value *= times
            return self

        def __copy__(self) -> Any:
            return new(_array.array(real(self).typecode, real(self)))

        def __deepcopy__(self, memo: object) -> Any:
            return self.__copy__()

        def __reduce_ex__(self, protocol: object) -> NoReturn:
            msg = "sandbox arrays cannot be pickled"
            raise TypeError(msg)

        def __bytes__(self) -> bytes:
            return real(self).tobytes()

        def append(self, item: Any, /) -> None:
            grows(real(self), 1, "an array append()")
            real(self).append(item)

        def insert(self, index: int, item: Any, /) -> None:
            grows(real(self), 1, "an array insert()")
            real(self).insert(index, item)

        def extend(self, items: Iterable[Any], /) -> None:
            extend(real(self), items)

        def frombytes(self, data: Any, /) -> None:
            value = real(self)
            with memoryview(data) as view:
                grows(value, view.nbytes // value.itemsize, "an array")
            value.frombytes(data)

        def fromlist(self, items: list[Any], /) -> None:
            if type(items) is not list:
                msg = "arg must be list"
                raise TypeError(msg)
            grows(real(self), len(items), "an array fromlist()")
            real(self).fromlist(items)

        def fromunicode(self, text: str, /) -> None:
            if isinstance(text, str):
                grows(real(self), len(text), "an array fromunicode()")
            real(self).fromunicode(text)

        def tolist(self) -> list[Any]:
            value = real(self)
            check_size("an array tolist()", len(value) * _POINTER)
            return value.tolist()

        def tobytes(self) -> bytes:
            return real(self).tobytes()

        def tounicode(self) -> str:
            return real(self).tounicode()

        def count(self, item: object, /) -> int:
            return real(self).count(item)

        def index(self, item: object, *bounds: int) -> int:
            return real(self).index(item, *bounds)

        def pop(self, index: int = -1, /) -> Any:
            return real(self).pop(index)

        def remove(self, item: object, /) -> None:
            real(self).remove(item)

        def reverse(self) -> None:
            real(self).reverse()

        def byteswap(self) -> None:
            real(self).byteswap()

    array.__module__ = "array"
    array.__qualname__ = "array"
    return {"array": array}
