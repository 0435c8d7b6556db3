"""
Which characters can start a part of a regular expression.

``_regexcost`` bounds ``re``'s backtracking from a pattern's structure;
what keeps the common patterns linear is knowing that what follows a
repeat can never start where the repeat's body can (``[0-9]+Y``): every
count but the largest then fails at the next character.  The parts named
here are one-character matchers (a literal, a class, ``.``); a part that
can match empty text counts only if it does so in one way, so that a
failure walks it once.  Whether two matchers share a character is asked
of ``re`` itself, for each character of a short listed class.
"""

from __future__ import annotations

import re._compiler as sre_compile  # type: ignore[import-not-found]
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from typing import Any, Final


# A character class listed out, for the finite side of a comparison.
_MAX_LISTED: Final = 256
# First characters looked for in a text before a search.
_FEW: Final = 4

# What follows the whole pattern: no character matcher accepts it.
END: Final = "end of text"

CHARACTER: Final = frozenset(
    {
        sre_constants.ANY,
        sre_constants.CATEGORY,
        sre_constants.IN,
        sre_constants.LITERAL,
        sre_constants.NOT_LITERAL,
    }
)
REPEATS: Final = frozenset(
    {
        sre_constants.MAX_REPEAT,
        sre_constants.MIN_REPEAT,
        sre_constants.POSSESSIVE_REPEAT,
    }
)
GROUPREFS: Final = frozenset(
    {
        sre_constants.GROUPREF,
        sre_constants.GROUPREF_IGNORE,
        sre_constants.GROUPREF_LOC_IGNORE,
        sre_constants.GROUPREF_UNI_IGNORE,
    }
)
ATOMIC: Final = frozenset(
    {
        sre_constants.ASSERT,
        sre_constants.ASSERT_NOT,
        sre_constants.ATOMIC_GROUP,
    }
)


def _children(op: Any, value: Any) -> list[Any]:
    """
    The parsed sub-patterns directly inside one item.
    """
    if op is sre_constants.ATOMIC_GROUP:
        return [value]
    if op is sre_constants.SUBPATTERN or op in ATOMIC:
        return [value[-1]]
    if op is sre_constants.BRANCH:
        return list(value[1])
    if op in REPEATS:
        return [value[2]]
    if op is sre_constants.GROUPREF_EXISTS:
        return [branch for branch in value[1:] if branch is not None]
    return []


def _sets_flags(items: Any) -> bool:
    """
    Whether any group in *items* sets or clears flags (``(?i:...)``).
    """
    return any(
        (op is sre_constants.SUBPATTERN and (value[1] or value[2]))
        or any(_sets_flags(inner) for inner in _children(op, value))
        for op, value in items
    )


class FirstCharacters:
    """
    The first-character questions of one parsed pattern.
    """

    def __init__(self, parsed: Any, *, is_bytes: bool) -> None:
        self._state = parsed.state
        self._flags = parsed.state.flags
        self._is_bytes = is_bytes
        # Which characters a class matches is only listed without case
        # folding or locale, and with one set of flags throughout.
        caseless = sre_constants.SRE_FLAG_IGNORECASE
        self._compares = not (
            self._flags & (caseless | sre_constants.SRE_FLAG_LOCALE)
        ) and not _sets_flags(parsed)
        self._matchers: dict[tuple[Any, Any], Any] = {}

    def _head(
        self, op: Any, value: Any
    ) -> tuple[tuple[Any, ...], bool] | None:
        """
        The one-character matchers *op* can start with, and whether it can
        match empty text in (exactly) one way; None if unknown.
        """
        if op in CHARACTER:
            return ((op, value),), False
        if op is sre_constants.AT:
            return (), True
        if op is sre_constants.SUBPATTERN:
            return self.head_of(value[-1])
        if op is sre_constants.BRANCH:
            found: list[Any] = []
            for branch in value[1]:
                head = self.head_of(branch)
                if head is None or head[1]:
                    return None
                found.extend(head[0])
            return tuple(found), False
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            head = self.head_of(value[2])
            if head is None or head[1]:
                return None
            return head[0], value[0] == 0
        return None

    def head_of(self, items: Any) -> tuple[tuple[Any, ...], bool] | None:
        found: list[Any] = []
        for op, value in items:
            head = self._head(op, value)
            if head is None:
                return None
            found.extend(head[0])
            if not head[1]:
                return tuple(found), False
        return tuple(found), True

    def then(self, item: Any, follow: Any) -> Any:
        """
        What can come first of *item* followed by *follow*, or None.
        """
        head = self._head(*item)
        if head is None:
            return None
        if not head[1]:
            return head[0]
        if follow is None:
            return None
        return (*head[0], *follow)

    def head(self, items: Any) -> tuple[tuple[Any, ...], bool] | None:
        """
        What *items* can start with, and whether it can match empty text,
        if that is known without case folding or per-group flags.
        """
        return self.head_of(items) if self._compares else None

    def listed(self, matcher: Any) -> tuple[int, ...] | None:
        """
        The characters *matcher* matches, if a short list of them.
        """
        op, value = matcher
        if op is sre_constants.LITERAL:
            return (value,)
        if op is not sre_constants.IN:
            return None
        codes: list[int] = []
        for kind, item in value:
            if kind is sre_constants.LITERAL:
                codes.append(item)
            elif kind is sre_constants.RANGE:
                codes.extend(range(item[0], item[1] + 1))
            else:
                return None
            if len(codes) > _MAX_LISTED:
                return None
        return tuple(codes)

    def _accepts(self, matcher: Any, code: int) -> bool:
        op, value = matcher
        key = (op, tuple(value) if isinstance(value, list) else value)
        compiled = self._matchers.get(key)
        if compiled is None:
            one = sre_parse.SubPattern(self._state, [matcher])
            compiled = sre_compile.compile(one, self._flags)
            self._matchers[key] = compiled
        text = bytes([code]) if self._is_bytes else chr(code)
        return compiled.fullmatch(text) is not None

    def _apart(self, first: Any, other: Any) -> bool:
        if other == END:
            return True
        for one, two in ((first, other), (other, first)):
            listed = self.listed(one)
            if listed is not None:
                return not any(self._accepts(two, code) for code in listed)
        return False

    def disjoint(self, body: Any, follow: Any) -> bool:
        """
        Whether nothing *body* can start with can start *follow*.
        """
        if not self._compares or follow is None:
            return False
        head = self.head_of(body)
        if head is None or head[1] or not head[0]:
            return False
        return all(
            self._apart(first, other) for first in head[0] for other in follow
        )


def first_characters(
    parsed: Any, *, is_bytes: bool
) -> tuple[str, ...] | tuple[bytes, ...] | None:
    """
    The few characters every match of *parsed* starts with, if it has
    such a list: on a text without any of them, each attempt fails after
    at most (size of the pattern) steps, however it backtracks elsewhere.
    """
    analysis = FirstCharacters(parsed, is_bytes=is_bytes)
    head = analysis.head(parsed)
    if head is None or head[1] or not head[0]:
        return None
    codes: set[int] = set()
    for matcher in head[0]:
        listed = analysis.listed(matcher)
        if listed is None:
            return None
        codes.update(listed)
    if len(codes) > _FEW:
        return None
    if is_bytes:
        return tuple(bytes([code]) for code in sorted(codes))
    return tuple(chr(code) for code in sorted(codes))
