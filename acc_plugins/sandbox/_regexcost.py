"""
How many steps ``re`` can take on a pattern, bounded from its structure.

``re`` matches in C and never looks at a clock, so the sandbox hands it
only matches it can bound: the rest go to the timed engine.  The bound is
a polynomial in N, the text's length plus two, kept as one monomial
``c * N**d`` that is above it; each part of a pattern gets two:

- *ways*: how many ways it can match from one place that the rest of the
  pattern then goes on from (the engine backtracks into each);
- *steps*: the engine's steps to try all of them from one place.

A sequence tries each way of its first part against the rest, so its
steps are ``steps(a) + ways(a) * steps(rest)``; an alternation adds its
branches up.  A repeat whose body matches in one way, and never matches
empty text, has at most N counts to try.  A repeat of a body that can
match in several ways is exponential (``(a|a)*``, ``(a+)+``) unless its
count is small.  A lookaround, an atomic group or a backreference leaves
no way behind it to backtrack into.

One refinement keeps the common patterns linear: when what follows a
repeat can never start with a character the repeat's body can start with
(``[0-9]+Y``, `` *<``), every count but the largest runs into a character
the rest of the pattern refuses at once, after at most (size of the
pattern) steps: only one count goes on.  Which characters can start what
is decided by ``re`` itself, on each character of the finite side.

Another keeps searches linear: ``match`` and ``search`` stop at the
first way through the pattern, so from where all that is left always
succeeds (optional parts, ``(#.*)?$`` aside), nothing before is ever
tried again.  ``fullmatch`` must end at the end of the text, and the
searches of ``findall`` and the others must, after an empty match, not
match empty at the same place: those keep the full bound.
"""

from __future__ import annotations

import re._constants as sre_constants  # type: ignore[import-not-found]
from typing import TYPE_CHECKING, Any, Final

from ._regexfirst import (
    ATOMIC,
    CHARACTER,
    END,
    GROUPREFS,
    REPEATS,
    FirstCharacters,
)


if TYPE_CHECKING:
    from collections.abc import Callable


# Steps ``re`` may take in one call: 1e7 of the steps counted here took
# 0.02 to 0.045 s on a busy machine, below the shortest budget on any.
PLAIN_STEPS: Final = 10_000_000

# What the engine does at each point it may come back to (an iteration
# of a repeat of more than a character, a branch): a frame, and a copy of
# every group's span.  (2,000,000 iterations of (?:ab)* took 0.15 s.)
_SAVE_STEPS: Final = 30
_MARK_STEPS: Final = 4

# A count at most this large is counted exactly (``?``, ``{1,3}``).
_SMALL: Final = 16
# Beyond these a pattern is not worth bounding: no text fits.
_MAX_DEGREE: Final = 8
_MAX_COEFFICIENT: Final = PLAIN_STEPS
# Steps a match found everywhere costs per group, in strings and lists
# (findall of 700,000 two-group matches took 0.2 s).
_RESULT_STEPS: Final = 50

_Bound = tuple[int, int]  # (c, d): c * N**d
_ONE: Final[_Bound] = (1, 0)
_LINEAR: Final[_Bound] = (1, 1)


class _UnboundedError(Exception):
    """
    The pattern's backtracking has no bound we can prove.
    """


def _add(a: _Bound, b: _Bound) -> _Bound:
    return (a[0] + b[0], max(a[1], b[1]))


def _mul(a: _Bound, b: _Bound) -> _Bound:
    bound = (a[0] * b[0], a[1] + b[1])
    if bound[0] > _MAX_COEFFICIENT or bound[1] > _MAX_DEGREE:
        raise _UnboundedError
    return bound


def _power(a: _Bound, times: int) -> _Bound:
    bound = _ONE
    for _ in range(times):
        bound = _mul(bound, a)
    return bound


class _Analysis:
    """
    The bound of one parsed pattern.
    """

    def __init__(self, parsed: Any, size: int, *, is_bytes: bool) -> None:
        self._size = max(size, 1)
        self._first = FirstCharacters(parsed, is_bytes=is_bytes)
        # What the engine saves at each point it may come back to: every
        # group's span.
        self._saved = (_SAVE_STEPS + _MARK_STEPS * parsed.state.groups, 0)

    def _iteration(self, body: Any, body_steps: _Bound) -> _Bound:
        """
        The steps of one iteration of a repeat of *body*: a single
        character is counted in a loop of its own; anything else makes a
        frame of the engine's, and saves the groups.
        """
        if _simple(body):
            return body_steps
        return _add(body_steps, self._saved)

    # -- ways and steps -------------------------------------------------------

    def sequence(
        self, items: Any, follow: Any, *, ends: bool = False
    ) -> tuple[_Bound, _Bound]:
        """
        The ways and steps of *items* followed by what starts *follow*;
        if *ends*, what follows them always succeeds (see ``plain_bound``).
        """
        items = list(items)
        first = self._first
        follows = []
        ending = []
        after = follow
        for item in reversed(items):
            follows.append(after)
            ending.append(ends)
            after = first.then(item, after)
            ends = ends and _always_succeeds(*item)
        ways, steps = _ONE, _ONE
        for (op, value), then, last in zip(
            items, reversed(follows), reversed(ending), strict=True
        ):
            item_ways, item_steps = self._item(op, value, then, ends=last)
            steps = _add(steps, _mul(ways, item_steps))
            # What follows always succeeds: the first way of all before is
            # the only one ever gone on from.
            ways = _ONE if last else _mul(ways, item_ways)
        return ways, steps

    def _item(
        self, op: Any, value: Any, follow: Any, *, ends: bool
    ) -> tuple[_Bound, _Bound]:
        if op in CHARACTER or op is sre_constants.AT:
            return _ONE, (
                max(len(value), 1) if op is sre_constants.IN else 1,
                0,
            )
        if op is sre_constants.SUBPATTERN:
            ways, steps = self.sequence(value[-1], follow, ends=ends)
            return ways, _add(steps, _ONE)
        if op is sre_constants.BRANCH:
            ways, steps = (0, 0), _mul((len(value[1]), 0), self._saved)
            for branch in value[1]:
                more_ways, more_steps = self.sequence(
                    branch, follow, ends=ends
                )
                ways, steps = _add(ways, more_ways), _add(steps, more_steps)
            return ways, steps
        if op in ATOMIC:
            # Tried until its first success, never backtracked into.
            body = value if op is sre_constants.ATOMIC_GROUP else value[1]
            _, steps = self.sequence(body, None, ends=True)
            return _ONE, _add(steps, _ONE)
        if op in GROUPREFS:
            return _ONE, _LINEAR
        if op is sre_constants.GROUPREF_EXISTS:
            ways, steps = self.sequence(value[1], follow, ends=ends)
            if value[2] is not None:
                more_ways, more_steps = self.sequence(
                    value[2], follow, ends=ends
                )
                ways, steps = _add(ways, more_ways), _add(steps, more_steps)
            return _add(ways, _ONE), _add(steps, _ONE)
        if op in REPEATS:
            low, high, body = value
            if ends:
                ending = self._ending_repeat(low, high, body)
                if ending is not None:
                    return _ONE, ending
            return self._repeat(low, high, body, follow)
        raise _UnboundedError

    def _ending_repeat(self, low: int, high: int, body: Any) -> _Bound | None:
        """
        The steps of a repeat that what follows always succeeds after, or
        None to count it as any other.  Once *low* iterations are past,
        each iteration's first way goes on (to another, or to the end):
        only the last, failing, iteration is tried in full.
        """
        counted = high <= _SMALL
        if not counted and body.getwidth()[0] == 0:
            return None  # empty iterations: not counted here
        counts = (high + 1, 0) if counted else _LINEAR
        if low <= 1:
            _, body_steps = self.sequence(body, None, ends=True)
        else:
            body_ways, body_steps = self.sequence(body, None)
            if body_ways != _ONE:
                return None  # the first iterations must all match
        steps = self._iteration(body, body_steps)
        return _add(_mul(counts, steps), _ONE)

    def _repeat(
        self, low: int, high: int, body: Any, follow: Any
    ) -> tuple[_Bound, _Bound]:
        if high <= 1:
            inner = follow
        else:
            head = self._first.head_of(body)
            again = None if head is None or head[1] else head[0]
            inner = None if again is None or follow is None else again + follow
        body_ways, body_steps = self.sequence(body, inner)
        body_steps = self._iteration(body, body_steps)
        small = high <= _SMALL
        if body_ways == _ONE and low == high:
            return _ONE, _add(_mul((high, 0), body_steps), _ONE)
        if body_ways == _ONE:
            if body.getwidth()[0] == 0:
                raise _UnboundedError  # empty iterations: not counted here
            counts = (high, 0) if small else _LINEAR
            ways = (high - low + 1, 0) if small else _LINEAR
            steps = _add(_mul(counts, body_steps), _ONE)
            if self._first.disjoint(body, follow):
                # Only the largest count goes on; the others are refused
                # within the pattern's size by what follows.
                return _ONE, _add(steps, (self._size, 1))
            return ways, steps
        if not small:
            raise _UnboundedError
        ways = _mul((high - low + 1, 0), _power(body_ways, high))
        steps = _mul((high, 0), _mul(_power(body_ways, high - 1), body_steps))
        return ways, _add(steps, _ONE)


def _simple(body: Any) -> bool:
    """
    Whether a repeat of *body* is one of a single character, which the
    engine runs in a loop of its own (``re._compiler._simple``).
    """
    if len(body) != 1:
        return False
    op, value = body[0]
    if op is sre_constants.SUBPATTERN:
        return value[0] is None and _simple(value[-1])
    return op in CHARACTER


def _always_succeeds(op: Any, value: Any) -> bool:
    """
    Whether an item matches wherever it is tried (at worst, empty).
    """
    if op in REPEATS:
        return bool(value[0] == 0)
    if op is sre_constants.SUBPATTERN:
        return all(_always_succeeds(*item) for item in value[-1])
    if op is sre_constants.BRANCH:
        return any(
            all(_always_succeeds(*item) for item in branch)
            for branch in value[1]
        )
    return False


def plain_bound(
    parsed: Any, size: int, *, is_bytes: bool, first_match: bool = False
) -> _Bound | None:
    """
    A bound ``(c, d)`` on ``re``'s steps for one match attempt of
    *parsed* at one place in a text of length n: ``c * (n + 2) ** d``;
    None if its backtracking cannot be bounded so.

    Args:
        parsed: The pattern as ``re._parser`` parses it.

        size: The pattern's size with counted repeats written out.

        is_bytes: Whether it is a bytes pattern.

        first_match: For ``match`` and ``search``, which stop at the
            first way through the pattern: from where all that is left
            always succeeds (``(#.*)?`` at the end), nothing before is
            tried again.  ``fullmatch`` must end at the end of the text,
            and ``findall`` and the others, after an empty match, must
            not match empty at the same place: they are bounded without.
    """
    analysis = _Analysis(parsed, size, is_bytes=is_bytes)
    try:
        _, steps = analysis.sequence(parsed, (END,), ends=first_match)
    except (_UnboundedError, RecursionError):
        return None
    return steps


def _steps_one(bound: _Bound, length: int) -> int:
    return int(bound[0] * (length + 2) ** bound[1])


def _longest(steps: Callable[[int], int]) -> int:
    """
    The longest text on which *steps* (a growing function of the length)
    stays within ``PLAIN_STEPS``; -1 for none.
    """
    if steps(0) > PLAIN_STEPS:
        return -1
    low, high = 0, PLAIN_STEPS
    if steps(high) <= PLAIN_STEPS:
        return high
    while low < high:
        middle = (low + high + 1) // 2
        if steps(middle) <= PLAIN_STEPS:
            low = middle
        else:
            high = middle - 1
    return low


def _result_steps(groups: int) -> int:
    """
    What one match found everywhere costs beyond matching, in steps:
    ``findall`` and the others make a string of every group of it.
    """
    return _RESULT_STEPS * (groups + 1)


def absent_limit(size: int, groups: int) -> int:
    """
    The longest text ``re`` may search for a pattern of *size* (and
    *groups* groups, the whole match one of them) when none of its first
    characters is in it: every attempt fails within the pattern's size.
    """
    per_place = max(size, 1) + _result_steps(groups)
    return _longest(lambda n: 2 * (n + 1) * per_place)


def plain_limits(bound: _Bound | None, groups: int) -> tuple[int, int]:
    """
    The longest texts ``re`` may take for a pattern of *bound* (and
    *groups* groups, the whole match one of them): matched at one place,
    and searched from every place (a search, and ``findall``, ``sub`` and
    the others, which try each place at most twice and may find a match
    at each).
    """
    if bound is None:
        return -1, -1
    # ``d == 0``: one attempt costs the same on any text.
    one = (
        _longest(lambda n: _steps_one(bound, n))
        if bound[1]
        else (PLAIN_STEPS if bound[0] <= PLAIN_STEPS else -1)
    )
    results = _result_steps(groups)
    everywhere = _longest(
        lambda n: 2 * (n + 1) * (_steps_one(bound, n) + results)
    )
    return one, everywhere
