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

import time
from typing import TYPE_CHECKING, Any, Final, NoReturn, final

import regex


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._bombs import BombChecks
    from ._budget import Budget

_ENGINE_VERSION: Final = regex.VERSION0  # the syntax and semantics of re
_CACHE_SIZE: Final = 256
_MIN_TIMEOUT: Final = 0.001

error = regex.error


def _char_bytes(text: object) -> int:
    if isinstance(text, str):
        return 1 if text.isascii() else 4
    return 1


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
        compiled = Pattern(
            regex.compile(pattern, flags | _ENGINE_VERSION), self
        )
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = compiled
        return compiled

    def timeout(self) -> float:
        """
        Seconds the plugin's current call has left.
        """
        budget = self._budget
        if not budget.active:
            return budget.timeout
        left = budget.timeout - (time.perf_counter() - budget.since)
        if left <= 0:
            budget.tick()  # raises BudgetExceeded
        return max(left, _MIN_TIMEOUT)

    def run(
        self, method: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """
        Call one of the engine's matching methods with the time left.
        """
        try:
            return method(*args, timeout=self.timeout(), **kwargs)
        except TimeoutError:
            self._budget.overrun()

    def overrun(self) -> NoReturn:
        """
        The engine gave up: the call's time is spent.
        """
        self._budget.overrun()

    def check_size(self, size: int) -> None:
        self._bombs.check_size("a regular-expression substitution", size)

    def replacement(self, repl: Any, text: Any) -> Any:
        """
        *repl* as the engine should get it: a plugin function receives this
        module's ``Match``; a template that could build a result larger
        than the budget is expanded match by match and counted.
        """
        if callable(repl):
            counted = _Counted(self, text)

            def call(match: Any) -> Any:
                return counted.add(repl(Match(match, self)), match)

            return call
        try:
            length = len(text)
            refs = repl.count("\\" if isinstance(repl, str) else b"\\")
            per_match = len(repl) + refs * length
        except (TypeError, AttributeError):
            return repl  # the engine raises its own error
        worst = (length + (length + 1) * per_match) * _char_bytes(repl)
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
            self._wide = max(self._wide, _char_bytes(piece))
            self._engine.check_size(self._size * self._wide)
        return piece


@final
class Pattern:
    """
    A compiled regular expression, as ``re.Pattern``.
    """

    __slots__ = ("_engine", "_pattern")

    def __init__(self, pattern: Any, engine: _Engine) -> None:
        self._pattern = pattern
        self._engine = engine

    @property
    def pattern(self) -> Any:
        """
        The source text of the expression.
        """
        return self._pattern.pattern

    @property
    def flags(self) -> int:
        """
        The flags it was compiled with.
        """
        return int(self._pattern.flags & ~_ENGINE_VERSION)

    @property
    def groups(self) -> int:
        """
        How many capturing groups it has.
        """
        return int(self._pattern.groups)

    @property
    def groupindex(self) -> Any:
        """
        Its named groups and their numbers.
        """
        return dict(self._pattern.groupindex)

    def _match(self, method: str, string: Any, *args: Any) -> Match | None:
        found = self._engine.run(getattr(self._pattern, method), string, *args)
        return None if found is None else Match(found, self._engine)

    def match(self, string: Any, *args: Any) -> Match | None:
        """
        Match at the start of *string*.
        """
        return self._match("match", string, *args)

    def fullmatch(self, string: Any, *args: Any) -> Match | None:
        """
        Match all of *string*.
        """
        return self._match("fullmatch", string, *args)

    def search(self, string: Any, *args: Any) -> Match | None:
        """
        Find the first match anywhere in *string*.
        """
        return self._match("search", string, *args)

    def findall(self, string: Any, *args: Any) -> list[Any]:
        """
        Every match in *string*, as ``re.findall`` returns them.
        """
        return list(self._engine.run(self._pattern.findall, string, *args))

    def finditer(self, string: Any, *args: Any) -> Iterator[Match]:
        """
        An iterator over every match in *string*.
        """
        engine = self._engine
        found = engine.run(self._pattern.finditer, string, *args)
        return _Matches(found, engine)

    def split(self, string: Any, maxsplit: int = 0) -> list[Any]:
        """
        *string* split where the expression matches.
        """
        split = self._pattern.split
        return list(self._engine.run(split, string, maxsplit))

    def sub(self, repl: Any, string: Any, count: int = 0) -> Any:
        """
        *string* with matches replaced by *repl*.
        """
        return self.subn(repl, string, count)[0]

    def subn(self, repl: Any, string: Any, count: int = 0) -> tuple[Any, int]:
        """
        ``(new string, number of replacements)``.
        """
        engine = self._engine
        replacement = engine.replacement(repl, string)
        result = engine.run(self._pattern.subn, replacement, string, count)
        return (result[0], int(result[1]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return bool(self._pattern == other._pattern)

    def __hash__(self) -> int:
        return hash(self._pattern)

    def __repr__(self) -> str:
        return f"re.compile({self._pattern.pattern!r})"

    def __copy__(self) -> Pattern:
        return self

    def __deepcopy__(self, memo: Any) -> Pattern:
        return self


@final
class Match:
    """
    The result of a successful match, as ``re.Match``.
    """

    __slots__ = ("_engine", "_match")

    def __init__(self, match: Any, engine: _Engine) -> None:
        self._match = match
        self._engine = engine

    @property
    def string(self) -> Any:
        """
        The text that was searched.
        """
        return self._match.string

    @property
    def re(self) -> Pattern:
        """
        The expression that matched.
        """
        return Pattern(self._match.re, self._engine)

    @property
    def pos(self) -> int:
        """
        Where the search started.
        """
        return int(self._match.pos)

    @property
    def endpos(self) -> int:
        """
        Where the search ended.
        """
        return int(self._match.endpos)

    @property
    def lastindex(self) -> int | None:
        """
        The number of the last group that matched.
        """
        return self._match.lastindex  # type: ignore[no-any-return]

    @property
    def lastgroup(self) -> str | None:
        """
        The name of the last group that matched.
        """
        return self._match.lastgroup  # type: ignore[no-any-return]

    @property
    def regs(self) -> tuple[tuple[int, int], ...]:
        """
        The span of every group.
        """
        return tuple(self._match.regs)

    def group(self, *groups: Any) -> Any:
        """
        The text of one or more groups.
        """
        return self._match.group(*groups)

    def __getitem__(self, group: Any) -> Any:
        return self._match[group]

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        """
        The text of every group.
        """
        return tuple(self._match.groups(default))

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        """
        The text of every named group.
        """
        return dict(self._match.groupdict(default))

    def start(self, group: Any = 0) -> int:
        """
        Where *group* starts.
        """
        return int(self._match.start(group))

    def end(self, group: Any = 0) -> int:
        """
        Where *group* ends.
        """
        return int(self._match.end(group))

    def span(self, group: Any = 0) -> tuple[int, int]:
        """
        Where *group* starts and ends.
        """
        start, end = self._match.span(group)
        return (int(start), int(end))

    def expand(self, template: Any) -> Any:
        """
        *template* with group references replaced.
        """
        refs = template.count("\\" if isinstance(template, str) else b"\\")
        self._engine.check_size(
            (len(template) + refs * len(self._match.string))
            * _char_bytes(template)
        )
        return self._match.expand(template)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        span = self.span()
        return f"<re.Match object; span={span}, match={self.group()!r}>"


class _Matches:
    """
    ``finditer``'s iterator, handing out this module's ``Match``.
    """

    __slots__ = ("_engine", "_found")

    def __init__(self, found: Iterator[Any], engine: _Engine) -> None:
        self._found = found
        self._engine = engine

    def __iter__(self) -> _Matches:
        return self

    def __next__(self) -> Match:
        try:
            found = next(self._found)
        except TimeoutError:
            self._engine.overrun()
        return Match(found, self._engine)


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
