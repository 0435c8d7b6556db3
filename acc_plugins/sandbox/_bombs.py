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
from collections import UserList, UserString, deque
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from ._formats import FormatChecks
from ._rendering import RenderChecks


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

# Exact types multiplied without a check; subclasses take the careful path.
_NUMBERS: Final = frozenset({bool, complex, float, int})
_SEQUENCES: Final = (str, bytes, bytearray, list, tuple)
_EXACT_SEQUENCES: Final = frozenset(_SEQUENCES)
# What a slice assignment can grow.
_SLICED: Final = (list, bytearray, array)
# What ``*`` repeats and ``+`` concatenates in one call into C (the
# library's wrappers repeat their data in C too, and plugin code holds
# real arrays).
_REPEATED: Final = (*_SEQUENCES, deque, UserList, UserString, array)
_CONCATENATIONS: Final = frozenset(kind.__add__ for kind in _REPEATED)
# An array's real item size, whatever a plugin's subclass says.
_ITEMSIZE: Final = array.__dict__["itemsize"]

_INPLACE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+=": operator.iadd,
    "*=": operator.imul,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    "%=": operator.imod,
}


def item_bytes(sequence: object) -> int:
    """
    Bytes an item of *sequence* may take: 1 for bytes and ASCII text, 4
    for other text, an array's item size, 8 (a pointer) for anything else.
    """
    if isinstance(sequence, (bytes, bytearray)):
        return 1
    if isinstance(sequence, array):
        return _ITEMSIZE.__get__(sequence)  # type: ignore[no-any-return]
    if isinstance(sequence, UserString):
        sequence = sequence.data
    if isinstance(sequence, str):
        return 1 if sequence.isascii() else 4
    return 8  # a pointer per item of a list or tuple


# The length methods of the built-in sequences: a subclass of the plugin's
# may define a __len__ that lies, but C repeats and joins the real items.
_TRUE_LENGTHS: Final[tuple[tuple[type, Callable[[Any], int]], ...]] = (
    (str, str.__len__),
    (bytes, bytes.__len__),
    (bytearray, bytearray.__len__),
    (list, list.__len__),
    (tuple, tuple.__len__),
    (deque, deque.__len__),
    (array, array.__len__),
)


def true_len(sequence: Any) -> int:
    """
    The number of items C sees in *sequence*, whatever its ``__len__``
    says; a ``TypeError`` if it is not a sequence.
    """
    kind = type(sequence)
    if kind is str or kind is list or kind is bytes or kind is tuple:
        return len(sequence)
    for base, length in _TRUE_LENGTHS:
        if isinstance(sequence, base):
            return length(sequence)
    if issubclass(kind, (UserList, UserString)):
        data = sequence.data
        return 0 if data is sequence else true_len(data)
    return len(sequence)


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
        self.mul = self._make_mul()
        self.add, self.check_add = self._make_add()

    def _make_mul(self) -> Callable[[Any, Any], Any]:
        # A closure over locals rather than a method: ``*`` is everywhere in
        # numeric code and in text building, and this is the whole cost
        # numbers and small repetitions pay.
        numbers = _NUMBERS
        check = self._check_repeat
        int_bits = INT_BITS
        too_big_int = self.too_big_int
        # Items a repetition may surely produce: eight bytes an item is the
        # most any sequence type takes (a list's pointers).
        surely = self.memory_bytes // 8
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

    def _make_add(
        self,
    ) -> tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]:
        # ``s = s + s`` doubles in one call into C: thirty of them reach a
        # gigabyte before the memory watch, which looks between calls, can
        # see the first.  Numbers and small texts take the first lines.
        numbers = _NUMBERS
        concatenated = _REPEATED
        surely = self.memory_bytes // 8
        too_big = self._too_big

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
                if size > self.memory_bytes:
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
            self._too_big("an unpacking", total * 8)
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
                self._check_repeat(a, b)
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

    def _too_big(self, what: str, size: int) -> None:
        self.refuse(
            f"{what} of about {size:,} bytes (the memory budget is "
            f"{self.memory_bytes:,})"
        )

    def _check_repeat(self, a: object, b: object) -> None:
        for sequence, count in ((a, b), (b, a)):
            if not isinstance(sequence, _REPEATED):
                continue
            if isinstance(count, int):
                size = true_len(sequence) * count * item_bytes(sequence)
                if size > self.memory_bytes:
                    self._too_big("a repetition", size)
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
            self._check_repeat(a, b)
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
                self._too_big("a power", bits * b // 8)

    def _check_shift(self, a: object, b: object) -> None:
        if isinstance(a, int) and isinstance(b, int) and a:
            bits = _bits(a) + b
            if bits > 8 * self.memory_bytes:
                self._too_big("a shift", bits // 8)

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
            self._too_big(what, size)

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
