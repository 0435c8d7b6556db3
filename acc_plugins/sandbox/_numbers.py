"""
``decimal.Decimal`` and ``fractions.Fraction`` whose values stay cheap to
expand.

Decimal construction is exact and needs no context, so
``Decimal("1e999999999")`` is a small object, and arithmetic reaches
``1E+999999`` under the default context.  Expanding such a value runs in
C, where no budget check can stop it: ``int(Decimal("1e3000000"))`` took
341 s, ``format(Decimal("1e2000000"), "f")`` builds megabytes of zeros, and
``round()``, ``math.floor()``, ``as_integer_ratio()``, ``Fraction(d)`` and
``statistics.mean()`` expand the same way.  C also converts an integer
operand to a Decimal in quadratic time: ``Decimal(1) == 1 << 4_000_000``
takes 20 s.  ``Fraction("1e100000000")`` computes ``10**100000000`` in
library code.

Each sandbox serves its own subclasses instead.  The Decimal class refuses
a value whose leading digit lies beyond ``1E±MAX_EXPONENT``, and an integer
operand of more bits than such a value holds; every operator and method of
``decimal.Decimal`` is wrapped, generically, so that a Decimal result comes
back as the sandbox's class after the same check (C returns the base class
from a subclass's arithmetic), and the methods that expand a value check
the value they expand, whoever made it.  ``as_integer_ratio()`` also
refuses digits below ``1E-MAX_EXPONENT``, whose denominator would be too
large.  The wrappers live in a hidden class between the served one and
``decimal.Decimal``, so that ``super(decimal.Decimal, x)`` finds them too.  The Fraction class, which reuses the expansion checks, is in
``_fractions``.
"""

from __future__ import annotations

import decimal
import fractions
import functools
import math
import types
from typing import TYPE_CHECKING, Any, Final, NoReturn


if TYPE_CHECKING:
    from collections.abc import Callable


# Farthest place, in powers of ten, of a Decimal's leading digit.  Its
# expansions stay near a millisecond: at 5,000, int() takes 0.6 ms and the
# worst as_integer_ratio() 3 ms (11 ms at 10,000, growing as the square),
# and statistics.stdev() of values that far apart 11 ms.  The text is at
# most 5,000 characters beyond the value's own digits: far below the
# smallest memory budget.
MAX_EXPONENT: Final = 5_000

# Most bits of an integer operand: the integers below 1E+5,001.  C
# converts one to a Decimal in quadratic time (a million bits took 1.2 s).
INT_OPERAND_BITS: Final = math.ceil((MAX_EXPONENT + 1) * math.log2(10))


# Members of decimal.Decimal left as they are: they take no operand, return
# no Decimal and do not expand the value (str() and repr() switch to
# exponent notation).  Everything else is wrapped.
_AS_IS: Final = frozenset(
    {
        "__bool__",
        "__complex__",
        "__copy__",
        "__deepcopy__",
        "__doc__",
        "__float__",
        "__getattribute__",
        "__hash__",
        "__module__",
        "__new__",
        "__reduce__",
        "__repr__",
        "__sizeof__",
        "__str__",
        "adjusted",
        "as_tuple",
        "is_canonical",
        "is_finite",
        "is_infinite",
        "is_nan",
        "is_normal",
        "is_qnan",
        "is_signed",
        "is_snan",
        "is_subnormal",
        "is_zero",
        "number_class",
        "to_eng_string",
    }
)

# Methods that expand their receiver into an integer, a ratio or text: they
# check it first, whoever made it.
_EXPANDING: Final = frozenset(
    {
        "__ceil__",
        "__floor__",
        "__format__",
        "__int__",
        "__round__",
        "__trunc__",
        "as_integer_ratio",
    }
)

# The signature of the operators of one operand (``__add__``, ``__lt__``),
# wrapped without the general wrapper's loops: Decimal-heavy code runs
# them most.
_BINARY_SIGNATURE: Final = "($self, value, /)"

_BASE: Final = decimal.Decimal
_adjusted = decimal.Decimal.adjusted
_is_finite = decimal.Decimal.is_finite
_as_tuple = decimal.Decimal.as_tuple


def _beyond(what: str, power: int) -> str:
    return (
        f"{what}: a Decimal with a digit at 1E{power:+,} (at most "
        f"1E±{MAX_EXPONENT:,}: expanding it takes C too long)"
    )


def check_ratio(
    value: decimal.Decimal, what: str, refuse: Callable[[str], NoReturn]
) -> None:
    """
    Refuse to expand *value* into an integer ratio whose numerator or
    denominator would pass ``10**MAX_EXPONENT``.
    """
    if not _is_finite(value):
        return  # as_integer_ratio() raises its own error
    adjusted = _adjusted(value)
    if adjusted > MAX_EXPONENT:
        refuse(_beyond(what, adjusted))
    exponent = _as_tuple(value).exponent
    if isinstance(exponent, int) and exponent < -MAX_EXPONENT:
        refuse(_beyond(what, exponent))


def check_int(
    value: int, what: str, refuse: Callable[[str], NoReturn]
) -> None:
    """
    Refuse an integer too large to convert to a Decimal quickly.
    """
    bits = int.bit_length(value)
    if bits > INT_OPERAND_BITS:
        refuse(
            f"{what}: an integer operand of {bits:,} bits (at most "
            f"{INT_OPERAND_BITS:,}: C converts it to a Decimal in "
            "quadratic time)"
        )


class _DecimalChecks:
    """
    The checks of one sandbox's Decimal class, for the wrappers.
    """

    def __init__(self, refuse: Callable[[str], NoReturn]) -> None:
        self.refuse = refuse
        self.served: type[decimal.Decimal] = _BASE

    def beyond(self, what: str, power: int) -> NoReturn:
        self.refuse(_beyond(what, power))

    def operand(self, value: Any, what: str) -> Any:
        """
        *value* as C may convert it: an integer of bounded size, or a fresh
        real Fraction with bounded parts, read once.
        """
        kind = type(value)
        if kind is str or kind is float:
            return value
        if isinstance(value, int):
            check_int(value, what, self.refuse)
        elif isinstance(value, fractions.Fraction):
            # C reads the parts of a Rational by name, and a plugin's
            # subclass answers what it likes each time.
            numerator = int.__int__(value.numerator)
            denominator = int.__int__(value.denominator)
            self.operand(numerator, what)
            self.operand(denominator, what)
            return fractions.Fraction(numerator, denominator)
        return value

    def adopt(self, result: Any, what: str) -> Any:
        """
        *result* with every Decimal in it checked and made the served
        class.
        """
        kind = type(result)
        if kind is _BASE:
            adjusted = _adjusted(result)
            if -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
                return _BASE.__new__(self.served, result)
            self.beyond(what, adjusted)
        if kind is tuple:
            return tuple([self.adopt(item, what) for item in result])
        return result


def _binary(checks: _DecimalChecks, name: str, real: Any) -> Any:
    # The operators Decimal-heavy code runs most: the common case (a
    # Decimal operand, a Decimal or bool result) is written out.
    what, served, new = f"Decimal.{name}()", checks.served, _BASE.__new__
    operand, beyond, adopt = checks.operand, checks.beyond, checks.adopt

    def binary(self: Any, other: Any, /) -> Any:
        if not isinstance(other, _BASE):
            other = operand(other, what)
        result = real(self, other)
        kind = type(result)
        if kind is _BASE:
            adjusted = _adjusted(result)
            if -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
                return new(served, result)
            beyond(what, adjusted)
        return adopt(result, what) if kind is tuple else result

    return binary


def _general(checks: _DecimalChecks, name: str, real: Any) -> Any:
    what, served, new = f"Decimal.{name}()", checks.served, _BASE.__new__
    operand, beyond, adopt = checks.operand, checks.beyond, checks.adopt
    expands = name in _EXPANDING

    def general(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        if expands:
            adjusted = _adjusted(self)
            if not -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
                beyond(what, adjusted)
        for value in args:
            if not isinstance(value, _BASE):
                operand(value, what)
        if kwargs:
            for value in kwargs.values():
                operand(value, what)
        result = real(self, *args, **kwargs)
        if type(result) is _BASE:
            adjusted = _adjusted(result)
            if -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
                return new(served, result)
            beyond(what, adjusted)
        return adopt(result, what)

    return general


def _ratio(checks: _DecimalChecks, name: str, real: Any) -> Any:
    what = f"Decimal.{name}()"
    refuse = checks.refuse

    def as_integer_ratio(self: Any, /) -> Any:
        check_ratio(self, what, refuse)
        return real(self)

    return as_integer_ratio


def _attribute(checks: _DecimalChecks, name: str, real: Any) -> Any:
    what = f"Decimal.{name}"
    adopt = checks.adopt
    # ``imag`` is a new Decimal zero: base-class arithmetic would follow.
    return property(
        lambda self: adopt(real.__get__(self), what), doc=real.__doc__
    )


def _constructor(checks: _DecimalChecks, name: str, real: Any) -> Any:
    what = f"Decimal.{name}()"
    adopt, operand = checks.adopt, checks.operand

    def construct(cls: Any, /, *args: Any, **kwargs: Any) -> Any:
        # C converts an integer before it calls the subclass with the
        # result, which the subclass's constructor then checks.
        for value in args:
            operand(value, what)
        for value in kwargs.values():
            operand(value, what)
        return adopt(real.__get__(None, cls)(*args, **kwargs), what)

    return classmethod(construct)


@functools.cache
def _plan() -> tuple[tuple[str, Any, Any], ...]:
    """
    ``(name, wrapper factory, real member)`` for each member of
    ``decimal.Decimal`` that is wrapped, decided once per process.

    Raises:
        TypeError: If a member is of a kind no wrapper covers (a new
            Python's): refused until this table learns it.
    """
    plan = []
    for name, real in sorted(vars(_BASE).items()):
        if name in _AS_IS:
            continue
        if name == "as_integer_ratio":
            make: Any = _ratio
        elif isinstance(real, types.GetSetDescriptorType):
            make = _attribute
        elif isinstance(real, types.ClassMethodDescriptorType):
            make = _constructor
        elif getattr(real, "__text_signature__", None) == _BINARY_SIGNATURE:
            make = _binary
        elif isinstance(
            real, (types.WrapperDescriptorType, types.MethodDescriptorType)
        ):
            make = _general
        else:
            msg = f"decimal.Decimal.{name}: no wrapper for {type(real)}"
            raise TypeError(msg)
        plan.append((name, make, real))
    return tuple(plan)


def decimal_class(
    refuse: Callable[[str], NoReturn],
) -> type[decimal.Decimal]:
    """
    A sandbox's ``decimal.Decimal``: a subclass whose values keep their
    leading digit within ``1E±MAX_EXPONENT``.

    Args:
        refuse: Raises the sandbox's refusal with a description.
    """
    checks = _DecimalChecks(refuse)
    beyond = checks.beyond
    base_new, adjusted_of = _BASE.__new__, _adjusted
    low, high = -MAX_EXPONENT, MAX_EXPONENT

    def new(cls: Any, value: Any = "0", context: Any = None) -> Any:
        # C converts an integer in quadratic time; other values in linear
        # time (text, a tuple of digits) or bounded (a float), and checked
        # after.
        if isinstance(value, int):
            check_int(value, "Decimal()", refuse)
        made = base_new(cls, value, context)
        adjusted = adjusted_of(made)
        if not low <= adjusted <= high:
            beyond("Decimal()", adjusted)
        return made

    def named(extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "__doc__": _BASE.__doc__,
            "__module__": "decimal",
            "__qualname__": "Decimal",
            "__slots__": (),
            **extra,
        }

    hidden = type("Decimal", (_BASE,), named({"__new__": new}))
    served = type("Decimal", (hidden,), named({}))
    checks.served = served
    for name, make, real in _plan():
        setattr(hidden, name, make(checks, name, real))
    return served
