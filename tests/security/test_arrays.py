"""
Attacks on ``array.array``, whose objects plugin code holds as the real
arrays: every way to build or grow one past the memory budget in a
single call into C (lazy initializers, the constructor reached through
``type()``, a subclass, ``super()`` or ``__new__``, repetition, the
growing methods read from the class), and the methods refused outright.
"""

from __future__ import annotations

import pytest
from tests.security.test_escapes import (
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    assert_goal_not_reached,
    assert_refused,
    run_attack,
)

from acc_plugins.errors import BudgetExceeded, SandboxViolation


# Eighty million bytes as doubles, five times the budget the attacks get.
HEADER = """
import array, itertools

BIG = range(10**7)

class Mine(array.array):
    itemsize = 0
    def __len__(self):
        return 0

class Liar(list):
    def __len__(self):
        return 10**9

"""

# Each attack, by name: an expression plugin code returns.
SIZED: dict[str, str] = {
    "range-initializer": 'array.array("d", BIG)',
    "repeat-initializer": 'array.array("d", itertools.repeat(0.0, 10**7))',
    "generator": 'array.array("q", (0 for _ in BIG))',
    "type-call": 'type(array.array("d"))("d", BIG)',
    "class-call": 'array.array("d").__class__("d", BIG)',
    "subclass-call": 'Mine("d", BIG)',
    "real-new-of-instance": 'array.array("b").__new__(Mine, "d", BIG)',
    "real-new-through-super": 'super(array.array, Mine).__new__(Mine, "d", BIG)',
    "new-of-the-class": 'array.array.__new__(Mine, "d", BIG)',
    "extend-from-the-class": 'array.array.extend(array.array("d"), iter(BIG))',
    "extend-via-super": 'super(array.array, Mine("d")).extend(BIG)',
    "extend-by-getattr": 'getattr(array.array("d"), "ext" + "end")(iter(BIG))',
    "repetition": 'array.array("d", [0.0]) * 10**7',
    "reflected": '10**7 * array.array("d", [0.0])',
    "mul-dunder": 'array.array("d", [0.0]).__mul__(10**7)',
    "rmul-from-the-class": 'array.array.__rmul__(array.array("d", [0.0]), 10**7)',
    "subclass-lies-itemsize": 'Mine("d", [0.0]) * 10**7',
    "fromlist": 'array.array("d").fromlist([0.0] * 3 * 10**6)',
    "tolist": '(array.array("b", [0]) * 10**7).tolist()',
    "sum-from-an-array": (
        'sum([array.array("d", [0.0]) * 10**5] * 100, array.array("d"))'
    ),
}


@pytest.mark.parametrize("expression", SIZED.values(), ids=SIZED.keys())
def test_an_array_past_the_budget_is_refused(world, expression):
    """Building or growing an array past the memory budget in one call
    is refused before C allocates it."""
    outcome = run_attack(
        world,
        f"{HEADER}def attack():\n    return {expression}\n",
        memory_mb=16,
    )

    assert_refused(outcome, SandboxViolation)
    assert "bytes (the memory budget is" in str(outcome.error)
    assert_goal_not_reached(world, outcome)


# Growth by a method, and the refusal it meets: one long text, and the
# array's own bytes again and again.
GROWTH: dict[str, tuple[str, str]] = {
    "fromunicode": (
        'array.array("u").fromunicode("x" * 10**7)',
        "an array fromunicode()",
    ),
    "frombytes-doubling": (
        (
            'x = array.array("b", [0])\n    for _ in range(40):\n'
            "        x.frombytes(bytes(x))"
        ),
        "an array frombytes()",
    ),
}


@pytest.mark.filterwarnings("ignore:The 'u' type code:DeprecationWarning")
@pytest.mark.parametrize(("body", "refusal"), GROWTH.values(), ids=GROWTH)
def test_an_array_grown_by_a_method_is_sized(world, body, refusal):
    """fromunicode() and frombytes() are sized by what they add."""
    outcome = run_attack(
        world, f"{HEADER}def attack():\n    {body}\n", memory_mb=16
    )

    # Each doubling also copies the array (bytes(x)): on a busy machine the
    # memory watch may see that growth before the size check refuses the
    # next step.  Either stops it at about the budget.
    if isinstance(outcome.error, BudgetExceeded):
        assert "grew by" in str(outcome.error)
        return
    assert_refused(outcome, SandboxViolation)
    assert refusal in str(outcome.error)


def test_a_lying_length_does_not_size_the_allocation(world):
    """A list subclass whose __len__ says a billion is read item by item,
    not allocated for."""
    outcome = run_attack(
        world,
        f"{HEADER}def attack():\n    return len(array.array('d', Liar()))\n",
    )

    assert (outcome.error, outcome.value) == (None, 0)


REFUSED: dict[str, str] = {
    "buffer_info": 'array.array("d").buffer_info()',
    "buffer_info-by-getattr": 'getattr(array.array("d"), "buffer" + "_info")()',
    "buffer_info-via-super": 'super(array.array, Mine("d")).buffer_info()',
    "tofile": 'array.array("d").tofile',
    "fromfile-of-the-class": "array.array.fromfile",
    "buffer_info-in-a-format": '"{0.buffer_info}".format(array.array("d"))',
}


@pytest.mark.parametrize("expression", REFUSED.values(), ids=REFUSED.keys())
def test_an_array_method_that_leaks_or_reads_files_is_refused(
    world, expression
):
    """buffer_info (an address), tofile and fromfile are refused however
    they are read."""
    outcome = run_attack(
        world, f"{HEADER}def attack():\n    return {expression}\n"
    )

    assert_refused(outcome, SandboxViolation)
    assert "array " in str(outcome.error)
    assert_goal_not_reached(world, outcome)


def test_hasattr_says_a_refused_array_method_is_absent(world):
    """hasattr() answers False for buffer_info, as for any refused name."""
    outcome = run_attack(
        world,
        f"{HEADER}def attack():\n"
        "    return hasattr(array.array('d'), 'buffer_info')\n",
    )

    assert (outcome.error, outcome.value) == (None, False)


HOOKS: dict[str, str] = {
    "reduce_ex": 'getattr(array.array("d"), "__reduce" + "_ex__")(2)',
    "iterator-reduce": 'getattr(iter(array.array("d")), "__red" + "uce__")()',
    "iterator-setstate": 'getattr(iter(array.array("d")), "__set" + "state__")(0)',
}


@pytest.mark.parametrize("expression", HOOKS.values(), ids=HOOKS.keys())
def test_the_copy_hooks_of_an_array_stay_closed(world, expression):
    """An array's and its iterator's pickle hooks are not readable."""
    outcome = run_attack(
        world, f"{HEADER}def attack():\n    return {expression}\n"
    )

    assert_refused(outcome, SandboxViolation)
    assert_goal_not_reached(world, outcome)


def test_arrays_are_real_and_answer_the_sandbox_class(world):
    """Plugin code holds real arrays: type() answers the sandbox's class,
    copies and slices are arrays, subclasses work."""
    outcome = run_attack(
        world,
        f"""{HEADER}
import copy
class Grid(array.array):
    def total(self):
        return sum(self)
def attack():
    a = array.array("d", [1.0, 2.0])
    g = Grid("d", [1.0, 2.0, 3.0])
    return (type(a) is array.array, type(a[:]) is array.array,
            isinstance(g, array.array), copy.copy(a) == a,
            copy.deepcopy(g) == g, g.total(), type(g).__name__,
            repr(type(a)), bytes(array.array("b", b"ab")))
""",
    )

    assert outcome.error is None
    assert outcome.value == (
        True,
        True,
        True,
        True,
        True,
        6.0,
        "Grid",
        "<class 'array.array'>",
        b"ab",
    )
