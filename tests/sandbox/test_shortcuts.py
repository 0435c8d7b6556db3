"""
Calls the compiler proves harmless skip their guard, and every other call
keeps it.
"""

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import compile_plugin_source
from acc_plugins.sandbox._shortcuts import unbound_builtins


def names_of(source):
    code = compile_plugin_source(source, "m.py")
    found = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            found |= set(const.co_names)
    return found


@pytest.mark.parametrize(
    ("source", "raw"),
    [
        ("def f(a):\n    return getattr(a, 'x')\n", "__acc_rawgetattr__"),
        ("def f(a):\n    return getattr(a, 'x', 1)\n", "__acc_rawgetattr__"),
        ("def f(a):\n    return hasattr(a, 'x')\n", "__acc_rawhasattr__"),
    ],
)
def test_constant_public_names_take_the_raw_builtin(source, raw):
    """getattr/hasattr of a plain public name compile to the raw call."""
    assert raw in names_of(source)
    assert "getattr" not in names_of(source) - {raw}


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, n):\n    return getattr(a, n)\n",
        "def f(a):\n    return getattr(a, '_x')\n",
        "def f(a):\n    return getattr(a, '__class__')\n",
        "def f(a):\n    return getattr(a, 'join')\n",
        "def f(a):\n    return getattr(a, 'format')\n",
        "def f(a):\n    return getattr(a, 'register')\n",
        "def f(a):\n    return getattr(a, 'gi_frame')\n",
        "def f(a):\n    return getattr(*a)\n",
        "getattr = None\ndef f(a):\n    return getattr(a, 'x')\n",
        "def f(a, getattr=None):\n    return getattr(a, 'x')\n",
    ],
)
def test_other_attribute_calls_keep_the_guard(source):
    """Names the guard checks, computed names and rebound built-ins."""
    assert "__acc_rawgetattr__" not in names_of(source)


@pytest.mark.parametrize(
    ("call", "guard", "raw"),
    [
        ("'total: {:>8}'.format(*a)", "__acc_getattr__", True),
        ("'{name:.3f}'.format(**k)", "__acc_getattr__", True),
        ("'no field at all'.format()", "__acc_getattr__", True),
        ("'{} and {:>8}'.format(*a)", "__acc_getattr__", False),
        ("'{0}{0}'.format(*a)", "__acc_getattr__", False),
        ("'{!a}'.format(*a)", "__acc_getattr__", False),
        ("'{0.real}'.format(*a)", "__acc_getattr__", False),
        ("'{0[0]}'.format(*a)", "__acc_getattr__", False),
        ("'{:>{w}}'.format(*a, **k)", "__acc_getattr__", False),
        ("'{:>1000000}'.format(*a)", "__acc_getattr__", False),
        ("'{'.format(*a)", "__acc_getattr__", False),
        ("a.replace(',', '.')", "__acc_sizedcall__", True),
        ("a.replace('~1', '/', 1)", "__acc_sizedcall__", True),
        ("a.replace(b'ab', b'')", "__acc_sizedcall__", True),
        ("(a + k).replace('x', '')", "__acc_sizedcall__", True),
        ("a.replace('a', 'bb')", "__acc_sizedcall__", False),
        ("a.replace('a', k)", "__acc_sizedcall__", False),
        ("a.replace(k, '')", "__acc_sizedcall__", False),
        ("a.replace('a', b'')", "__acc_sizedcall__", False),
        ("a.replace('a', '', k)", "__acc_sizedcall__", False),
        ("a.replace(old='a', new='')", "__acc_sizedcall__", False),
    ],
)
def test_only_proven_calls_skip_their_guard(call, guard, raw):
    """
    A written-out template of one plain field, and a replace() of written
    out texts that cannot grow, are left to CPython.
    """
    source = f"def f(a, k):\n    return {call}\n"
    assert (guard not in names_of(source)) is raw


def test_shortcuts_give_the_same_answers(sandboxed):
    """The raw calls answer what the guarded ones would."""
    sandbox = sandboxed(
        """
        class A:
            x = 1
        def main():
            a = A()
            return (
                getattr(a, "x"), getattr(a, "y", 5), hasattr(a, "x"),
                hasattr(a, "y"), "{} and {:>5} {!r}".format(1, 2, "s"),
            )
        """
    )

    main = sandbox.import_module("m").__dict__["main"]
    assert sandbox.run(main) == (1, 5, True, False, "1 and     2 's'")


@pytest.mark.parametrize(
    "source",
    [
        "x = '{0.__class__.__bases__}'.format(1)\n",
        "x = '{:>1000000000}'.format(1)\n",
        "x = getattr(1, '__bas' + 'es__')\n",
    ],
)
def test_what_the_shortcuts_leave_out_is_still_refused(sandboxed, source):
    """Walks, huge specs and computed dunders meet the guard."""
    with pytest.raises(SandboxViolation):
        sandboxed(source)


@pytest.mark.parametrize(
    ("source", "raw"),
    [
        ("def f(n):\n    for i in range(n):\n        pass\n", True),
        ("def f(n):\n    return [i for i in range(n)]\n", True),
        ("def f(n):\n    return list(range(n))\n", False),
        ("def f(n):\n    return sum(range(n))\n", False),
        (
            "range = lambda n: [n]\ndef f(n):\n    for i in range(n):\n        pass\n",
            False,
        ),
    ],
)
def test_only_a_range_a_loop_walks_skips_the_size_check(source, raw):
    """A loop checks its budget at every item; C draining a range does not."""
    assert ("__acc_rawrange__" in names_of(source)) is raw


def test_a_huge_range_in_a_loop_stops_at_the_budget(tmp_path):
    """for i in range(10**18) runs until the budget, not past it."""
    from acc_plugins.errors import BudgetExceeded
    from acc_plugins.sandbox import Sandbox

    (tmp_path / "m.py").write_text(
        "def main():\n    for i in range(10**18):\n        pass\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.2)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)


def test_a_huge_range_drained_by_c_is_still_refused(sandboxed):
    """sum(range(10**12)) meets the size check before C starts."""
    with pytest.raises(SandboxViolation, match="range"):
        sandboxed("x = sum(range(10**12))\n")


_REBINDINGS = [
    "getattr = None\n",
    "import os as hasattr\n",
    "from x import range\n",
    "def f(super):\n    pass\n",
    "for getattr in []:\n    pass\n",
    "try:\n    pass\nexcept E as range:\n    pass\n",
    "match v:\n    case {**super}:\n        pass\n",
    "def f():\n    global hasattr\n",
    "x = 1\n",
    # NFKC folds these letters to the ASCII name: the text never spells it.
    "\uff47etattr = None\n",
    "\U0001d42bange = 1\n",
]


@given(
    parts=st.lists(st.sampled_from(_REBINDINGS), max_size=4),
    comment=st.sampled_from(["", "# range super\n", "# \u00e9\n"]),
)
def test_the_source_text_only_spares_the_walk(parts, comment):
    """With or without the text, the same built-ins count as unbound."""
    source = comment + "".join(parts)
    module = ast.parse(source)

    assert unbound_builtins(module, source) == unbound_builtins(module)


@pytest.mark.parametrize(
    ("source", "bound"),
    [
        ("\uff47etattr = None\n", "getattr"),
        ("\U0001d42bange = 1\n", "range"),
        ("import os as hasattr\n", "hasattr"),
    ],
)
def test_a_rebinding_spelled_any_way_is_seen(source, bound):
    """Names folded from other letters are found in the tree."""
    assert bound not in unbound_builtins(ast.parse(source), source)


def test_a_shrinking_replace_answers_what_python_answers(sandboxed):
    """Text, bytes, a count, a plugin's own replace() and a date's."""
    sandbox = sandboxed(
        """
        import datetime
        class Own:
            def replace(self, old, new):
                return (old, new)
        def main():
            return (
                "a,b,c".replace(",", "."), b"xaxb".replace(b"x", b""),
                "~1~1".replace("~1", "/", 1), Own().replace("ab", "c"),
                bytearray(b"aab").replace(b"aa", b"b"),
            )
        def wrong():
            return datetime.date(2020, 1, 1).replace("a", "")
        """
    )
    module = sandbox.import_module("m").__dict__

    assert sandbox.run(module["main"]) == (
        "a.b.c",
        b"ab",
        "/~1",
        ("ab", "c"),
        bytearray(b"bb"),
    )
    with pytest.raises(TypeError):
        sandbox.run(module["wrong"])
