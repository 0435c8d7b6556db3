"""
Library functions that call a function on every item, made to stop when
the plugin's budget does.

The budget is checked in compiled plugin code (loops, function entries)
and in ``Checked`` iterators; the memory watchdog only raises a flag that
such a check reads.  A C loop that calls a C function never meets one:
``list(map(bytes, repeat(10**5, 10**4)))`` fills a gigabyte,
``functools.reduce(operator.add, [[0]] * 10**5)`` and
``itertools.accumulate([[0]] * 10**5)`` grow quadratically, and
``sorted(items, key=list)`` or ``lst.sort(key=list)`` builds every key
before anything else runs.

Each function of this kind is served here: when the callable is not the
plugin's own code (which checks at its entry), the items reach it
through a generator that checks the budget before each one, or the key
function through a shim that checks before each call.  A plugin's
function is passed on untouched, so its calls cost nothing more; a
generator or coroutine function is not trusted, as calling one runs none
of its body.  ``map``, ``filter`` and the ``itertools`` classes stay
classes to ``isinstance()`` and ``type()``.
"""

from __future__ import annotations

import builtins
import functools
import heapq
import inspect
import itertools
import types
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._budget import Budget

# Code flags of functions whose call returns before running the body.
_DEFERRED: Final = (
    inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
)

# Classes whose first argument is called on every item of the second
# (``None`` is a plain truth test in ``filter`` and ``filterfalse``).
_CALLABLE_FIRST: Final = {
    "dropwhile": itertools.dropwhile,
    "filter": builtins.filter,
    "filterfalse": itertools.filterfalse,
    "map": builtins.map,
    "starmap": itertools.starmap,
    "takewhile": itertools.takewhile,
}


class StandIn(type):
    """
    The metaclass of the sandbox's ``map``, ``filter`` and ``itertools``
    classes: ``isinstance`` answers for the real class.  Each stand-in
    gets a subclass whose ``__call__`` builds the real object with its
    items checked (a static method: one call, no lookup on the way).
    """

    # Private: plugin code may not read the real class off the stand-in.
    _real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._real)


def _named(
    function: Callable[..., Any], real: Callable[..., Any]
) -> Callable[..., Any]:
    # Named as what it stands for, without ``__wrapped__``: the real
    # function is what plugin code must not reach.
    function.__name__ = real.__name__
    function.__qualname__ = real.__qualname__
    function.__doc__ = real.__doc__
    return function


def _checked_items(items: Iterator[Any], budget: Budget) -> Iterator[Any]:
    # A generator: resuming one costs less than calling __next__.
    for item in items:
        if budget.expired:
            budget.tick()
        yield item


class Callbacks:
    """
    The per-item callers of one sandbox.

    Args:
        budget: The plugin's time and memory budget.

        owns: Tells whether an object was made by the plugin's code.
    """

    def __init__(
        self,
        budget: Budget,
        owns: Callable[[object], bool],
        str_: Callable[[object], str] = str,
    ) -> None:
        self._budget = budget
        self._owns = owns
        # ``str`` itself is the real type (``isinstance`` and ``type()``
        # need it): as a callback it is the checked one, whose text of a
        # container is bounded first.
        self._str = str_

    def _rendering(self, func: Any) -> Any:
        return self._str if func is str else func

    def is_plugin_code(self, func: object) -> bool:
        """
        Whether calling *func* runs plugin code at once, which checks the
        budget itself: the plugin's function or lambda, or its method.
        """
        if isinstance(func, types.MethodType):
            func = func.__func__
        return (
            isinstance(func, types.FunctionType)
            and not func.__code__.co_flags & _DEFERRED
            and self._owns(func)
        )

    def trusted(self, func: object) -> bool:
        """
        Whether *func* may be called per item unchecked: plugin code, or
        ``len``, constant time and a small int per item (a bounded
        multiple of what C already holds, as ``sorted()`` itself is).
        """
        return func is len or self.is_plugin_code(func)

    def items(self, iterable: Any) -> Any:
        """
        *iterable* as an iterator that checks the budget before each item
        (or itself if it is not iterable, for the caller's own error).
        """
        try:
            items = iter(iterable)
        except TypeError:
            return iterable
        return _checked_items(items, self._budget)

    def key(self, func: Any) -> Any:
        """
        *func*, or a shim checking the budget before each call when it is
        not plugin code.
        """
        if func is None or self.trusted(func):
            return func
        budget = self._budget
        func = self._rendering(func)

        def checked_key(item: Any) -> Any:
            if budget.expired:
                budget.tick()
            return func(item)

        return checked_key

    def keyed(
        self, method: Callable[..., Any], /, *args: Any, **kw: Any
    ) -> Any:
        """
        Call *method* (``list.sort``, bound or not) with its ``key``
        checked.
        """
        if kw and "key" in kw:
            kw["key"] = self.key(kw["key"])
        return method(*args, **kw)

    # -- what plugin code is served -----------------------------------------

    def builtins(self) -> dict[str, object]:
        """
        The checked ``filter``, ``map``, ``max``, ``min`` and ``sorted``.
        """
        return {
            "filter": self._stand_in("filter"),
            "map": self._stand_in("map"),
            "max": self._with_key(builtins.max),
            "min": self._with_key(builtins.min),
            "sorted": self._with_key(builtins.sorted),
        }

    def functools_members(self, members: dict[str, Any]) -> None:
        """
        Replace ``reduce`` and ``cmp_to_key`` among *members*.
        """
        members["reduce"] = self._callable_first(functools.reduce)
        members["cmp_to_key"] = self._cmp_to_key

    def heapq_members(self, members: dict[str, Any]) -> None:
        """
        Replace ``merge``, ``nlargest`` and ``nsmallest`` among *members*.
        """
        members["merge"] = self._with_key(heapq.merge)
        # Their key may also come third, positionally.
        members["nlargest"] = self._with_key(heapq.nlargest, 2)
        members["nsmallest"] = self._with_key(heapq.nsmallest, 2)

    def itertools_members(self, members: dict[str, Any]) -> None:
        """
        Replace the classes among *members* that call a function per item.
        """
        for name in ("dropwhile", "filterfalse", "starmap", "takewhile"):
            members[name] = self._stand_in(name)
        members["accumulate"] = self._class(
            itertools.accumulate, self._accumulate
        )
        members["groupby"] = self._class(
            itertools.groupby, self._with_key(itertools.groupby, 1)
        )

    def _class(self, real: type, make: Callable[..., Any]) -> StandIn:
        namespace = {"__call__": staticmethod(make)}
        maker: type[StandIn] = type("StandIn", (StandIn,), namespace)
        stand_in: StandIn = maker(real.__name__, (), {"_real": real})
        stand_in.__qualname__ = real.__qualname__
        stand_in.__doc__ = real.__doc__
        return stand_in

    def _stand_in(self, name: str) -> StandIn:
        real = _CALLABLE_FIRST[name]
        return self._class(real, self._callable_first(real))

    def _callable_first(self, real: Callable[..., Any]) -> Callable[..., Any]:
        trusted, budget, rendering = (
            self.trusted,
            self._budget,
            self._rendering,
        )

        def checked(*args: Any, **kwargs: Any) -> Any:
            if kwargs or len(args) < 2:  # noqa: PLR2004 -- function, items
                return real(*args, **kwargs)  # for real's own error
            func = rendering(args[0])
            if func is None or trusted(func):
                return real(*args)
            try:
                items = iter(args[1])
            except TypeError:
                return real(*args)  # real's own error
            return real(func, _checked_items(items, budget), *args[2:])

        return _named(checked, real)

    def _with_key(
        self, real: Callable[..., Any], position: int = -1
    ) -> Callable[..., Any]:
        key = self.key
        if position < 0:  # the key is keyword-only

            def keyword_key(*args: Any, **kwargs: Any) -> Any:
                # ``max(0, x)`` and the like, in hot loops: no keywords,
                # one plain call.
                if not kwargs:
                    return real(*args)
                if "key" in kwargs:
                    kwargs["key"] = key(kwargs["key"])
                return real(*args, **kwargs)

            return _named(keyword_key, real)

        def checked(*args: Any, **kwargs: Any) -> Any:
            if 0 <= position < len(args):
                args = (
                    *args[:position],
                    key(args[position]),
                    *args[position + 1 :],
                )
            if "key" in kwargs:
                kwargs["key"] = key(kwargs["key"])
            return real(*args, **kwargs)

        return _named(checked, real)

    def _accumulate(self, *args: Any, **kwargs: Any) -> Any:
        # Without a function it adds in C: the items are always checked.
        func = args[1] if len(args) > 1 else kwargs.get("func")
        if not self.trusted(func):
            if args:
                args = (self.items(args[0]), *args[1:])
            elif "iterable" in kwargs:
                kwargs["iterable"] = self.items(kwargs["iterable"])
        return itertools.accumulate(*args, **kwargs)

    def _cmp_to_key(self, mycmp: Any) -> Any:
        # Sorting calls the comparison function n log n times from C.
        if self.is_plugin_code(mycmp):
            return functools.cmp_to_key(mycmp)
        budget = self._budget

        def checked_cmp(left: Any, right: Any) -> Any:
            if budget.expired:
                budget.tick()
            return mycmp(left, right)

        return functools.cmp_to_key(checked_cmp)
