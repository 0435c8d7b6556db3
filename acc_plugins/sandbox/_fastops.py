"""
The sandbox's ``*`` and ``+``: closures over locals rather than methods,
because the operators are everywhere in numeric code and text building,
and their first lines are the whole cost numbers and small sequences pay.
Repetitions and concatenations that could pass the memory budget in one
call into C are refused.

Kept apart from ``BombChecks``, which builds them once per sandbox and
hands them the checks they fall back on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ._sequences import REPEATED, SEQUENCES, item_bytes, true_len


if TYPE_CHECKING:
    from collections.abc import Callable


# Exact types multiplied without a check; subclasses take the careful path.
_NUMBERS: Final = frozenset({bool, complex, float, int})
_EXACT_SEQUENCES: Final = frozenset(SEQUENCES)
_CONCATENATIONS: Final = frozenset(kind.__add__ for kind in REPEATED)


def make_mul(
    memory_bytes: int,
    int_bits: int,
    check: Callable[[Any, Any], None],
    too_big_int: Callable[[str, int], None],
) -> Callable[[Any, Any], Any]:
    """
    The sandbox's ``a * b``.

    Args:
        memory_bytes: The plugin's memory budget.

        int_bits: The most bits an integer product may have.

        check: Refuses a repetition larger than the budget.

        too_big_int: Refuses an integer of so many bits.
    """
    # A closure over locals rather than a method: ``*`` is everywhere in
    # numeric code and in text building, and this is the whole cost
    # numbers and small repetitions pay.
    numbers = _NUMBERS
    # Items a repetition may surely produce: eight bytes an item is the
    # most any sequence type takes (a list's pointers).
    surely = memory_bytes // 8
    exact_sequences = _EXACT_SEQUENCES

    def mul(a: Any, b: Any) -> Any:
        """
        ``a * b``, refusing a repetition larger than the budget and an
        integer product that would take seconds in C.
        """
        kind_a, kind_b = type(a), type(b)
        if kind_a is float or kind_b is float:
            return a * b  # a number, or a TypeError: never a repetition
        if kind_b is int:
            if kind_a is int:
                bits = a.bit_length() + b.bit_length()
                if bits > int_bits:
                    too_big_int("an integer product", bits)
                return a * b
            if kind_a in exact_sequences and len(a) * b <= surely:
                return a * b  # "#" * n, [0] * n: small enough
        if kind_a in numbers and kind_b in numbers:
            return a * b
        check(a, b)
        return a * b

    return mul


def make_add(
    memory_bytes: int, too_big: Callable[[str, int], None]
) -> tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]:
    """
    The sandbox's ``a + b``, and the check that ``s += t`` calls first.

    Args:
        memory_bytes: The plugin's memory budget.

        too_big: Refuses a result of so many bytes.
    """
    # ``s = s + s`` doubles in one call into C: thirty of them reach a
    # gigabyte before the memory watch, which looks between calls, can
    # see the first.  Numbers and small texts take the first lines.
    numbers = _NUMBERS
    concatenated = REPEATED
    surely = memory_bytes // 8

    def check_add(a: Any, b: Any) -> Any:
        """
        Refuse ``a + b`` if it would concatenate past the budget; return
        *b* (so that ``s += check_add(s, t)`` keeps CPython's in-place
        concatenation of text).
        """
        if type(a) in numbers or not isinstance(a, concatenated):
            return b
        try:
            items = true_len(a) + true_len(b)
        except TypeError:
            return b  # not a concatenation: a + b raises on its own
        if items > surely:
            size = items * max(item_bytes(a), item_bytes(b))
            if size > memory_bytes:
                too_big("a concatenation", size)
        return b

    exact_sequences = _EXACT_SEQUENCES
    # Whether a type concatenates in C, by type: a dictionary look-up
    # is cheaper than isinstance() against eight classes.
    concatenates: dict[type, bool] = {}

    def add(a: Any, b: Any) -> Any:
        """
        ``a + b``, refusing a concatenation larger than the budget.
        """
        kind = type(a)
        if kind is int or kind is float:
            return a + b
        sized = concatenates.get(kind)
        if sized is None:
            # A class with an __add__ of its own (a vector) adds in its
            # own code, under the budget: only the library's
            # concatenation runs in C.
            sized = concatenates[kind] = (
                issubclass(kind, concatenated)
                and getattr(kind, "__add__", None) in _CONCATENATIONS
            )
        if not sized:
            return a + b  # numbers, the plugin's own classes, ...
        if (
            kind is type(b)
            and kind in exact_sequences
            and len(a) + len(b) <= surely
        ):
            return a + b  # eight bytes an item at most: small
        return a + check_add(a, b)

    return add, check_add
