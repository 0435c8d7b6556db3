"""
Refusing memory bombs before they run.

A single operation in C (``"x" * 10**10``, ``2 ** 10**10``, ``1 << 10**10``,
``list(range(10**12))``) can exhaust memory or hold the
interpreter far longer than any time budget, because no plugin bytecode runs
until it returns.  The compiler routes ``*``, ``**`` and ``<<`` (and their
augmented forms) through the checks here, which estimate the size of the
result from the operands and refuse what would exceed the plugin's memory
budget.  Numbers multiply at full speed: only repetition of sequences and
big exponents or shifts need the estimate.

The library functions that do the same (``operator.pow``, ``math.comb``,
endless ``itertools`` iterators) are guarded in ``_amplifiers``.  These
checks stop the known bombs, not every C-level amplifier (a ``re``
pattern with catastrophic backtracking, ``str.join`` of a long list of
long strings): that is what the isolated tier's operating-system limits
are for.
"""

from __future__ import annotations

import operator
from array import array
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from ._fastops import make_add, make_mul
from ._formats import FormatChecks
from ._rendering import RenderChecks
from ._sequences import REPEATED, item_bytes, true_len


if TYPE_CHECKING:
    from collections.abc import Callable

# Largest integer a product or power may produce: squaring two 2-million-bit
# integers already takes about 0.15 s in C, where no budget can stop it.
INT_BITS: Final = 1 << 22

# Most work a modular power may take, in exponent bits times machine-word
# multiplications of the modulus (Karatsuba's 1.6 power).  RSA-4096 is
# about 3e6, some 0.05 s of C; 2e8 took 13 s on a busy 2-core machine.
MODPOW_WORK: Final = 4e6

# Most digits round() may keep of a Fraction or Decimal: it computes
# 10 ** ndigits (round(Fraction(1, 3), 10**7) took 5.7 s of C).
MAX_ROUND_DIGITS: Final = 5000

# Longest range() a plugin may create: C functions (sum, sorted, list)
# consume a range without running any plugin bytecode.
MAX_RANGE: Final = 10_000_000

# What a slice assignment can grow.
_SLICED: Final = (list, bytearray, array)

_INPLACE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+=": operator.iadd,
    "*=": operator.imul,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    "%=": operator.imod,
}


def _bits(value: object) -> int:
    if isinstance(value, int):
        return abs(value).bit_length()
    if isinstance(value, Fraction):
        return max(
            abs(value.numerator).bit_length(), value.denominator.bit_length()
        )
    return 0


class BombChecks:
    """
    The size checks of one sandbox.

    Args:
        memory_bytes: The plugin's memory budget.

        refuse: Raises the sandbox's refusal with a description.
    """

    def __init__(
        self, memory_bytes: int, refuse: Callable[[str], Any]
    ) -> None:
        self.memory_bytes = memory_bytes
        self.refuse = refuse
        self.render = RenderChecks(self.check_size, refuse, memory_bytes)
        self.formats = FormatChecks(self)
        self.mul = make_mul(
            memory_bytes, INT_BITS, self.check_repeat, self.too_big_int
        )
        self.add, self.check_add = make_add(memory_bytes, self.too_big)

    def round_(self, number: Any, ndigits: Any = None) -> Any:
        """
        ``round()``; rounding a ``Fraction`` or ``Decimal`` to *ndigits*
        digits computes ``10 ** ndigits`` in library code, so a huge
        *ndigits* is refused.
        """
        if (
            type(ndigits) is int
            and abs(ndigits) > MAX_ROUND_DIGITS
            and not isinstance(number, (int, float))
        ):
            self.refuse(
                f"round() to {ndigits:,} digits (at most {MAX_ROUND_DIGITS:,})"
            )
        if ndigits is None:
            return round(number)
        return round(number, ndigits)

    def unpack(self, kind: str, *parts: Any) -> Any:
        """
        ``[*a, x, *b]`` (or the tuple, or the positional arguments of a
        call) with two or more ``*`` parts, refusing a result larger than
        the budget.
        """
        lists = [part if type(part) is list else list(part) for part in parts]
        total = sum(map(len, lists))
        if total > self.memory_bytes // 8:
            self.too_big("an unpacking", total * 8)
        # Concatenated, not filled in: replacing a slice of a list made
        # for the purpose would hold a second buffer of the replaced items.
        result: list[Any] = lists[0] + lists[1]
        for items in lists[2:]:
            result += items
        return tuple(result) if kind == "tuple" else result

    def check_operands(self, op: str, a: Any, b: Any) -> None:
        """
        Refuse ``a <op> b`` for the sized operators (``+``, ``*``, ``**``,
        ``<<``, ``%``) if its result would pass the budget: the checks of
        the operators, for their dunder methods read as attributes.
        """
        if op == "+":
            self.check_add(a, b)
        elif op == "*":
            if type(a) is int and type(b) is int:
                bits = a.bit_length() + b.bit_length()
                if bits > INT_BITS:
                    self.too_big_int("an integer product", bits)
            else:
                self.check_repeat(a, b)
        elif op == "**":
            self._check_pow(a, b)
        elif op == "<<":
            self._check_shift(a, b)
        elif op == "%":
            self.formats.check_mod(a, b)

    def too_big_int(self, what: str, bits: int) -> None:
        """
        Refuse an integer result of *bits* bits: C would take too long.
        """
        self.refuse(
            f"{what} of about {bits:,} bits (at most {INT_BITS:,}: too "
            "slow in C)"
        )

    def too_big(self, what: str, size: int) -> None:
        self.refuse(
            f"{what} of about {size:,} bytes (the memory budget is "
            f"{self.memory_bytes:,})"
        )

    def check_repeat(self, a: object, b: object) -> None:
        for sequence, count in ((a, b), (b, a)):
            if not isinstance(sequence, REPEATED):
                continue
            if isinstance(count, int):
                size = true_len(sequence) * count * item_bytes(sequence)
                if size > self.memory_bytes:
                    self.too_big("a repetition", size)
            elif hasattr(type(count), "__index__"):
                # C asks __index__ for the count after this check, and the
                # answer may differ each time: only an int is sized.
                self.refuse(
                    f"a repetition by a {type(count).__name__} object "
                    "(its __index__ is read by C, unchecked; use int(n))"
                )

    def pow(self, a: Any, b: Any, modulo: Any = None) -> Any:
        """
        ``a ** b`` and ``pow()``, refusing results larger than the budget.
        """
        if modulo is not None:
            # Bounded in size by the modulus, but not in time: each bit of
            # the exponent costs a multiplication of numbers as wide as the
            # modulus (``pow(3, 1 << 10**5, (1 << 10**5) + 1)`` takes
            # minutes in C).
            if type(b) is int and type(modulo) is int:
                width = max(modulo.bit_length(), 64)
                work = b.bit_length() * (width / 64) ** 1.6
                if work > MODPOW_WORK:
                    self.refuse(
                        f"a modular power with a {b.bit_length():,}-bit "
                        f"exponent and a {modulo.bit_length():,}-bit modulus "
                        "(too slow in C)"
                    )
            return pow(a, b, modulo)
        self._check_pow(a, b)
        return a**b

    def lshift(self, a: Any, b: Any) -> Any:
        """
        ``a << b``, refusing results larger than the budget.
        """
        self._check_shift(a, b)
        return a << b

    def inplace(self, op: str, a: Any, b: Any) -> Any:
        """
        ``a op= b`` for ``*=``, ``**=``, ``<<=`` and ``%=``, keeping in-place
        semantics (``list *= n`` changes the list itself).
        """
        if op == "+=":
            self.check_add(a, b)
        elif op == "*=":
            self.check_repeat(a, b)
        elif op == "**=":
            self._check_pow(a, b)
        elif op == "%=":
            self.formats.check_mod(a, b)
        else:
            self._check_shift(a, b)
        return _INPLACE[op](a, b)

    def _check_pow(self, a: object, b: object) -> None:
        if isinstance(b, Fraction) and b.denominator == 1:
            b = b.numerator  # Fraction(10**7) as an exponent is an int's
        if isinstance(b, int) and b > 1:
            bits = _bits(a)
            # Powers cost time as well as memory: capped by both.
            if bits > 1 and bits * b > min(INT_BITS, 8 * self.memory_bytes):
                self.too_big("a power", bits * b // 8)

    def _check_shift(self, a: object, b: object) -> None:
        if isinstance(a, int) and isinstance(b, int) and a:
            bits = _bits(a) + b
            if bits > 8 * self.memory_bytes:
                self.too_big("a shift", bits // 8)

    def aug_item(self, obj: Any, key: Any, op: str, value: Any) -> None:
        """
        ``obj[key] op= value``, evaluating *obj* and *key* once.
        """
        self.store_item(obj, key, self.inplace(op, obj[key], value))

    def store_item(self, obj: Any, key: Any, value: Any) -> None:
        """
        ``obj[key] = value``, a slice of a list, bytearray or array sized
        first: ``x[len(x):] = x`` doubles in one call into C, as
        ``x.extend(x)`` does, faster than the memory watch can look.
        """
        if type(key) is slice and isinstance(obj, _SLICED):
            if not hasattr(value, "__len__"):
                value = list(value)  # what C would do with an iterator
            per_item = (
                obj.itemsize
                if isinstance(obj, array)
                else (1 if isinstance(obj, bytearray) else 8)
            )
            grown = (true_len(obj) + true_len(value)) * per_item
            self.check_size("a slice assignment", grown)
        obj[key] = value

    def set_slice(self, value: Any) -> Callable[..., None]:
        """
        ``obj[lower:upper:step] = value`` as compiled: *value* is evaluated
        first, as Python does, then the target's parts.
        """

        def store(obj: Any, lower: Any, upper: Any, step: Any) -> None:
            self.store_item(obj, slice(lower, upper, step), value)

        return store

    def aug_attr(self, obj: Any, name: str, op: str, value: Any) -> None:
        """
        ``obj.name op= value`` for an object the write guard let through.
        """
        setattr(obj, name, self.inplace(op, getattr(obj, name), value))

    def check_size(self, what: str, size: object) -> None:
        """
        Refuse to build *what* of *size* bytes, beyond the memory budget.
        """
        if type(size) is int and size > self.memory_bytes:
            self.too_big(what, size)

    def check_count(self, what: str, count: object) -> None:
        """
        Refuse *what* of more than ``MAX_RANGE`` items: C functions consume
        those without running plugin bytecode.
        """
        if type(count) is int and count > MAX_RANGE:
            self.refuse(f"{what} of {count:,} items (at most {MAX_RANGE:,})")

    def range(self, *args: int) -> range:
        """
        ``range()``, refusing more than ``MAX_RANGE`` items.
        """
        result = range(*args)
        self.check_count("range()", len(result))
        return result
