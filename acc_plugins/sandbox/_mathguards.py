"""
The sandbox's ``math.comb``, ``factorial``, ``perm``, ``prod`` and
``lcm``: each computes in C a result whose size its arguments multiply
(``math.comb(10**6, 5 * 10**5)``), so the result's size is estimated and
refused before C spends seconds on it, or the work is done one guarded
step at a time.

One family of the guarded library functions (``_amplifiers`` holds the
rest), apart because its estimates are arithmetic of their own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._bombs import BombChecks
    from ._budget import Budget

# Largest result of comb(): CPython 3.11 takes about 0.1 s for 100,000 bits
# and four times as long for twice as many.
COMB_BITS: Final = 1 << 17

# Largest result of factorial() and perm() (about 0.07 s).
FACTORIAL_BITS: Final = 1 << 20

# Largest result of lcm(): each step's gcd is quadratic in the size, and
# fifty steps to a million bits took 0.75 s.
LCM_BITS: Final = 1 << 17

_LN2: Final = math.log(2)


def _log2_factorial(n: int) -> float:
    return math.lgamma(n + 1) / _LN2


class MathGuards:
    """
    The guarded ``math`` functions of one sandbox.

    Args:
        bombs: The sandbox's size checks.

        budget: The sandbox's time budget.
    """

    def __init__(self, bombs: BombChecks, budget: Budget) -> None:
        self._bombs = bombs
        self._budget = budget

    def install(self, members: dict[str, Any]) -> None:
        """
        Replace, in place, the members of ``math`` that need a guard.
        """
        members["comb"] = self._comb
        members["factorial"] = self._factorial
        members["perm"] = self._perm
        members["prod"] = self._prod
        members["lcm"] = self._lcm

    def _too_big(self, what: str, bits: float) -> None:
        self._bombs.refuse(
            f"{what} of about {int(bits):,} bits (too slow in C)"
        )

    def _factorial(self, n: int, /) -> int:
        if type(n) is int and n > 1:
            bits = _log2_factorial(n)
            if bits > FACTORIAL_BITS:
                self._too_big(f"factorial({n})", bits)
        return math.factorial(n)

    def _perm(self, n: int, k: int | None = None, /) -> int:
        if type(n) is int and (k is None or type(k) is int) and n > 1:
            rest = 0 if k is None or not 0 <= k <= n else n - k
            bits = _log2_factorial(n) - _log2_factorial(rest)
            if bits > FACTORIAL_BITS:
                self._too_big(f"perm({n}, {k})", bits)
        return math.perm(n, k)

    def _comb(self, n: int, k: int, /) -> int:
        if type(n) is int and type(k) is int and 0 <= k <= n:
            bits = (
                _log2_factorial(n)
                - _log2_factorial(k)
                - _log2_factorial(n - k)
            )
            if bits > COMB_BITS:
                self._too_big(f"comb({n}, {k})", bits)
        return math.comb(n, k)

    def _prod(self, items: Iterable[Any], /, *, start: Any = 1) -> Any:
        # One guarded multiplication at a time, checking the budget.
        mul, budget = self._bombs.mul, self._budget
        result = start
        for item in items:
            if budget.expired:
                budget.tick()
            result = mul(result, item)
        return result

    def _lcm(self, *numbers: int) -> int:
        # Pairwise, refusing a step whose result could pass the limit
        # before C spends seconds on its gcd.
        budget = self._budget
        result = 1
        for number in numbers:
            if budget.expired:
                budget.tick()
            if type(number) is int:
                bits = result.bit_length() + number.bit_length()
                if bits > LCM_BITS:
                    self._too_big("an lcm()", bits)
            result = math.lcm(result, number)
        return result
