"""
``array.array`` for plugin code: real arrays, indexed at C speed, with
every way an array grows sized against the memory budget, in bytes
(items times ``itemsize``).

Plugin code holds real ``array.array`` objects, as it holds real
``bytearray`` ones: ``a[i]`` and ``a[i] = x`` are the C slots, with no
call into Python (a class of the sandbox's around the array cost scimark
four times its plain time).  A slice, ``a + b``, ``a * n`` and a copy are
real arrays anyway, whatever class built the first one.  What stays
checked:

- Construction.  The name ``array.array`` is the sandbox's subclass
  whose metaclass sizes the initializer and builds a real array;
  ``type(a)`` answers it for real arrays, so ``type(a)(...)`` is sized
  too.  Its ``__new__`` sizes as well, for the plugin's own subclasses,
  and the real ``__new__`` (read from a real array, or through
  ``super()``) is served as this one.  Lazy initializers (an iterator, a
  list subclass whose ``__len__`` lies to C's allocation) are drained in
  chunks, each checked before it is kept.
- Growth.  ``extend``, ``frombytes``, ``fromlist`` and ``fromunicode``
  are sized methods (``SizedMethods`` calls the checks here); ``*``,
  ``+``, ``*=`` and ``+=`` take the operators' checks, which count arrays
  among the sequences.  ``tolist`` is sized as the old wrapper did.
- ``buffer_info`` (the buffer's address), ``tofile`` and ``fromfile``
  (which call a file object's methods from C) are refused.

The real iterator's ``__reduce__`` hands back the real array: that is
what plugin code holds already.  Slice assignment (``a[len(a):] = a``) is
C's, as it is for lists: it doubles at most per call, and the memory
watch stops a loop of them.
"""

from __future__ import annotations

import array as _array
import itertools
from typing import TYPE_CHECKING, Any, Final, TypeAlias


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks


# The real class, generic to the type checker only (it is not
# subscriptable at run time in 3.11).
if TYPE_CHECKING:
    _Array: TypeAlias = _array.array[Any]
else:
    _Array = _array.array

# Items an array takes from an iterator between two size checks.
_CHUNK: Final = 1 << 16

# Bytes a Python object of a list takes at the least (its pointer).
_POINTER: Final = 8

# Exact types whose length is what C allocates for.
_SIZED_SOURCES: Final = frozenset({list, tuple, range})

# The real array's own length, typecode and item size: a plugin's
# subclass may override them, but C uses the real ones.
_LENGTH: Final = _array.array.__len__
_TYPECODE: Final = _array.array.__dict__["typecode"]
_ITEMSIZE: Final = _array.array.__dict__["itemsize"]
_REAL_NEW: Final = _array.array.__new__

# Array methods refused to plugin code (through the attribute guard), and
# why.
REFUSED_METHODS: Final = {
    "buffer_info": "array buffer_info() (the buffer's address)",
    "fromfile": "array fromfile() (a file object's read, called from C)",
    "tofile": "array tofile() (a file object's write, called from C)",
}


def is_array(obj: object) -> bool:
    """
    Tell whether *obj* is an array, an array class, or ``super()`` of
    either.
    """
    if isinstance(obj, super):
        obj = super.__dict__["__self__"].__get__(obj)
    kind = obj if isinstance(obj, type) else type(obj)
    return issubclass(kind, _array.array)


class ArrayChecks:
    """
    The size checks of one sandbox's arrays.

    Args:
        bombs: The sandbox's size checks.
    """

    __slots__ = ("_check_size",)

    def __init__(self, bombs: BombChecks) -> None:
        self._check_size = bombs.check_size

    def initializer(self, typecode: Any, items: Any = None) -> tuple[Any, ...]:
        """
        The arguments after *typecode* to hand the real constructor:
        *items*, sized, or a real array holding them.
        """
        if items is None:
            return ()
        empty = _array.array(typecode)  # the real errors for bad typecodes
        return (self._sized(empty, items, "an array"),)

    def extend(self, value: Any, items: Any, /) -> tuple[Any, ...]:
        """
        ``a.extend(items)``: the arguments to call it with.
        """
        return (self._sized(value, items, "an array extend()"),)

    def frombytes(self, value: Any, data: Any, /) -> None:
        """
        ``a.frombytes(data)``: sized by the bytes it copies.
        """
        try:
            with memoryview(data) as view:
                size = view.nbytes
        except TypeError:
            return  # frombytes() raises its own error
        self._grows(value, size, "an array frombytes()")

    def fromlist(self, value: Any, items: Any, /) -> None:
        """
        ``a.fromlist(items)``: sized by the list's real length.
        """
        if isinstance(items, list):
            size = list.__len__(items) * _ITEMSIZE.__get__(value)
            self._grows(value, size, "an array fromlist()")

    def fromunicode(self, value: Any, text: Any, /) -> None:
        """
        ``a.fromunicode(text)``: sized by the text's real length.
        """
        if isinstance(text, str):
            size = str.__len__(text) * _ITEMSIZE.__get__(value)
            self._grows(value, size, "an array fromunicode()")

    def tolist(self, value: Any, /) -> None:
        """
        ``a.tolist()``: a list of as many objects as the array has items.
        """
        self._check_size("an array tolist()", _LENGTH(value) * _POINTER)

    def _grows(self, value: Any, size: int, what: str) -> None:
        held = _LENGTH(value) * _ITEMSIZE.__get__(value)
        self._check_size(what, held + size)

    def _sized(self, value: Any, items: Any, what: str) -> Any:
        """
        *items* for *value* to take in one call into C once sized, or a
        real array filled from them chunk by chunk.
        """
        itemsize = _ITEMSIZE.__get__(value)
        if isinstance(items, _array.array):
            size = _LENGTH(items) * itemsize
        elif isinstance(items, (bytes, bytearray)):
            # The constructor copies the bytes; extend() takes each as an
            # item: sized as items, which is the larger.
            size = len(memoryview(items)) * itemsize
        elif isinstance(items, str):
            size = str.__len__(items) * itemsize
        elif type(items) in _SIZED_SOURCES:
            size = len(items) * itemsize
        else:
            return self._drained(value, items, what)
        self._grows(value, size, what)
        return items

    def _drained(self, value: Any, items: Any, what: str) -> Any:
        result = _array.array(_TYPECODE.__get__(value))
        itemsize = result.itemsize
        iterator = iter(items)
        while chunk := list(itertools.islice(iterator, _CHUNK)):
            self._grows(value, (len(result) + len(chunk)) * itemsize, what)
            result.extend(chunk)
        return result


def make_array(bombs: BombChecks) -> dict[str, object]:
    """
    The replaced members of one sandbox's ``array`` module.
    """
    checks = ArrayChecks(bombs)

    def new(cls: type, *args: Any) -> Any:
        if not 1 <= len(args) <= 2:  # noqa: PLR2004 -- array()'s arity
            msg = f"array() takes 1 or 2 arguments ({len(args)} given)"
            raise TypeError(msg)
        typecode = args[0]
        return _REAL_NEW(cls, typecode, *checks.initializer(*args))

    class ArrayType(type):
        """
        The metaclass of the sandbox's ``array.array``: calling it builds
        a real array, sized; every real array is an instance.
        """

        def __instancecheck__(cls, obj: object) -> bool:
            if cls is array:
                return isinstance(obj, _array.array)
            return type.__instancecheck__(cls, obj)

        def __subclasscheck__(cls, sub: type) -> bool:
            if cls is array:
                return issubclass(sub, _array.array)
            return type.__subclasscheck__(cls, sub)

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls is array:
                if kwargs:
                    msg = "array.array() takes no keyword arguments"
                    raise TypeError(msg)
                return new(_array.array, *args)
            return type.__call__(cls, *args, **kwargs)

    class array(_Array, metaclass=ArrayType):  # noqa: N801 -- the standard library's name
        __slots__ = ()
        __doc__ = _array.array.__doc__

        def __new__(cls, *args: Any) -> Any:
            return new(cls, *args)

    array.__module__ = "array"
    array.__qualname__ = "array"
    return {"array": array}


def checked_constructors(
    real: type, replacement: object
) -> dict[object, Callable[..., Any]]:
    """
    The sized ``__new__`` to serve for the real one, when *replacement*
    is the sandbox's ``array.array`` standing in for the *real* class.
    """
    if real is not _array.array or not isinstance(replacement, type):
        return {}
    return {_REAL_NEW: replacement.__new__}
