"""
The sandbox's Fraction: it refuses text and Decimals whose exponent would
make the numerator or denominator larger than ``INT_BITS``
(``Fraction("1e100000000")`` computes ``10**100000000`` in library code).
The fractions module's arithmetic returns real Fractions, which
``isinstance()`` accepts as the served class.

Apart from the Decimal class (``_numbers``), whose expansion checks it
reuses.
"""

from __future__ import annotations

import abc
import decimal
import fractions
import math
from typing import TYPE_CHECKING, Any, Final, cast

from ._bombs import INT_BITS
from ._numbers import check_int, check_ratio


if TYPE_CHECKING:
    from ._bombs import BombChecks


_LOG2_10: Final = math.log2(10)


def _exponent(text: str) -> int | None:
    """
    The exponent of a number in *text*, if it has one.
    """
    head, mark, tail = str.lower(text).rpartition("e")
    tail = tail.strip()
    digits = tail[1:] if tail[:1] in ("+", "-") else tail
    if not (mark and head and digits.replace("_", "").isdigit()):
        return None
    if len(digits) > 20:  # noqa: PLR2004 -- beyond any limit, before int() reads it
        return 10**20
    try:
        return abs(int(tail))
    except ValueError:
        return None  # the constructor reports the syntax error


def fraction_class(bombs: BombChecks) -> type[fractions.Fraction]:
    """
    A sandbox's ``fractions.Fraction``: a subclass that refuses text and
    Decimals whose exponent would make a numerator or denominator larger
    than ``INT_BITS``.

    Args:
        bombs: The sandbox's size checks.
    """
    refuse = bombs.refuse

    def check_text(text: str) -> None:
        exponent = _exponent(text)
        if exponent is not None:
            what = "Fraction() of text: a numerator or denominator"
            bits = math.ceil((len(text) + exponent) * _LOG2_10)
            if bits > INT_BITS:
                bombs.too_big_int(what, bits)
            bombs.check_size(what, bits // 8)

    class Fraction(fractions.Fraction):
        __slots__ = ()

        def __new__(cls, numerator: Any = 0, denominator: Any = None) -> Any:
            if denominator is None:
                if isinstance(numerator, str):
                    check_text(numerator)
                elif isinstance(numerator, decimal.Decimal):
                    check_ratio(numerator, "Fraction()", refuse)
            return super().__new__(cls, numerator, denominator)

        @classmethod
        def from_decimal(cls, dec: Any) -> Any:
            if isinstance(dec, int):
                # Converted to a Decimal first, in quadratic time.
                check_int(dec, "Fraction.from_decimal()", refuse)
            elif isinstance(dec, decimal.Decimal):
                check_ratio(dec, "Fraction.from_decimal()", refuse)
            return super().from_decimal(dec)

    def real_fractions(cls: Any, subclass: Any) -> Any:
        # The fractions module's arithmetic returns real Fractions:
        # isinstance() accepts them as the served class.  Read from the
        # MRO: issubclass() would ask this hook again, through the real
        # class's subclasses.
        if cls is served and fractions.Fraction in subclass.__mro__:
            return True
        return NotImplemented

    Fraction.__module__ = "fractions"
    Fraction.__qualname__ = "Fraction"
    served = abc.ABCMeta(
        "Fraction",
        (Fraction,),
        {
            "__doc__": fractions.Fraction.__doc__,
            "__module__": "fractions",
            "__qualname__": "Fraction",
            "__slots__": (),
            "__subclasshook__": classmethod(real_fractions),
        },
    )
    return cast("type[fractions.Fraction]", served)
