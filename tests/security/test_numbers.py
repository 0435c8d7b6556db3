"""
Decimals and Fractions whose expansion would run in C for minutes (issue
#8, the inventory's open doors ``decimal.Decimal`` and
``fractions.Fraction``): each door is refused under a one-megabyte budget
without spending seconds, and ordinary uses give what plain CPython gives.
"""

from __future__ import annotations

import decimal
import fractions
import itertools
import textwrap
from typing import TYPE_CHECKING, Any, Final

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.security.test_escapes import (
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    run_attack,
)

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import Sandbox
from acc_plugins.sandbox._numbers import (
    _AS_IS,
    INT_OPERAND_BITS,
    MAX_EXPONENT,
    decimal_class,
)


if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# CPU seconds a refused door may take, generously: the doors themselves
# take minutes.
CPU_SECONDS: Final = 2.0

# A base-class Decimal, as statistics.stdev() returns one: the expanding
# methods read through the served class still check it.
_BASE_DECIMAL: Final = (
    "import decimal, statistics\n"
    "big = statistics.stdev([decimal.Decimal(0), decimal.Decimal(20)])"
    " ** 300000\n"
)

DOORS: Final = {
    "decimal-literal": "import decimal\n"
    "result = decimal.Decimal('1e999999999')",
    "decimal-int": "import decimal\n"
    "result = int(decimal.Decimal('1e3000000'))",
    "decimal-format": "import decimal\n"
    "result = len(format(decimal.Decimal('1e2000000'), 'f'))",
    "decimal-f-string": "import decimal\n"
    "result = len(f\"{decimal.Decimal('1e2000000'):f}\")",
    "decimal-tiny": "import decimal\n"
    "result = len(format(decimal.Decimal('1e-999999'), 'f'))",
    "decimal-mean": "import decimal, statistics\n"
    "result = statistics.mean([decimal.Decimal('1e999999')])",
    "decimal-power": "import decimal\n"
    "result = int(decimal.Decimal('1e4000') ** 200)",
    "decimal-products": "import decimal\n"
    "d = decimal.Decimal('9e999')\n"
    "result = int(d * d * d * d * d * d)",
    "decimal-scaleb": "import decimal\n"
    "result = int(decimal.Decimal(7).scaleb(900000))",
    "decimal-round": "import decimal\n"
    "result = round(decimal.Decimal('1.5'), -100000)",
    "decimal-imag": "import decimal\n"
    "result = int((decimal.Decimal(1).imag + 7) ** 900000)",
    "decimal-super": "import decimal\n"
    "d = decimal.Decimal('1e4000')\n"
    "result = int(super(decimal.Decimal, d).__pow__(200))",
    "decimal-subclass": "import decimal\n"
    "class Big(decimal.Decimal):\n"
    "    def grow(self):\n"
    "        return super(decimal.Decimal, self).__pow__(200)\n"
    "result = int(Big('1e4000').grow())",
    "decimal-many-digits-ratio": "import decimal\n"
    "result = decimal.Decimal('0.' + '1' * 100000).as_integer_ratio()",
    "decimal-int-operand": "import decimal\n"
    "result = decimal.Decimal(1) == 1 << 4_000_000",
    "decimal-int-constructor": "import decimal\n"
    "result = decimal.Decimal(1 << 4_000_000)",
    "decimal-int-from-float": "import decimal\n"
    "result = decimal.Decimal.from_float(1 << 4_000_000)",
    "decimal-fraction-operand": "import decimal, fractions\n"
    "result = decimal.Decimal(1) < fractions.Fraction(1, 1 << 4_000_000)",
    "base-floor": f"{_BASE_DECIMAL}import math\n"
    "result = decimal.Decimal.__floor__(big)",
    "base-ceil": f"{_BASE_DECIMAL}result = decimal.Decimal.__ceil__(big)",
    "base-trunc": f"{_BASE_DECIMAL}result = decimal.Decimal.__trunc__(big)",
    "base-int": f"{_BASE_DECIMAL}result = decimal.Decimal.__int__(big)",
    "base-round": f"{_BASE_DECIMAL}result = decimal.Decimal.__round__(big)",
    "base-format": f"{_BASE_DECIMAL}"
    "result = len(decimal.Decimal.__format__(big, 'f'))",
    "base-ratio": f"{_BASE_DECIMAL}"
    "result = decimal.Decimal.as_integer_ratio(big)",
    "base-constructor": f"{_BASE_DECIMAL}result = decimal.Decimal(big)",
    "base-fraction": f"{_BASE_DECIMAL}import fractions\n"
    "result = fractions.Fraction(big)",
    "fraction-text": "import fractions\n"
    "result = fractions.Fraction('1e100000000')",
    "fraction-text-inventory": "import fractions\n"
    "result = fractions.Fraction('1e1500000').numerator.bit_length()",
    "fraction-text-negative": "import fractions\n"
    "result = fractions.Fraction(' -1.5e-1_300_000 ')",
    "fraction-text-long-exponent": "import fractions\n"
    "result = fractions.Fraction('1e' + '9' * 30)",
    "fraction-from-decimal": f"{_BASE_DECIMAL}import fractions\n"
    "result = fractions.Fraction.from_decimal(big)",
    "fraction-from-decimal-int": "import fractions\n"
    "result = fractions.Fraction.from_decimal(1 << 4_000_000)",
}


@pytest.mark.parametrize("source", DOORS.values(), ids=DOORS.keys())
def test_door_is_refused_quickly(world, source):
    """Each expansion is refused under a small budget, in no time."""
    outcome = run_attack(world, source, memory_mb=1)

    assert isinstance(outcome.error, SandboxViolation), outcome.value
    assert outcome.cpu_seconds < CPU_SECONDS


def test_refusal_names_the_operation(world):
    """The refusal says which operation made which Decimal."""
    outcome = run_attack(world, DOORS["decimal-power"], memory_mb=1)

    assert isinstance(outcome.error, SandboxViolation)
    assert "Decimal.__pow__(): a Decimal with a digit at 1E+800,000" in str(
        outcome.error
    )


def test_integer_operand_refusal_says_its_size(world):
    """An integer operand is refused by its bits, before C converts it."""
    outcome = run_attack(world, DOORS["decimal-int-operand"], memory_mb=1)

    assert f"4,000,001 bits (at most {INT_OPERAND_BITS:,}" in str(
        outcome.error
    )


def test_fraction_text_refusal_says_its_size(world):
    """Text whose exponent passes INT_BITS is refused by its size."""
    outcome = run_attack(world, DOORS["fraction-text"], memory_mb=1)

    assert "Fraction() of text: a numerator or denominator of about" in str(
        outcome.error
    )


def test_stdev_result_is_checked(world):
    """A Decimal from statistics.stdev() cannot grow past the bound."""
    outcome = run_attack(world, f"{_BASE_DECIMAL}result = 0", memory_mb=1)

    assert isinstance(outcome.error, SandboxViolation), outcome.value


# -- ordinary uses -------------------------------------------------------------

ORDINARY: Final = """
import decimal, fractions, math, statistics
D, F = decimal.Decimal, fractions.Fraction
cent = D("0.01")
prices = [D("19.99"), D("5.25"), D("0.10"), D("100")]
total = sum(prices)
taxed = [(p * D("1.0825")).quantize(cent, rounding=decimal.ROUND_HALF_UP)
         for p in prices]
class Money(D):
    def doubled(self):
        return self * 2
values = [
    total, taxed, sum(taxed, D(0)), total / 3, total // 3, total % 3,
    divmod(total, 7), -total, abs(-total), +total, total ** 2,
    pow(D(2), 10, 1000), D(2).sqrt(), D("2.675").quantize(cent),
    round(D("2.675"), 2), round(D("2.5")), round(D("3.5")),
    math.floor(D("-2.5")), math.ceil(D("-2.5")), math.trunc(D("-2.5")),
    int(D("1e10")), float(D("0.1")), D("1.30").normalize(),
    D.from_float(0.1), D(3).max(D(4)), D(3).min(7), D("1.5").fma(2, 3),
    D(7).scaleb(3), D("12.3456").to_integral_value(), D(1).exp(),
    D(10).ln(), D(100).log10(), D("-1.5").copy_abs(), D(1).imag, D(1).real,
    D("1e5000") * 1, D("1e-5000") / 1, D("123.456").as_integer_ratio(),
    D("1e-3").as_tuple(), Money("2.5").doubled(),
    statistics.mean(prices), statistics.median(prices),
    statistics.pvariance(prices), statistics.quantiles(prices, n=4),
    F(1, 3) + 1, F("3/7"), F("3.1415926535").limit_denominator(100),
    F(D("1.25")), F.from_decimal(D("0.5")), F(0.25), round(F(7, 3), 2),
    statistics.mean([F(1, 2), F(1, 3)]), F(1, 3) < D("0.34"),
]
texts = [str(total), repr(total), f"{total:,.2f}", format(D("1e3"), "f"),
         str(D("1e-7")), "{:>10}".format(D("1.5")), "%.3f" % D("1.5")]
checks = [
    isinstance(total, D), type(total) is D, type(total / 3) is D,
    isinstance(F(1, 3) + 1, F), type(F(1, 3) + 1) is F, isinstance(1, F),
    isinstance(D(1), F), D("1.5") == 1.5, D(3) == 3, D("0.5") == F(1, 2),
    hash(D("1.5")) == hash(1.5), hash(D(3)) == hash(3),
    sorted([D(3), 1, 2.5]), max(D(1), 2), D(2) in {2: "two"},
    {D("1.0"): "x"}[1], D("Infinity") > 10**100, str(D("-Infinity") + 1),
    D("NaN").is_nan(), str(D("-0")), D("1e-5000") < F(1, 10**4999),
]
result = [repr(values), texts, repr(checks)]
"""


def _plain_result(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 -- plain CPython runs the same source, for comparison
    return namespace["result"]


def test_ordinary_uses_match_plain_python(world):
    """Money arithmetic, rounding, text and comparisons are unchanged."""
    expected = _plain_result(textwrap.dedent(ORDINARY))

    outcome = run_attack(world, ORDINARY)

    assert outcome.error is None
    assert outcome.value == expected
    assert outcome.sandbox.violations == []


def test_host_sees_real_decimals_and_fractions(world):
    """What plugin code returns is a decimal.Decimal and a Fraction."""
    outcome = run_attack(
        world,
        "import decimal, fractions\n"
        "result = (decimal.Decimal('1.5') * 3, fractions.Fraction('1/3'))",
    )

    assert isinstance(outcome.value, tuple)
    number, ratio = outcome.value
    assert isinstance(number, decimal.Decimal)
    assert number == decimal.Decimal("4.5")
    assert repr(number) == "Decimal('4.5')"
    assert isinstance(ratio, fractions.Fraction)
    assert repr(ratio) == "Fraction(1, 3)"


def test_values_at_the_bound_are_allowed(world):
    """The bound itself is allowed, one further is refused."""
    inside = run_attack(
        world,
        "import decimal\n"
        f"big = decimal.Decimal('9.99e{MAX_EXPONENT}')\n"
        f"small = decimal.Decimal('1e-{MAX_EXPONENT}')\n"
        f"result = (int(big) == 999 * 10**{MAX_EXPONENT - 2},"
        f" small.as_integer_ratio() == (1, 10**{MAX_EXPONENT}))",
        memory_mb=1,
    )
    beyond = run_attack(
        world,
        f"import decimal\nresult = decimal.Decimal('1e{MAX_EXPONENT + 1}')",
        memory_mb=1,
    )

    assert inside.value == (True, True)
    assert isinstance(beyond.error, SandboxViolation)


def test_every_decimal_member_is_wrapped_or_listed():
    """The served class replaces each member _AS_IS does not list."""
    served = decimal_class(pytest.fail)

    for name, real in vars(decimal.Decimal).items():
        if name not in _AS_IS:
            assert getattr(served, name) is not getattr(decimal.Decimal, name)
        elif callable(real) and name.startswith("is_"):
            assert type(getattr(served("1.5"), name)()) is bool


# -- the property -------------------------------------------------------------

# Operands whose results stay within the bound: leading digits within half
# of it.
_HALF: Final = MAX_EXPONENT // 2 - 100

finite_decimals = st.builds(
    lambda sign, digits, exponent: decimal.Decimal(
        (sign, tuple(map(int, str(digits))), exponent - len(str(digits)))
    ),
    st.integers(0, 1),
    st.integers(0, 10**28),
    st.integers(-_HALF, _HALF),
)
operands = st.one_of(
    finite_decimals, st.integers(-(10**40), 10**40), st.sampled_from([0, 1])
)
OPERATORS: Final = (
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "<",
    "==",
    "divmod",
    "max",
    "compare",
    "quantize",
)

PROGRAM: Final = """
import decimal
D = decimal.Decimal
def apply(op, a, b):
    x = D(a)
    y = D(b) if isinstance(b, str) else b
    if op == "divmod":
        r = divmod(x, y)
    elif op == "max":
        r = x.max(y)
    elif op == "compare":
        r = x.compare(y)
    elif op == "quantize":
        r = x.quantize(D(1).scaleb(-3)) if isinstance(y, int) else x.quantize(y)
    else:
        r = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
             "/": lambda: x / y, "//": lambda: x // y, "%": lambda: x % y,
             "<": lambda: x < y, "==": lambda: x == y}[op]()
    parts = r if isinstance(r, tuple) else (r,)
    typed = all(isinstance(p, D) for p in parts if not isinstance(p, bool))
    return r, typed
"""


def _plain(op: str, x: decimal.Decimal, y: Any) -> Any:
    if op == "divmod":
        return divmod(x, y)
    if op == "max":
        return x.max(y)
    if op == "compare":
        return x.compare(y)
    if op == "quantize":
        exp = decimal.Decimal(1).scaleb(-3) if isinstance(y, int) else y
        return x.quantize(exp)
    return {
        "+": lambda: x + y,
        "-": lambda: x - y,
        "*": lambda: x * y,
        "/": lambda: x / y,
        "//": lambda: x // y,
        "%": lambda: x % y,
        "<": lambda: x < y,
        "==": lambda: x == y,
    }[op]()


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "value", call()
    except (ArithmeticError, ValueError, TypeError) as error:
        return "error", type(error)


@pytest.fixture(name="calculator", scope="module")
def _calculator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root: Path = tmp_path_factory.mktemp("numbers-plugin")
    (root / "calc.py").write_text(PROGRAM)
    sandbox = Sandbox(root, "calc")
    apply = sandbox.import_module("calc").__dict__["apply"]
    yield lambda *args: sandbox.run(apply, *args)
    sandbox.close()


_COUNT = itertools.count()


@given(op=st.sampled_from(OPERATORS), x=finite_decimals, y=operands)
def test_sandboxed_arithmetic_equals_plain(calculator, op, x, y):
    """Within the bound, sandboxed results are plain results, as Decimals."""
    y_arg = str(y) if isinstance(y, decimal.Decimal) else y
    expected = _outcome(lambda: _plain(op, x, y))

    kind, value = _outcome(lambda: calculator(op, str(x), y_arg))

    if kind == "error":
        assert (kind, value) == expected
    else:
        result, typed = value
        assert ("value", result) == expected
        assert repr(result) == repr(expected[1])
        assert typed
