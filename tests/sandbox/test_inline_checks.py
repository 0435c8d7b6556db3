"""
Size checks decided inline: plain numbers skip the guard, everything else
still meets it, and operands are evaluated once, in order, wherever they
appear.
"""

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import BudgetExceeded, SandboxViolation
from acc_plugins.sandbox import Sandbox


def main_of(sandbox, name="main"):
    return sandbox.import_module("m").__dict__[name]


ARITHMETIC = """
def main(a, b):
    return (
        a + b, (a + 0) + (b + 0),
        a * b, (a + 0) * (b + 0),
        a % b if b else None, (a + 0) % (b + 0) if b else None,
    )
"""

numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
)


POWERS = """
def main(a, e, s):
    return a ** e, (a + 0) ** (e + 0), a << s, (a + 0) << (s + 0)
"""


@pytest.fixture(scope="module", name="compiled")
def _compiled(tmp_path_factory):
    """
    One sandbox with both programs, shared by the property tests.
    """
    root = tmp_path_factory.mktemp("inline")
    (root / "arithmetic.py").write_text(textwrap.dedent(ARITHMETIC))
    (root / "powers.py").write_text(textwrap.dedent(POWERS))
    sandbox = Sandbox(root, "inline")
    functions = {
        name: sandbox.import_module(name).__dict__["main"]
        for name in ("arithmetic", "powers")
    }
    return sandbox, functions


@settings(max_examples=200, deadline=None)
@given(a=numbers, b=numbers)
def test_inline_arithmetic_matches_python(compiled, a, b):
    """Whatever path a sum, product or remainder takes, it is Python's."""
    sandbox, functions = compiled
    f = functions["arithmetic"]

    def plain(a, b):
        return (
            a + b,
            a + b,
            a * b,
            a * b,
            a % b if b else None,
            a % b if b else None,
        )

    try:
        want = plain(a, b)
    except (OverflowError, ZeroDivisionError) as exc:
        with pytest.raises(type(exc)):
            sandbox.run(f, a, b)
        return
    assert sandbox.run(f, a, b) == want


@settings(max_examples=100, deadline=None)
@given(
    base=st.integers(min_value=-(2**70), max_value=2**70),
    exponent=st.integers(min_value=-70, max_value=70),
    shift=st.integers(min_value=0, max_value=5000),
)
def test_inline_powers_and_shifts_match_python(
    compiled, base, exponent, shift
):
    """Powers and shifts in range give Python's answer on either path."""
    sandbox, functions = compiled
    f = functions["powers"]
    try:
        want = (base**exponent, base**exponent, base << shift, base << shift)
    except ZeroDivisionError:
        with pytest.raises(ZeroDivisionError):
            sandbox.run(f, base, exponent, shift)
        return
    assert sandbox.run(f, base, exponent, shift) == want


@pytest.mark.parametrize(
    "body",
    [
        "x = 3\n    for _ in range(40):\n        x = (x + 0) * (x + 0)",
        "return [0] * (n + 0)",
        "return ('ab' + '') * (n + 0)",
        "return 2 ** (n + 0)",
        "return (1 + 0) << (n + 0)",
        "t = 'x'\n    for _ in range(64):\n        t += t + ''",
        "t = [0]\n    for _ in range(64):\n        t = (t + []) + (t + [])",
    ],
)
def test_bombs_through_expressions_are_refused(sandboxed, body):
    """Operands that are not plain names still meet the size checks."""
    sandbox = sandboxed(f"def main(n):\n    {body}\n")

    # Doubling step by step may meet the memory watch before the check.
    with pytest.raises((SandboxViolation, BudgetExceeded)):
        sandbox.run(main_of(sandbox), 10**12)


@pytest.mark.parametrize(
    "source",
    [
        # class bodies and comprehension iterables allow no ":=": the
        # guard runs there.
        "class A:\n    X = [0] * (N + 0)\n",
        "def f():\n    return [x for x in [0] * (N + 0)]\nf()\n",
        "def f(a=[0] * (N + 0)):\n    pass\n",
        "def f(a: [0] * (N + 0)):\n    pass\n",
        "x = [0] * (N + 0)\n",
    ],
)
def test_bombs_where_no_temporary_is_allowed(sandboxed, source):
    """Where operands cannot be kept, the guard call is what runs."""
    with pytest.raises(SandboxViolation, match="repetition"):
        sandboxed("N = 10**12\n" + source)


def test_operands_are_evaluated_once_in_order(sandboxed):
    """f() * g() calls f, then g, once each, on every path."""
    sandbox = sandboxed(
        """
        calls = []
        def f(v):
            calls.append(v)
            return v
        def main():
            results = [
                f(2) * f(3), f(2.0) * f(3), f("a") * f(2),
                f(2) ** f(3), f(1) << f(3), f(7) % f(4), f("%s") % f(1),
                f(1) + f(2), f([1]) + f([2]),
            ]
            total = 0
            total += f(5)
            text = ""
            text += f("z")
            return results, total, text, calls
        """
    )

    results, total, text, calls = sandbox.run(main_of(sandbox))
    assert results == [6, 6.0, "aa", 8, 8, 3, "1", 3, [1, 2]]
    assert (total, text) == (5, "z")
    assert calls == [
        2, 3, 2.0, 3, "a", 2, 2, 3, 1, 3, 7, 4, "%s", 1, 1, 2, [1], [2],
        5, "z",
    ]  # fmt: skip


def test_plugin_operators_still_run(sandboxed):
    """A plugin class's __mul__, __rmul__ and __radd__ are called."""
    sandbox = sandboxed(
        """
        class V:
            def __init__(self, x):
                self.x = x
            def __mul__(self, other):
                return V(self.x * other)
            __rmul__ = __mul__
            def __radd__(self, other):
                return V(self.x + other)
        def main():
            return (V(2) * 3).x, (3.0 * V(2)).x, (1 + V(2)).x
        """
    )

    assert sandbox.run(main_of(sandbox)) == (6, 6.0, 3)


def test_temporaries_cannot_be_named(sandboxed):
    """The compiler's temporaries are reserved names."""
    from acc_plugins.errors import CompileError

    with pytest.raises(CompileError, match="__acc_t1__"):
        sandboxed("def f(a):\n    return __acc_t1__\n")


def test_a_name_is_read_before_the_other_operand_runs(sandboxed):
    """x + (x := 5) adds the old x, as CPython does."""
    sandbox = sandboxed(
        """
        def main():
            x = 1
            y = 2
            s = "a"
            return x + (x := 5), y * (y := 7), s + (s := "b"), x, y, s
        """
    )

    assert sandbox.run(main_of(sandbox)) == (6, 14, "ab", 5, 7, "b")
