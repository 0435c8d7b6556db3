"""
Whole arithmetic expressions decided inline: plain numbers test each
operand once and run the expression as written; anything else takes the
per-operator checks, in Python's order.
"""

import ast
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import BudgetExceeded, SandboxViolation
from acc_plugins.sandbox import Sandbox
from acc_plugins.sandbox._transformer import PluginTransformer


def main_of(sandbox):
    return sandbox.import_module("m").__dict__["main"]


def returned(source):
    """
    The transformed expression of the last ``return`` of ``f``.
    """
    tree = ast.parse(textwrap.dedent(source))
    errors: list[str] = []
    PluginTransformer(errors).visit(tree)
    assert errors == []
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    last = function.body[-1]
    assert isinstance(last, ast.Return)
    return last.value


def calls_in(node):
    return {
        n.func.id
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }


def test_the_fast_expression_is_the_source_expression():
    """dt * (dx*dx + dy*dy) ** -1.5 runs as written, on temporaries."""
    value = returned(
        "def f(dt, dx, dy):\n    return dt * (dx * dx + dy * dy) ** -1.5\n"
    )

    assert isinstance(value, ast.IfExp)
    assert calls_in(value.body) == set()
    assert ast.unparse(value.body) == "dt * (dx * dx + dy * dy) ** (-1.5)"
    # one type test per operand: three names, three type() calls
    assert ast.unparse(value.test).count("__acc_rawtype__") == 3
    assert {"__acc_mul__", "__acc_add__", "__acc_pow__"} <= calls_in(
        value.orelse
    )


@pytest.mark.parametrize(
    "expression",
    [
        "a * b",  # one operator: its own test is as cheap
        "a ** b * a ** b",  # an exponent not known at compile time
        "(a << b) * (a << b)",  # shifts are left to their own test
        "a ** 65 * a",  # too large a constant exponent
        "a * b + g(a) * b",  # a call after an operator
    ],
)
def test_expressions_left_to_the_operators(expression):
    """Expressions whose size no compile-time bound covers keep their tests."""
    value = returned(f"def f(a, b):\n    return {expression}\n")

    # the outermost operator's own test, with its guard as the fallback
    assert isinstance(value, ast.IfExp)
    assert isinstance(value.orelse, ast.Call)


EXPRESSIONS = """
def main(a, b):
    return (
        a * a + b * b - a * b,
        (a + b) * (a - b) // 3,
        a * a % 7 + b * b % 5,
        -a * a + b ** 2 * 2,
        (a * b + a * b) / 4,
        a * b * 2 ** 10 + b,
    )
"""

numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)


@pytest.fixture(scope="module", name="expressions")
def _expressions(tmp_path_factory):
    root = tmp_path_factory.mktemp("arithmetic")
    (root / "m.py").write_text(textwrap.dedent(EXPRESSIONS))
    sandbox = Sandbox(root, "arithmetic")
    return sandbox, main_of(sandbox)


def outcome(function, *args):
    """
    What *function* returns, or the arithmetic error it raises.
    """
    try:
        return "returned", function(*args)
    except (OverflowError, ZeroDivisionError) as exc:
        return "raised", type(exc)


@settings(max_examples=200, deadline=None)
@given(a=numbers, b=numbers)
def test_whole_expressions_match_python(expressions, a, b):
    """Small, large, float and bool operands give Python's answers."""
    sandbox, main = expressions
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(EXPRESSIONS), namespace)  # noqa: S102 -- the plain Python to compare with
    plain = namespace["main"]
    assert callable(plain)

    assert outcome(sandbox.run, main, a, b) == outcome(plain, a, b)


@pytest.mark.parametrize(
    ("body", "argument"),
    [
        ("return s * n + s * n", 10**12),
        ("return n * s * 1 + n * s * 1", 10**12),
        ("x = 3\n    for _ in range(40):\n        x = x * x + x * x", 0),
        ("return (n * n) * (n * n) * (n * n)", 1 << 4_000_000),
        ("return b * n + b * n", 10**12),
        ("return s * Index() + s * Index()", 0),
        ("return s * t * n + n", 10**6),
    ],
    ids=[
        "list",
        "list-right",
        "squaring",
        "large-int",
        "array",
        "index",
        "grown-list",
    ],
)
def test_bombs_in_whole_expressions_are_refused(sandboxed, body, argument):
    """Sequences, arrays, __index__ and large integers meet the guard."""
    sandbox = sandboxed(
        f"""
import array
s = [0]
t = 10**6
b = array.array("b", [0])
class Index:
    def __index__(self):
        return 10**12
def main(n):
    {body}
"""
    )

    # Doubling step by step may meet the memory watch before the check.
    with pytest.raises((SandboxViolation, BudgetExceeded)):
        sandbox.run(main_of(sandbox), argument)


def test_a_call_that_rebinds_a_later_operand(sandboxed):
    """f() * x * x reads x after f() ran, as Python does, and checks it."""
    sandbox = sandboxed(
        """
        def main():
            x = 2.0
            def f():
                nonlocal x
                x = [0]
                return 10**12
            return f() * x * x
        """
    )

    with pytest.raises(SandboxViolation, match="repetition"):
        sandbox.run(main_of(sandbox))


def test_operand_types_that_are_not_plain_numbers(sandboxed):
    """Subclasses, bool, plugin operators, Decimal and Fraction still work."""
    sandbox = sandboxed(
        """
        from decimal import Decimal
        from fractions import Fraction
        calls = []
        class I(int):
            def __mul__(self, other):
                calls.append("mul")
                return int(self) * int(other) + 1
        class V:
            def __init__(self, x):
                self.x = x
            def __mul__(self, other):
                calls.append("V")
                return self.x * other
            __rmul__ = __mul__
        def square_sum(a, b):
            return a * a + b * b
        def main():
            return (
                square_sum(I(3), 1),
                square_sum(True, 2.0),
                square_sum(V(2), 3),
                square_sum(Decimal("1.5"), Decimal(2)),
                square_sum(Fraction(1, 2), 1),
                calls,
            )
        """
    )

    result = sandbox.run(main_of(sandbox))
    assert result[:5] == (11, 5.0, 13, 6.25, 1.25)
    assert [type(r).__name__ for r in result[3:5]] == ["Decimal", "Fraction"]
    assert result[5] == ["mul", "V", "V"]


def test_operands_run_once_in_order(sandboxed):
    """Calls and attributes run once, in order, beside constants too."""
    sandbox = sandboxed(
        """
        calls = []
        def f(v):
            calls.append(v)
            return v
        class P:
            @property
            def x(self):
                calls.append("x")
                return 3
        def main():
            p = P()
            results = [
                f(2) * f(3) * f(4) + f(2) * 1,
                p.x * f(2.0) * 2 + 1,
                f("a") * f(2) * 2,
                2.0 ** f(3), f(2) ** 2.0, f(1) << f(2),
            ]
            return results, calls
        """
    )

    results, calls = sandbox.run(main_of(sandbox))
    assert results == [26, 13.0, "aaaa", 8.0, 4.0, 4]
    assert calls == [2, 3, 4, 2, "x", 2.0, "a", 2, 3, 2, 1, 2]


def test_operator_tests_read_each_type_once_and_build_no_tuple():
    """a * b keeps type(a) and type(b) once each; operands bind without a tuple."""
    value = returned("def f(a, b):\n    return g(a) * b\n")

    assert isinstance(value, ast.IfExp)
    test = ast.unparse(value.test)
    assert not any(isinstance(n, ast.Tuple) for n in ast.walk(value.test))
    assert test.count("__acc_rawtype__(") == 2
    assert test.startswith("(__acc_t1__ := g(a)) is __acc_t1__ and ")


def test_a_type_kept_in_one_test_is_not_reused_in_another(sandboxed):
    """Each operator reads its operands' types afresh: a rebinding between
    two operators of one expression meets the check."""
    sandbox = sandboxed(
        """
        def main(n):
            x = 2
            def rebind():
                nonlocal x
                x = [0]
                return n
            return (x * 3, rebind() * x)
        """
    )

    with pytest.raises(SandboxViolation, match="repetition"):
        sandbox.run(main_of(sandbox), 10**12)


def test_names_around_a_call_are_read_when_python_reads_them(sandboxed):
    """a * g() * a reads a before and after g() rebinds it."""
    sandbox = sandboxed(
        """
        a = 2
        def g():
            global a
            a = 3
            return 1
        def main():
            global a
            a = 2
            first = a * g() * a + a
            a = 2
            second = g() * a * a + a
            return first, second
        """
    )

    assert sandbox.run(main_of(sandbox)) == (9, 12)


def test_a_name_right_of_an_operand_that_runs_code_is_read_after_it(
    sandboxed,
):
    """p.x * n reads n after p.x rebinds it, and checks what it read."""
    sandbox = sandboxed(
        """
        n = 2
        class P:
            @property
            def x(self):
                global n
                n = 10**12
                return [0]
        def main():
            return P().x * n
        """
    )

    with pytest.raises(SandboxViolation, match="repetition"):
        sandbox.run(main_of(sandbox))


def test_a_name_right_of_an_operand_needs_no_temporary():
    """v[i] + i keeps v[i] and reads i where it stands."""
    value = returned("def f(v, i):\n    return v[i] + i\n")

    assert isinstance(value, ast.IfExp)
    assert ast.unparse(value.body) == "__acc_t1__ + i"


def test_integer_idioms_test_integers_first():
    """An expression with // tests each operand for int before float."""
    value = returned("def f(i, j):\n    return (i + j) * (i + j + 1) // 2\n")

    assert isinstance(value, ast.IfExp)
    assert ast.unparse(value.test).startswith(
        "((__acc_t1__ := __acc_rawtype__(i)) is __acc_int__ and "
    )


def test_augmented_items_with_a_number_skip_the_guard():
    """data[i + 1] += w and a[k][j] *= r test w and r, not the item."""
    tree = ast.parse(
        "def f(data, i, w, a, k, j, r):\n"
        "    data[i + 1] += w\n"
        "    a[k][j] *= r\n"
        "    data[i] *= 2.0\n"
    )
    PluginTransformer([]).visit(tree)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    first, second, third = function.body[1:]

    assert isinstance(first, ast.If)
    assert ast.unparse(first.body[0]) == "data[i + 1] += __acc_t1__"
    assert "__acc_augitem__" in ast.unparse(first.orelse[0])
    assert isinstance(second, ast.If)
    assert "__acc_float__" in ast.unparse(second.test)
    assert "__acc_int__" not in ast.unparse(second.test)
    assert ast.unparse(third) == "data[i] *= 2.0"


_DOUBLING = (
    "t = ['ab' * 1000]\n    v = t[0]\n"
    "    for _ in range(64):\n        t[n - n] += v\n        v = t[0]"
)


@pytest.mark.parametrize(
    ("body", "argument"),
    [
        ("t = ['ab']\n    t[n - n] *= n", 10**10),
        (
            _DOUBLING,
            1,
        ),
        ("t = [[0]]\n    t[n - n] *= F(n)", 10**10),
        ("t = [3]\n    t[n - n] **= n", 10**10),
    ],
    ids=["int-count", "doubling-name", "float-subclass", "power"],
)
def test_augmented_items_with_other_values_meet_the_guard(
    sandboxed, body, argument
):
    """Counts, texts, float subclasses: the item's size is checked."""
    sandbox = sandboxed(
        "class F(float):\n"
        "    def __rmul__(self, other):\n"
        "        return other * int(self)\n"
        f"def main(n):\n    {body}\n"
    )

    # Doubling step by step may meet the memory watch before the check.
    with pytest.raises((SandboxViolation, BudgetExceeded)):
        sandbox.run(main_of(sandbox), argument)


def test_augmented_value_is_read_before_the_target(sandboxed):
    """The value tested is the value used, even if the item's lookup
    rebinds the name."""
    sandbox = sandboxed(
        """
        v = 1.5
        class C:
            def __init__(self):
                self.items = [2.0]
            def __getitem__(self, key):
                global v
                v = "x" * 1000
                return self.items[key]
            def __setitem__(self, key, value):
                self.items[key] = value
        def main(n):
            c = C()
            c[n - n] *= v
            return c.items, v
        """
    )

    assert sandbox.run(main_of(sandbox), 1) == ([3.0], "x" * 1000)


def test_integer_bounds_compare_a_one_digit_bound_first():
    """a * b and a ** b compare with 2**30 - 1 before the large bound."""
    for expression, large in (("a * b", 2**4096), ("a ** b", 2**64)):
        value = returned(f"def f(a, b):\n    return {expression}\n")
        assert isinstance(value, ast.IfExp)
        test = ast.unparse(value.test)
        assert test.index("-1073741823 < a") < test.index(f"-{large} < a")
