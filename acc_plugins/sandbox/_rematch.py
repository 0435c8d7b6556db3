"""
The ``Pattern`` and ``Match`` objects of the sandbox's ``re``: the
engine's own, behind methods that always pass the call's time left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, final

import regex

from ._bombs import item_bytes


if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._regex import _Engine

ENGINE_VERSION: Final = regex.VERSION0  # the syntax and semantics of re


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
        return int(self._pattern.flags & ~ENGINE_VERSION)

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

    def match(self, string: Any, *args: Any) -> Match | None:
        """
        Match at the start of *string*.
        """
        found = self._engine.run(self._pattern.match, string, *args)
        return None if found is None else Match(found, self._engine)

    def fullmatch(self, string: Any, *args: Any) -> Match | None:
        """
        Match all of *string*.
        """
        found = self._engine.run(self._pattern.fullmatch, string, *args)
        return None if found is None else Match(found, self._engine)

    def search(self, string: Any, *args: Any) -> Match | None:
        """
        Find the first match anywhere in *string*.
        """
        found = self._engine.run(self._pattern.search, string, *args)
        return None if found is None else Match(found, self._engine)

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
            * item_bytes(template)
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
