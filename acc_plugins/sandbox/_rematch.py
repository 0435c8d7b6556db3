"""
The ``Pattern`` and ``Match`` objects of the sandbox's ``re``: the
engine's own, behind methods that always pass the call's time left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, final

import regex

from ._sequences import item_bytes


if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._regex import _Engine

ENGINE_VERSION: Final = regex.VERSION0  # the syntax and semantics of re


@final
class Pattern:
    """
    A compiled regular expression, as ``re.Pattern``.
    """

    __slots__ = (
        "_absent",
        "_absent_limit",
        "_engine",
        "_everywhere",
        "_full",
        "_one",
        "_pattern",
        "_plain",
        "_search",
        "_text",
    )

    def __init__(
        self,
        pattern: Any,
        engine: _Engine,
        plain: Any = None,
        limits: tuple[int, ...] = (-1, -1, -1, -1, -1),
        absent: tuple[Any, ...] = (),
    ) -> None:
        self._pattern = pattern
        self._engine = engine
        # ``re``'s own compiled pattern, and the longest texts it may take
        # within its steps bound (see ``_regexcost``): matched at one
        # place (``match``, ``fullmatch``), searched (``search``, the
        # others), and searched for characters every match starts with
        # (*absent*) when the text has none of them.
        self._plain = plain
        if plain is None:
            limits = (-1, -1, -1, -1, -1)
        (
            self._one,
            self._full,
            self._search,
            self._everywhere,
            self._absent_limit,
        ) = limits
        self._absent = absent
        self._text = type(pattern.pattern)

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

    def _plain_for(self, string: Any, longest: int) -> Any:
        """
        ``re``'s pattern if *string* is text of this pattern's kind no
        longer than *longest*, or a text a search of which fails at once
        everywhere; else None.
        """
        if type(string) is not self._text:
            return None
        if len(string) <= longest:
            return self._plain
        if (
            self._absent
            and len(string) <= self._absent_limit
            and not any(first in string for first in self._absent)
        ):
            return self._plain
        return None

    def _call(self, name: str, plain: Any, *args: Any) -> Any:
        """
        Call the method *name* on ``re``'s pattern if *plain* is it, else
        on the timed engine's.
        """
        if plain is not None:
            return getattr(plain, name)(*args)
        return self._engine.run(getattr(self._pattern, name), *args)

    # match, fullmatch and search are written out, not through ``_call``:
    # the commonest calls of all.

    def match(self, string: Any, *args: Any) -> Match | None:
        """
        Match at the start of *string*.
        """
        if type(string) is self._text and len(string) <= self._one:
            found = self._plain.match(string, *args)
        else:
            found = self._engine.run(self._pattern.match, string, *args)
        return None if found is None else Match(found, self)

    def fullmatch(self, string: Any, *args: Any) -> Match | None:
        """
        Match all of *string*.
        """
        if type(string) is self._text and len(string) <= self._full:
            found = self._plain.fullmatch(string, *args)
        else:
            found = self._engine.run(self._pattern.fullmatch, string, *args)
        return None if found is None else Match(found, self)

    def search(self, string: Any, *args: Any) -> Match | None:
        """
        Find the first match anywhere in *string*.
        """
        if type(string) is self._text and len(string) <= self._search:
            plain = self._plain
        else:
            plain = self._plain_for(string, self._search)
        if plain is not None:
            found = plain.search(string, *args)
        else:
            found = self._engine.run(self._pattern.search, string, *args)
        return None if found is None else Match(found, self)

    def findall(self, string: Any, *args: Any) -> list[Any]:
        """
        Every match in *string*, as ``re.findall`` returns them.
        """
        plain = self._plain_for(string, self._everywhere)
        return list(self._call("findall", plain, string, *args))

    def finditer(self, string: Any, *args: Any) -> Iterator[Match]:
        """
        An iterator over every match in *string*.
        """
        found = self._call(
            "finditer",
            self._plain_for(string, self._everywhere),
            string,
            *args,
        )
        return _Matches(found, self)

    def split(self, string: Any, maxsplit: int = 0) -> list[Any]:
        """
        *string* split where the expression matches.
        """
        plain = self._plain_for(string, self._everywhere)
        return list(self._call("split", plain, string, maxsplit))

    def sub(self, repl: Any, string: Any, count: int = 0) -> Any:
        """
        *string* with matches replaced by *repl*.
        """
        replacement = self._engine.replacement(repl, string, self)
        if type(string) is self._text and len(string) <= self._everywhere:
            plain = self._plain
        else:
            plain = self._plain_for(string, self._everywhere)
        if plain is not None:
            return plain.sub(replacement, string, count)
        return self._engine.run(self._pattern.sub, replacement, string, count)

    def subn(self, repl: Any, string: Any, count: int = 0) -> tuple[Any, int]:
        """
        ``(new string, number of replacements)``.
        """
        engine = self._engine
        replacement = engine.replacement(repl, string, self)
        # On ``re`` too the searches stay within the steps bound; a plugin
        # function checks the budget as it runs, and a counted template is
        # refused at the memory budget.
        plain = self._plain_for(string, self._everywhere)
        result = self._call("subn", plain, replacement, string, count)
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

    __slots__ = ("_match", "_pattern")

    def __init__(self, match: Any, pattern: Pattern) -> None:
        self._match = match
        self._pattern = pattern

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
        return self._pattern

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
        self._pattern._engine.check_size(  # noqa: SLF001 -- its own pattern
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

    __slots__ = ("_found", "_pattern")

    def __init__(self, found: Iterator[Any], pattern: Pattern) -> None:
        self._found = found
        self._pattern = pattern

    def __iter__(self) -> _Matches:
        return self

    def __next__(self) -> Match:
        self._pattern._engine.check_time()  # noqa: SLF001 -- its own pattern
        try:
            found = next(self._found)
        except TimeoutError:
            self._pattern._engine.overrun()  # noqa: SLF001 -- as above
        return Match(found, self._pattern)
