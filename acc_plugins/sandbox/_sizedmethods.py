"""
Methods whose result their arguments size, made safe to call.

The compiler routes ``+``, ``*``, ``**``, ``<<`` and ``%`` through size
checks, but the same operations are methods too (``"x".__mul__(10**9)``,
``str.__add__(s, s)``, ``(1).__lshift__(10**9)``), and text and lists have
methods that build a result far larger than their arguments in one call
into C, where no budget check runs until it returns:
``"-".join(["x" * 10**7] * 100)`` (a gigabyte),
``("a" * 10**5).replace("a", "b" * 10**4)``,
``"a" * 10**6).translate({97: "b" * 1000})``, and ``l.extend(l)``, which
doubles a list like ``l += l``.

The attribute guard hands out these methods wrapped: each wrapper checks
the size the call would produce against the plugin's memory budget, then
calls the real method.  A plugin's own methods are left alone: they run as
plugin code, under the budget.
"""

from __future__ import annotations

import array
import string
import types
from collections import Counter, deque
from typing import TYPE_CHECKING, Any, Final

from ._arrays import ArrayChecks
from ._policy import KEYED_METHODS, SIZED_METHODS
from ._sequences import item_bytes, true_len
from ._templates import checked_values


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks

# The operator dunders (SIZED_DUNDERS but __format__) and the operator
# whose checks they get; True where the dunder is the reflected one
# (``a.__radd__(b)`` is ``b + a``).
OPERATOR_DUNDERS: Final[dict[str, tuple[str, bool]]] = {
    "__add__": ("+", False),
    "__iadd__": ("+", False),
    "__ilshift__": ("<<", False),
    "__imod__": ("%", False),
    "__imul__": ("*", False),
    "__ipow__": ("**", False),
    "__lshift__": ("<<", False),
    "__mod__": ("%", False),
    "__mul__": ("*", False),
    "__pow__": ("**", False),
    "__radd__": ("+", True),
    "__rlshift__": ("<<", True),
    "__rmod__": ("%", True),
    "__rmul__": ("*", True),
    "__rpow__": ("**", True),
}

_TEXT: Final = (str, bytes, bytearray)
_GROWING: Final = (list, bytearray, deque)
# Whose sized methods are the library's: the checks apply to these.
_RECEIVERS: Final = (
    *_TEXT,
    *_GROWING,
    int,
    Counter,
    array.array,
    string.Template,
)
# Receivers whose methods are the built-in ones, for certain.
_EXACT: Final = frozenset({str, bytes, bytearray, list, deque, int})
_C_BOUND: Final = (types.BuiltinMethodType, types.MethodWrapperType)
_C_UNBOUND: Final = (types.MethodDescriptorType, types.WrapperDescriptorType)


class SizedMethods:
    """
    The sized methods of one sandbox.

    Args:
        bombs: The sandbox's size checks.

        owns: Tells whether an object is the plugin's own.

        get_attribute: The attribute guard.

        keyed: Calls a method (``list.sort``) with its ``key`` checked
            (``Callbacks.keyed``).
    """

    def __init__(
        self,
        bombs: BombChecks,
        owns: Callable[[object], bool],
        get_attribute: Callable[[object, str], Any],
        keyed: Callable[..., Any],
    ) -> None:
        self._bombs = bombs
        self._arrays = ArrayChecks(bombs)
        self._owns = owns
        self._get_attribute = get_attribute
        self._keyed = keyed
        self._checkers: dict[str, Callable[..., Any]] = {
            name: getattr(self, f"_check_{name}")
            for name in SIZED_METHODS - KEYED_METHODS
        }

    def call(self, receiver: Any, name: str, /, *args: Any, **kw: Any) -> Any:
        """
        ``receiver.name(*args, **kw)`` for a sized method name, as compiled
        plugin code calls it: checked directly on the built-in types, and
        through the attribute guard on anything else.
        """
        if type(receiver) in _EXACT:
            method = getattr(receiver, name)
            if name in KEYED_METHODS:
                return self._keyed(method, *args, **kw)
            args = self._checkers[name](receiver, *args, **kw) or args
            return method(*args, **kw)
        return self._get_attribute(receiver, name)(*args, **kw)

    def wrap(self, value: Any, name: str) -> Any:
        """
        *value*, read as attribute *name*, with its result size checked
        when it is the library's method, or *value* itself.
        """
        if name == "__format__":
            return self._format(value)
        operator = OPERATOR_DUNDERS.get(name)
        if operator is not None:
            return self._operator(value, *operator)
        return self._method(value, name)

    # -- the receiver of a method -------------------------------------------

    def _bound_self(self, value: Any) -> tuple[bool, Any]:
        """
        ``(True, receiver)`` for a bound method of the library's, ``(False,
        None)`` for an unbound one, and ``(True, value)`` for a plugin's own
        callable (which is left alone).
        """
        if isinstance(value, _C_BOUND):
            return True, value.__self__
        if isinstance(value, _C_UNBOUND):
            return False, None
        if isinstance(value, types.MethodType):
            if self._owns(value.__func__):
                return True, value
            return True, value.__self__
        if isinstance(value, types.FunctionType) and not self._owns(value):
            # A module's function that happens to share a method's name
            # (``os.path.join``) is not a method: left alone.
            if "." not in value.__qualname__:
                return True, value
            return False, None
        return True, value

    # -- operator dunders ---------------------------------------------------

    def _operator(self, value: Any, op: str, reflected: bool) -> Any:
        bound, receiver = self._bound_self(value)
        if receiver is value:
            return value
        check = self._bombs.check_operands

        if bound:

            def bound_operator(other: Any, *rest: Any) -> Any:
                if not rest:  # pow(a, b, modulo) is bounded by the modulus
                    if reflected:
                        check(op, other, receiver)
                    else:
                        check(op, receiver, other)
                return value(other, *rest)

            return bound_operator

        def unbound_operator(this: Any, other: Any, *rest: Any) -> Any:
            if not rest:
                if reflected:
                    check(op, other, this)
                else:
                    check(op, this, other)
            return value(this, other, *rest)

        return unbound_operator

    def _format(self, value: Any) -> Any:
        bound, receiver = self._bound_self(value)
        if receiver is value:
            return value
        check_spec = self._bombs.formats.check_spec
        if bound:

            def bound_format(spec: Any) -> Any:
                check_spec(spec)
                return value(spec)

            return bound_format

        def unbound_format(this: Any, spec: Any) -> Any:
            check_spec(spec)
            return value(this, spec)

        return unbound_format

    # -- text and sequence methods --------------------------------------------

    def _method(self, value: Any, name: str) -> Any:
        bound, receiver = self._bound_self(value)
        if receiver is value:
            return value
        if name in KEYED_METHODS:
            keyed = self._keyed

            def keyed_method(*args: Any, **kwargs: Any) -> Any:
                return keyed(value, *args, **kwargs)

            return keyed_method
        # A checker returns None, or the arguments to call with instead.
        checker = self._checkers[name]
        if bound:
            if not isinstance(receiver, _RECEIVERS):
                return value

            def bound_method(*args: Any, **kwargs: Any) -> Any:
                args = checker(receiver, *args, **kwargs) or args
                return value(*args, **kwargs)

            return bound_method

        def unbound_method(this: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(this, _RECEIVERS):
                args = checker(this, *args, **kwargs) or args
            return value(this, *args, **kwargs)

        return unbound_method

    def _too_big(self, what: str, size: int) -> None:
        self._bombs.check_size(what, size)

    def _check_join(self, separator: Any, items: Any = (), /) -> Any:
        # The items are read once, here: an iterator handed to join() would
        # otherwise be exhausted by the size check.
        given = items
        if type(items) is not list and type(items) is not tuple:
            items = list(items)
        try:
            between = true_len(separator) * len(items)
        except TypeError:
            return (items,)  # join() raises its own error for these
        try:
            # str.__len__ reads the real length of a str (and of a
            # subclass's, whatever its __len__ says) in one C loop.
            lengths = map(
                str.__len__ if type(separator) is str else true_len, items
            )
            total = sum(lengths) + between
        except TypeError:
            try:
                total = sum(map(true_len, items)) + between
            except TypeError:
                return (items,)  # join() raises its own error for these
        if total * 4 > self._bombs.memory_bytes:
            self._check_wide_join(separator, items, total)
        return None if items is given else (items,)

    def _check_wide_join(self, separator: Any, items: Any, total: int) -> None:
        self._too_big("a join", total)
        if isinstance(separator, str) and (
            not separator.isascii()
            or not all(type(item) is str and item.isascii() for item in items)
        ):
            self._too_big("a join", total * 4)

    def _check_replace(
        self, text: Any, old: Any, new: Any, count: Any = -1
    ) -> None:
        if not isinstance(text, _TEXT):
            return
        try:
            grows = len(new) - len(old)
        except TypeError:
            return  # replace() raises its own error
        if grows <= 0:
            return
        limit = self._bombs.memory_bytes
        worst = len(text) + (len(text) + 1) * grows
        if worst * item_bytes(new) <= limit:
            return
        found = text.count(old)
        if type(count) is int and 0 <= count < found:
            found = count
        self._too_big(
            "a replace()", (len(text) + found * grows) * item_bytes(new)
        )

    def _check_translate(self, text: Any, table: Any, /) -> None:
        if isinstance(text, str) and type(table) is dict:
            longest = max(
                (len(value) for value in table.values() if type(value) is str),
                default=1,
            )
            if longest > 1:
                self._too_big("a translate()", len(text) * longest * 4)

    def _check_extend(self, sequence: Any, items: Any, /) -> Any:
        if isinstance(sequence, array.array):
            return self._arrays.extend(sequence, items)
        if isinstance(sequence, _GROWING):
            try:
                count = true_len(sequence) + true_len(items)
            except TypeError:
                return None  # an iterator: its items are made as it runs
            self._too_big("an extend()", count * item_bytes(sequence))
        return None

    _check_extendleft = _check_extend

    # An array's other growing methods, and its list: see ``_arrays``.

    def _check_frombytes(self, value: Any, *args: Any, **_: Any) -> None:
        if isinstance(value, array.array) and len(args) == 1:
            self._arrays.frombytes(value, *args)

    def _check_fromlist(self, value: Any, *args: Any, **_: Any) -> None:
        if isinstance(value, array.array) and len(args) == 1:
            self._arrays.fromlist(value, *args)

    def _check_fromunicode(self, value: Any, *args: Any, **_: Any) -> None:
        if isinstance(value, array.array) and len(args) == 1:
            self._arrays.fromunicode(value, *args)

    def _check_substitute(
        self, template: Any, *args: Any, **kw: Any
    ) -> tuple[object, ...] | None:
        check = self._bombs.render.check
        return checked_values(template, check, *args, safe=False, **kw)

    def _check_safe_substitute(
        self, template: Any, *args: Any, **kw: Any
    ) -> tuple[object, ...] | None:
        check = self._bombs.render.check
        return checked_values(template, check, *args, safe=True, **kw)

    def _check_tolist(self, value: Any, *_: Any, **__: Any) -> None:
        if isinstance(value, array.array):
            self._arrays.tolist(value)

    def _check_to_bytes(
        self, number: Any, length: Any = 1, *_: Any, **__: Any
    ) -> None:
        # The length is the result's size: (0).to_bytes(10**10) fills ten
        # gigabytes in one call into C.
        if isinstance(number, int):
            self._too_big("an int.to_bytes()", length)

    def _check_elements(self, counter: Any, /) -> None:
        # An iterator of sum(counts) items that C functions (list, sorted)
        # drain without running any plugin code.
        if isinstance(counter, Counter):
            total = sum(
                n for n in counter.values() if type(n) is int and n > 0
            )
            self._bombs.check_count("Counter.elements()", total)
            self._too_big("Counter.elements()", total * 8)
