"""
The ``re`` module plugin code imports: ``re``'s interface on the ``regex``
engine, bounded by the plugin's budget.

The standard library's ``re`` matches in C without ever looking at a
clock: ``re.match(r"(a|aa)+$", "a" * 60 + "b")`` holds the interpreter for
as long as it likes, and no budget check runs until it returns.  The
``regex`` package implements the same syntax (its version 0 is ``re``'s)
with a ``timeout`` on every matching call, and releases the interpreter
while it matches.  Every call made here passes the time the plugin's
current call has left; running out raises ``BudgetExceeded``, as any other
overrun does.

Plugin code gets ``Pattern`` and ``Match`` objects of this module, never
the engine's own: those have methods that take no timeout (``m.re``,
``p.scanner``), and fuzzy-matching extras plugin code does not need.
Substitutions are also sized: a replacement that could pass the memory
budget (``re.sub("", "x" * 10**4, "a" * 10**5)``) is counted as it is
built, and refused when it would.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, Final, NoReturn

import regex

from ._regexcheck import check_pattern, pattern_limits, re_flags
from ._rematch import ENGINE_VERSION, Match, Pattern
from ._sequences import item_bytes, true_len


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._bombs import BombChecks
    from ._budget import Budget

_CACHE_SIZE: Final = 256
_MIN_TIMEOUT: Final = 0.001


_perf_counter = time.perf_counter

error = regex.error


class _Engine:
    """
    One sandbox's access to the engine: its budget, its size checks and
    its cache of compiled patterns.
    """

    __slots__ = ("_bombs", "_budget", "cache")

    def __init__(self, budget: Budget, bombs: BombChecks) -> None:
        self._budget = budget
        self._bombs = bombs
        # Compiled patterns by (type, pattern, flags).
        self.cache: dict[tuple[type, object, int], Pattern] = {}

    def compile(self, pattern: Any, flags: int = 0) -> Pattern:
        if isinstance(pattern, Pattern):
            if flags:
                msg = "cannot process flags argument with a compiled pattern"
                raise ValueError(msg)
            return pattern
        key = (type(pattern), pattern, flags)
        try:
            return self.cache[key]
        except (KeyError, TypeError):
            pass
        parsed = check_pattern(pattern, flags, self._bombs.refuse)
        limits, absent = pattern_limits(parsed, pattern)
        compiled = Pattern(
            regex.compile(pattern, flags | ENGINE_VERSION),
            self,
            re.compile(pattern, re_flags(flags)) if max(limits) >= 0 else None,
            limits,
            absent,
        )
        if len(self.cache) >= _CACHE_SIZE:
            self.cache.clear()
        self.cache[key] = compiled
        return compiled

    def run(self, method: Callable[..., Any], *args: Any) -> Any:
        """
        Call one of the engine's matching methods with the time left.
        """
        # timeout() inlined: this runs on every match.
        budget = self._budget
        left = budget.timeout
        if budget.active:
            left = budget.time_left()
            if left <= 0:
                budget.tick()  # raises BudgetExceeded
            left = max(left, _MIN_TIMEOUT)
        try:
            return method(*args, timeout=left)
        except TimeoutError:
            self._budget.overrun()

    def check_time(self) -> None:
        """
        Stop here if the call's time is spent: a C function draining an
        iterator of matches (``list(re.finditer(...))``) runs no plugin
        code, and so no budget check of its own.
        """
        if self._budget.expired:
            self._budget.tick()

    def overrun(self) -> NoReturn:
        """
        The engine gave up: the call's time is spent.
        """
        self._budget.overrun()

    @property
    def memory_bytes(self) -> int:
        """
        The memory budget, in bytes.
        """
        return self._bombs.memory_bytes

    def check_size(self, size: int) -> None:
        self._bombs.check_size("a regular-expression substitution", size)

    def replacement(self, repl: Any, text: Any, pattern: Pattern) -> Any:
        """
        *repl* as the engine should get it: a plugin function receives this
        module's ``Match``; a template that could build a result larger
        than the budget is expanded match by match and counted.
        """
        if callable(repl):
            add = _Counted(self, text).add

            def call(match: Any) -> Any:
                return add(repl(Match(match, pattern)))

            return call
        kind = type(repl)
        if (kind is str or kind is bytes) and type(text) is kind:
            # Each of at most n + 1 matches writes at most the template
            # with every character a group reference (the whole text).
            length = len(text)
            square = (length + 1) * (length + 1)
            if square * (len(repl) + 1) * 4 <= self._bombs.memory_bytes:
                return repl
        try:
            length = true_len(text)
            refs = repl.count("\\" if isinstance(repl, str) else b"\\")
            per_match = len(repl) + refs * length
        except (TypeError, AttributeError):
            return repl  # the engine raises its own error
        worst = (length + (length + 1) * per_match) * item_bytes(repl)
        if worst <= self._bombs.memory_bytes:
            return repl
        add = _Counted(self, text).add
        if refs == 0:
            return lambda _: add(repl)  # no group references: itself
        budget = self._budget

        def expand(match: Any) -> Any:
            # Each expansion runs in Python, between matches: ``re`` does
            # not look at the clock, so this does.
            if budget.expired:
                budget.tick()
            return add(match.expand(repl))

        return expand


class _Counted:
    """
    The running size of a substitution's result, from above: the text's
    length and every replacement's (the matched text it replaces is not
    taken off), each character as wide as the widest seen.
    """

    __slots__ = ("_engine", "_limit", "_size", "_wide")

    def __init__(self, engine: _Engine, text: Any) -> None:
        self._engine = engine
        self._size = true_len(text)
        self._wide = item_bytes(text)
        # Below this many characters no result can pass the budget.
        self._limit = engine.memory_bytes // 4

    def add(self, piece: Any) -> Any:
        kind = type(piece)
        if kind is str:
            self._size += len(piece)
            if self._wide == 1 and not piece.isascii():
                self._wide = 4
        elif kind is bytes:
            self._size += len(piece)
        elif isinstance(piece, (str, bytes)):
            # A subclass's __len__ may lie; C joins the real characters.
            self._size += true_len(piece)
            self._wide = max(self._wide, item_bytes(piece))
        else:
            return piece  # the engine raises its own error
        if self._size > self._limit:
            self._engine.check_size(self._size * self._wide)
        return piece


def members(budget: Budget, bombs: BombChecks) -> dict[str, object]:
    """
    The members of one sandbox's ``re`` module.
    """
    engine = _Engine(budget, bombs)
    compile_ = engine.compile
    cache = engine.cache

    # match, fullmatch, search and sub look in the cache themselves: they
    # are the commonest calls of all.

    def match(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        try:
            compiled = cache[type(pattern), pattern, flags]
        except (KeyError, TypeError):
            compiled = compile_(pattern, flags)
        return compiled.match(string)

    def fullmatch(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        try:
            compiled = cache[type(pattern), pattern, flags]
        except (KeyError, TypeError):
            compiled = compile_(pattern, flags)
        return compiled.fullmatch(string)

    def search(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        try:
            compiled = cache[type(pattern), pattern, flags]
        except (KeyError, TypeError):
            compiled = compile_(pattern, flags)
        return compiled.search(string)

    def findall(pattern: Any, string: Any, flags: int = 0) -> list[Any]:
        return compile_(pattern, flags).findall(string)

    def finditer(pattern: Any, string: Any, flags: int = 0) -> Iterator[Match]:
        return compile_(pattern, flags).finditer(string)

    def split(
        pattern: Any, string: Any, maxsplit: int = 0, flags: int = 0
    ) -> list[Any]:
        return compile_(pattern, flags).split(string, maxsplit)

    def sub(
        pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0
    ) -> Any:
        try:
            compiled = cache[type(pattern), pattern, flags]
        except (KeyError, TypeError):
            compiled = compile_(pattern, flags)
        return compiled.sub(repl, string, count)

    def subn(
        pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0
    ) -> tuple[Any, int]:
        return compile_(pattern, flags).subn(repl, string, count)

    flag_names = (
        *("A", "ASCII", "DOTALL", "I", "IGNORECASE", "M"),
        *("MULTILINE", "S", "U", "UNICODE", "VERBOSE", "X"),
    )
    flags = {name: getattr(regex, name) for name in flag_names}
    return {
        **flags,
        "NOFLAG": 0,
        "Match": Match,
        "Pattern": Pattern,
        "RegexFlag": regex.RegexFlag,
        "compile": compile_,
        "error": error,
        "escape": regex.escape,
        "findall": findall,
        "finditer": finditer,
        "fullmatch": fullmatch,
        "match": match,
        "search": search,
        "split": split,
        "sub": sub,
        "subn": subn,
    }
