"""
Library functions whose cost the arguments multiply, made safe to offer.

``BombChecks`` guards the operators the compiler sees (``*``, ``**``,
``<<``).  The allowlisted modules offer the same operations, and others
like them, as functions that run entirely in C, where no budget check can
interrupt them: ``operator.pow(7, 10**9)``, ``math.comb(10**6, 5 * 10**5)``
(seconds), ``struct.pack("10000000000x")``, ``random.randbytes(10**10)``,
and endless iterators that a C consumer drains without ever running plugin
code (``list(itertools.count())``, ``list(iter(int, 1))``).

Each sandbox gets its own replacements, built here: sizes are estimated
and refused as the operators' are, and endless or combinatorial iterators
are wrapped in ``Checked``, which looks at the plugin's budget on every
item, so whatever drains them stops when the budget does.  The ``math``
functions are guarded in ``_mathguards``.
"""

from __future__ import annotations

import array
import decimal
import itertools
import json
import operator
import struct
from collections import deque
from typing import TYPE_CHECKING, Any, Final

from ._fractions import fraction_class
from ._mathguards import MathGuards
from ._numbers import decimal_class
from ._regex import members as regex_members
from ._rendering import text_bound_and_depth
from ._sequences import true_len


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from ._bombs import BombChecks
    from ._budget import Budget
    from ._callbacks import Callbacks

# Widest indentation json.dumps() and pprint.pformat() accept: the output
# repeats it on every line.
MAX_INDENT: Final = 256

# Sequences sum() concatenates in C, a new one each step: from a start of
# these, the result is sized first (an item takes 8 bytes at most).
_SUMMED: Final = (list, tuple, deque, array.array)


class Checked:
    """
    An iterator that checks the plugin's budget before each item, so that
    a C function draining it (``list``, ``sum``, ``str.join``) stops when
    the budget runs out.
    """

    __slots__ = ("_budget", "_items")

    def __init__(self, items: Iterator[Any], budget: Budget) -> None:
        self._items = items
        self._budget = budget

    def __iter__(self) -> Checked:
        return self

    def __next__(self) -> Any:
        if self._budget.expired:
            self._budget.tick()
        return next(self._items)

    def __repr__(self) -> str:
        return f"<checked {self._items!r}>"


class Amplifiers:
    """
    The guarded library functions of one sandbox.

    Args:
        bombs: The sandbox's size checks.

        budget: The sandbox's time budget.

        callbacks: The sandbox's per-item callers (``functools.reduce``,
            ``heapq.nsmallest``, ``itertools.starmap``, ...).
    """

    def __init__(
        self, bombs: BombChecks, budget: Budget, callbacks: Callbacks
    ) -> None:
        self._bombs = bombs
        self._budget = budget
        self._callbacks = callbacks
        self._decimal_type: type[decimal.Decimal] | None = None
        self._tables: dict[str, Callable[[dict[str, Any]], None]] = {
            "decimal": self._decimal,
            "statistics": self._statistics,
            "fractions": self._fractions,
            "functools": callbacks.functools_members,
            "heapq": callbacks.heapq_members,
            "itertools": self._itertools,
            "json": self._json,
            "math": MathGuards(bombs, budget).install,
            "operator": self._operator,
            "pprint": self._pprint,
            "random": self._random,
            "re": self._re,
            "struct": self._struct,
            "textwrap": self._textwrap,
        }

    def guard_members(self, module_name: str, members: dict[str, Any]) -> None:
        """
        Replace, in place, the members of *module_name* that need a guard.
        """
        table = self._tables.get(module_name)
        if table is not None:
            table(members)

    def checked(self, items: Iterable[Any]) -> Checked:
        """
        *items* as an iterator that checks the budget on every item.
        """
        return Checked(iter(items), self._budget)

    def sum_(self, items: Iterable[Any], /, start: Any = 0) -> Any:
        """
        ``sum()``; summing lists, tuples, deques or arrays concatenates
        them in one call into C (``sum([big] * 100, [])``), so their sizes
        are checked first.
        """
        if type(start) in (int, float, complex):
            return sum(items, start)
        if isinstance(start, _SUMMED):
            items = list(items)
            self._check_sum(start, items)
        return sum(items, start)

    def _check_sum(self, start: Any, items: list[Any]) -> None:
        try:
            count = true_len(start) + sum(map(true_len, items))
        except TypeError:
            return  # sum() raises its own error for these
        self._bombs.check_size("a sum() of sequences", count * 8)

    def iter_(self, source: Any, *sentinel: Any) -> Iterator[Any]:
        """
        ``iter()``; the two-argument form calls a function until it
        returns the sentinel, endlessly if it is a C function such as
        ``int``, so it is checked.
        """
        if sentinel:
            return self.checked(iter(source, *sentinel))
        return iter(source)

    # -- the modules ------------------------------------------------------

    def _operator(self, members: dict[str, Any]) -> None:
        bombs = self._bombs
        members["mul"] = lambda a, b, /: bombs.mul(a, b)
        members["pow"] = lambda a, b, /: bombs.pow(a, b)
        members["lshift"] = lambda a, b, /: bombs.lshift(a, b)
        check_add = bombs.check_add
        members["add"] = lambda a, b, /: operator.add(a, check_add(a, b))
        members["concat"] = lambda a, b, /: operator.concat(a, check_add(a, b))

    def decimal_type(self) -> type[decimal.Decimal]:
        """
        The sandbox's ``decimal.Decimal``, made once: ``decimal`` serves it
        and ``statistics`` hands out its results as it.
        """
        if self._decimal_type is None:
            self._decimal_type = decimal_class(self._bombs.refuse)
        return self._decimal_type

    def _decimal(self, members: dict[str, Any]) -> None:
        members["Decimal"] = self.decimal_type()

    def _statistics(self, members: dict[str, Any]) -> None:
        # statistics computes in the library and returns a Decimal of the
        # base class (stdev, pstdev), whose arithmetic would be unchecked:
        # its results come back as the sandbox's Decimal.
        served = self.decimal_type

        def adopt(value: Any) -> Any:
            if type(value) is decimal.Decimal:
                return served()(value)
            if type(value) is list:
                return [adopt(item) for item in value]
            return value

        def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
            def statistic(*args: Any, **kwargs: Any) -> Any:
                return adopt(function(*args, **kwargs))

            return statistic

        for name, member in list(members.items()):
            if callable(member) and not isinstance(member, type):
                members[name] = wrap(member)

    def _fractions(self, members: dict[str, Any]) -> None:
        members["Fraction"] = fraction_class(self._bombs)

    def _itertools(self, members: dict[str, Any]) -> None:
        checked = self.checked
        for name in (
            "combinations",
            "combinations_with_replacement",
            "count",
            "cycle",
            "permutations",
            "product",
        ):
            make = getattr(itertools, name)
            members[name] = lambda *a, _make=make, **k: checked(_make(*a, **k))
        members["repeat"] = self._repeat
        self._callbacks.itertools_members(members)

    def _repeat(self, item: Any, times: int | None = None) -> Iterator[Any]:
        if times is None:
            return self.checked(itertools.repeat(item))
        self._bombs.check_count("repeat()", times)
        # A list() of it holds a pointer per item.
        if type(times) is int:
            self._bombs.check_size("repeat()", times * 8)
        return itertools.repeat(item, times)

    def _re(self, members: dict[str, Any]) -> None:
        members.update(regex_members(self._budget, self._bombs))

    def _random(self, members: dict[str, Any]) -> None:
        bombs = self._bombs
        randbytes, getrandbits = members["randbytes"], members["getrandbits"]
        choices, sample = members["choices"], members["sample"]

        def randbytes_(n: int) -> bytes:
            bombs.check_size("randbytes()", n)
            return randbytes(n)  # type: ignore[no-any-return]

        def getrandbits_(k: int) -> int:
            bombs.check_size("getrandbits()", k // 8)
            return getrandbits(k)  # type: ignore[no-any-return]

        def choices_(
            population: Any, *args: Any, k: int = 1, **kw: Any
        ) -> Any:
            bombs.check_count("choices()", k)
            return choices(population, *args, k=k, **kw)

        def sample_(population: Any, k: int, *, counts: Any = None) -> Any:
            if counts is not None:
                counts = list(counts)
                total = sum(c for c in counts if type(c) is int)
                bombs.check_count("sample() counts", total)
            return sample(population, k, counts=counts)

        members["randbytes"] = randbytes_
        members["getrandbits"] = getrandbits_
        members["choices"] = choices_
        members["sample"] = sample_

    def _struct(self, members: dict[str, Any]) -> None:
        bombs = self._bombs

        def sized(fmt: Any) -> Any:
            size = struct.calcsize(fmt)
            bombs.check_size("a struct format", size)
            return fmt

        members["pack"] = lambda fmt, /, *v: struct.pack(sized(fmt), *v)
        members["Struct"] = lambda fmt: struct.Struct(sized(fmt))

    def _textwrap(self, members: dict[str, Any]) -> None:
        indent = members["indent"]
        bombs = self._bombs

        def indent_(text: Any, prefix: Any, predicate: Any = None) -> Any:
            # The prefix is repeated on every line: a short text of many
            # lines and a long prefix make a huge result.
            if isinstance(text, str) and isinstance(prefix, str) and prefix:
                lines = len(text) + 1
                if (len(text) + lines * len(prefix)) * 4 > bombs.memory_bytes:
                    lines = len(text.splitlines())
                    size = len(text) + lines * len(prefix)
                    wide = not (text.isascii() and prefix.isascii())
                    bombs.check_size("an indent()", size * (4 if wide else 1))
            return indent(text, prefix, predicate)

        members["indent"] = indent_

    def _check_indent(self, indent: Any) -> None:
        width = len(indent) if isinstance(indent, str) else indent
        if type(width) is int and width > MAX_INDENT:
            self._bombs.refuse(
                f"an indent of {width:,} (at most {MAX_INDENT})"
            )

    def _check_text(self, obj: Any, indent: Any, what: str) -> None:
        # The text repeats shared items, and indentation adds a line of up
        # to nesting times indent characters for each item.
        width = len(indent) if isinstance(indent, str) else indent
        spread = width if type(width) is int and width > 0 else 0
        limit = self._bombs.memory_bytes
        size, depth = text_bound_and_depth(obj, limit)
        if size + size * spread * depth > limit:
            self._bombs.render.check(obj, what)  # the refusal's words
            self._bombs.check_size(what, size + size * spread * depth)

    def _json(self, members: dict[str, Any]) -> None:
        def dumps(obj: Any, *, indent: Any = None, **kw: Any) -> str:
            self._check_indent(indent)
            self._check_text(obj, indent, "a json.dumps()")
            return json.dumps(obj, indent=indent, **kw)

        members["dumps"] = dumps

    def _pprint(self, members: dict[str, Any]) -> None:
        pformat = members["pformat"]

        def pformat_(obj: Any, indent: Any = 1, *args: Any, **kw: Any) -> str:
            self._check_indent(indent)
            self._check_text(obj, indent, "a pprint.pformat()")
            return pformat(obj, indent, *args, **kw)  # type: ignore[no-any-return]

        members["pformat"] = pformat_
