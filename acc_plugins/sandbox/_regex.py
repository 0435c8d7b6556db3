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
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
import time
from typing import TYPE_CHECKING, Any, Final, NoReturn

import regex

from ._bombs import item_bytes
from ._rematch import ENGINE_VERSION, Match, Pattern


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._bombs import BombChecks
    from ._budget import Budget

_CACHE_SIZE: Final = 256
_MIN_TIMEOUT: Final = 0.001

# Longest pattern, written out, the engine may compile: it compiles in
# Python, outside any budget (100,000 characters took 0.2 s; a counted
# repeat of a counted repeat is their product).
MAX_PATTERN: Final = 50_000

_REPEATS: Final = frozenset(
    {
        sre_constants.MAX_REPEAT,
        sre_constants.MIN_REPEAT,
        sre_constants.POSSESSIVE_REPEAT,
    }
)
_LOOKS: Final = frozenset({sre_constants.ASSERT, sre_constants.ASSERT_NOT})
# What ``linear_cost`` never hands to ``re``: backreferences, conditionals,
# lookarounds and atomic groups.
_UNBOUNDED: Final = _LOOKS | frozenset(
    {
        sre_constants.ATOMIC_GROUP,
        sre_constants.GROUPREF,
        sre_constants.GROUPREF_EXISTS,
        sre_constants.GROUPREF_IGNORE,
        sre_constants.GROUPREF_LOC_IGNORE,
        sre_constants.GROUPREF_UNI_IGNORE,
    }
)
_perf_counter = time.perf_counter

error = regex.error


def _re_flags(flags: int) -> int:
    # The engine numbers ASCII differently from re; the others agree.
    translated = flags & ~int(regex.A)
    if flags & regex.A:
        translated |= re.ASCII
    return translated


def _expanded(items: Any) -> int:
    """
    How large *items* (a parsed pattern) grows when counted repeats are
    written out, as the engine compiles them: ``(?:a{1000}){1000}`` is a
    million.
    """
    size = 0
    for op, value in items:
        if op in _REPEATS:
            low, high, item = value
            times = low if high == sre_parse.MAXREPEAT else high
            size += max(times, 1) * _expanded(item)
        elif op is sre_constants.SUBPATTERN:
            size += _expanded(value[-1])
        elif op is sre_constants.BRANCH:
            size += sum(_expanded(branch) for branch in value[1])
        elif op in _LOOKS:
            size += _expanded(value[1])
        else:
            size += 1
    return size


def check_pattern(
    pattern: Any, flags: int, refuse: Callable[[str], NoReturn]
) -> Any:
    """
    Refuse a pattern that ``re`` would reject, or whose compilation would
    take the engine long: it compiles in Python, writing counted repeats
    out, outside any budget.

    Returns:
        The parsed pattern, or None if it is not text (the engine then
        raises its own error).

    Raises:
        error: What ``re`` says of a pattern it cannot compile.
    """
    if not isinstance(pattern, (str, bytes)):
        return None
    if len(pattern) > MAX_PATTERN:
        refuse(f"a regular expression of {len(pattern):,} characters")
    try:
        parsed = sre_parse.parse(pattern, _re_flags(flags))
    except re.error as exc:
        raise error(str(exc)) from None
    except RecursionError:
        msg = "too many nested groups"
        raise error(msg) from None
    size = _expanded(parsed)
    if size > MAX_PATTERN:
        refuse(
            f"a regular expression that expands to {size:,} items "
            f"(at most {MAX_PATTERN:,})"
        )
    return parsed


def linear_cost(items: Any) -> int | None:
    """
    The size of a pattern that backtracks at most linearly, or None.

    Such a pattern has at most one repeat of variable length, no repeat or
    alternation inside a repeat, and no backreference or lookaround: one
    match attempt then takes at most (length of the text) x (size of the
    pattern) steps, and a search, which tries every start, that many
    again.  Those patterns, on text short enough for that bound, go to
    ``re`` itself: it is the reference, and faster than a timed engine.
    """
    variable = 0

    def walk(items: Any, inside_repeat: bool) -> int | None:
        nonlocal variable
        size = 0
        for op, value in items:
            if op in _REPEATS:
                low, high, item = value
                if inside_repeat:
                    return None
                if low != high:
                    variable += 1
                inner = walk(item, inside_repeat=True)
                if inner is None or variable > 1:
                    return None
                size += inner * max(
                    low if high == sre_parse.MAXREPEAT else high, 1
                )
            elif op is sre_constants.SUBPATTERN:
                inner = walk(value[-1], inside_repeat)
                if inner is None:
                    return None
                size += inner
            elif op is sre_constants.BRANCH:
                if inside_repeat:
                    return None
                for branch in value[1]:
                    inner = walk(branch, inside_repeat)
                    if inner is None:
                        return None
                    size += inner
            elif op in _UNBOUNDED:
                return None
            else:
                size += 1
        return size

    return walk(items, inside_repeat=False)


class _Engine:
    """
    One sandbox's access to the engine: its budget, its size checks and
    its cache of compiled patterns.
    """

    __slots__ = ("_bombs", "_budget", "_cache")

    def __init__(self, budget: Budget, bombs: BombChecks) -> None:
        self._budget = budget
        self._bombs = bombs
        self._cache: dict[tuple[type, object, int], Pattern] = {}

    def compile(self, pattern: Any, flags: int = 0) -> Pattern:
        if isinstance(pattern, Pattern):
            if flags:
                msg = "cannot process flags argument with a compiled pattern"
                raise ValueError(msg)
            return pattern
        key = (type(pattern), pattern, flags)
        try:
            return self._cache[key]
        except (KeyError, TypeError):
            pass
        parsed = check_pattern(pattern, flags, self._bombs.refuse)
        cost = None if parsed is None else linear_cost(parsed)
        plain = None if cost is None else re.compile(pattern, _re_flags(flags))
        compiled = Pattern(
            regex.compile(pattern, flags | ENGINE_VERSION),
            self,
            plain,
            cost or 0,
        )
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = compiled
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

    def overrun(self) -> NoReturn:
        """
        The engine gave up: the call's time is spent.
        """
        self._budget.overrun()

    def check_size(self, size: int) -> None:
        self._bombs.check_size("a regular-expression substitution", size)

    def replacement(self, repl: Any, text: Any, pattern: Pattern) -> Any:
        """
        *repl* as the engine should get it: a plugin function receives this
        module's ``Match``; a template that could build a result larger
        than the budget is expanded match by match and counted.
        """
        if callable(repl):
            counted = _Counted(self, text)

            def call(match: Any) -> Any:
                return counted.add(repl(Match(match, self, pattern)), match)

            return call
        try:
            length = len(text)
            refs = repl.count("\\" if isinstance(repl, str) else b"\\")
            per_match = len(repl) + refs * length
        except (TypeError, AttributeError):
            return repl  # the engine raises its own error
        worst = (length + (length + 1) * per_match) * item_bytes(repl)
        if worst <= self._bombs.memory_bytes:
            return repl
        counted = _Counted(self, text)
        return lambda match: counted.add(match.expand(repl), match)


class _Counted:
    """
    The running size of a substitution's result.
    """

    __slots__ = ("_engine", "_size", "_wide")

    def __init__(self, engine: _Engine, text: Any) -> None:
        self._engine = engine
        self._size = len(text)
        self._wide = 1

    def add(self, piece: Any, match: Any) -> Any:
        if isinstance(piece, (str, bytes)):
            start, end = match.span()
            self._size += len(piece) - (end - start)
            self._wide = max(self._wide, item_bytes(piece))
            self._engine.check_size(self._size * self._wide)
        return piece


def members(budget: Budget, bombs: BombChecks) -> dict[str, object]:
    """
    The members of one sandbox's ``re`` module.
    """
    engine = _Engine(budget, bombs)
    compile_ = engine.compile

    def match(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        return compile_(pattern, flags).match(string)

    def fullmatch(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        return compile_(pattern, flags).fullmatch(string)

    def search(pattern: Any, string: Any, flags: int = 0) -> Match | None:
        return compile_(pattern, flags).search(string)

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
        return compile_(pattern, flags).sub(repl, string, count)

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
