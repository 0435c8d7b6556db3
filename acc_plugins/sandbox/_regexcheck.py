"""
The checks a pattern passes before it is compiled: its length, the number
of characters its repeats can expand to, and the limits on what it can
match that let the engine skip hopeless searches.

Apart from the engine (``_regex``), which runs a pattern under the
budget, because these look only at the pattern's parse tree.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from typing import TYPE_CHECKING, Any, Final, NoReturn

import regex

from ._regexcost import absent_limit, plain_bound, plain_limits
from ._regexfirst import first_characters


if TYPE_CHECKING:
    from collections.abc import Callable


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


def re_flags(flags: int) -> int:
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
        parsed = sre_parse.parse(pattern, re_flags(flags))
    except re.error as exc:
        raise regex.error(str(exc)) from None
    except RecursionError:
        msg = "too many nested groups"
        raise regex.error(msg) from None
    size = _expanded(parsed)
    if size > MAX_PATTERN:
        refuse(
            f"a regular expression that expands to {size:,} items "
            f"(at most {MAX_PATTERN:,})"
        )
    return parsed


def pattern_limits(
    parsed: Any, pattern: Any
) -> tuple[tuple[int, ...], tuple[Any, ...]]:
    """
    The longest texts ``re`` may take for *parsed* (see ``Pattern``), and
    the characters every match starts with, if few.
    """
    if parsed is None:
        return (-1, -1, -1, -1, -1), ()
    is_bytes = isinstance(pattern, bytes)
    size = _expanded(parsed)
    groups = parsed.state.groups  # the whole match is one
    full, everywhere = plain_limits(
        plain_bound(parsed, size, is_bytes=is_bytes), groups
    )
    first, search = plain_limits(
        plain_bound(parsed, size, is_bytes=is_bytes, first_match=True),
        groups,
    )
    if parsed.getwidth()[0] > 0:
        # No empty match, so no search must pass one by: each stops at
        # its first way through, as search() does.
        everywhere = max(everywhere, search)
    absent = first_characters(parsed, is_bytes=is_bytes) or ()
    longest_absent = absent_limit(size, groups) if absent else -1
    return (first, full, search, everywhere, longest_absent), absent
