"""
The per-item callers (``map``, ``sorted(key=...)``, ``functools.reduce``,
``itertools.accumulate``, ``heapq.nsmallest``, ``list.sort``, ...): they
give what plain Python gives, errors included, call the plugin's own
functions untouched, and keep the real classes out of plugin code.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import textwrap
import types

import pytest

from acc_plugins.errors import BudgetExceeded, SandboxViolation
from acc_plugins.sandbox import Sandbox
from acc_plugins.sandbox._budget import Budget
from acc_plugins.sandbox._callbacks import Callbacks


# Each evaluated in the sandbox and in plain Python: a value or an error.
ORDINARY = (
    "list(map(int, ['1', '2']))",
    "list(map(pow, [2, 3], [3, 2]))",
    "list(map(str, 5))",
    "map(str)",
    "map(str, [1], x=1)",
    "list(filter(None, [0, 1, 2]))",
    "list(filter(str.isdigit, ['1', 'a']))",
    "sorted()",
    "sorted([1], [2])",
    "sorted(['bb', 'a'], key=len)",
    "sorted(['bb', 'a', 'ccc'], key=len, reverse=True)",
    "sorted([2, 1], key=5)",
    "max([], key=len)",
    "max(['a', 'bbb'], key=len)",
    "max('a', 'bbb', key=len)",
    "max('a', 'bbb', key=len, default=1)",
    "min([], key=len, default='none')",
    "min(5, key=len)",
    "functools.reduce(operator.add, [1, 2, 3])",
    "functools.reduce(operator.add, [], 7)",
    "functools.reduce(operator.add, 5)",
    "functools.reduce(operator.add, [])",
    "list(itertools.accumulate([1, 2, 3]))",
    "list(itertools.accumulate([1, 2, 3], operator.mul))",
    "list(itertools.accumulate([1, 2, 3], initial=10))",
    "list(itertools.accumulate(iterable=[1, 2]))",
    "list(itertools.accumulate(5))",
    "[(k, list(g)) for k, g in itertools.groupby('aabbc')]",
    "[k for k, g in itertools.groupby(['a', 'bb', 'cc'], len)]",
    "list(itertools.starmap(pow, [(2, 3)]))",
    "list(itertools.takewhile(bool, [1, 0, 1]))",
    "list(itertools.dropwhile(bool, [1, 0, 1]))",
    "list(itertools.filterfalse(None, [1, 0, 1]))",
    "itertools.takewhile(bool)",
    "heapq.nsmallest(2, ['ccc', 'a', 'bb'], len)",
    "heapq.nlargest(2, ['ccc', 'a', 'bb'], key=len)",
    "list(heapq.merge(['a', 'ccc'], ['bb'], key=len))",
    "sorted([3, 1, 2], key=functools.cmp_to_key(operator.sub))",
    "isinstance(map(str, []), map)",
    "isinstance(iter([]), map)",
    "isinstance(itertools.accumulate([]), itertools.accumulate)",
    "type(filter(None, [])) is filter",
    "type(itertools.starmap(pow, [])) is itertools.starmap",
    "list(type(map(str, []))(len, ['ab']))",
    "map.__name__",
)

_PLUGIN = """
import functools, heapq, itertools, operator

def run(expression):
    try:
        return repr(evaluate(expression))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
"""


def _plain(expression: str) -> str:
    names = {
        "functools": functools,
        "heapq": heapq,
        "itertools": itertools,
        "operator": operator,
    }
    try:
        return repr(eval(expression, names))  # noqa: S307 -- our own test expressions
    except Exception as error:  # noqa: BLE001 -- compared as text
        return f"{type(error).__name__}: {error}"


@pytest.fixture(name="ordinary", scope="module")
def _ordinary(tmp_path_factory):
    root = tmp_path_factory.mktemp("ordinary")
    cases = "\n".join(
        f"    {i}: lambda: {expression},"
        for i, expression in enumerate(ORDINARY)
    )
    source = _PLUGIN + f"\nCASES = {{\n{cases}\n}}\n"
    source += "\ndef evaluate(i):\n    return CASES[i]()\n"
    (root / "m.py").write_text(source)
    sandbox = Sandbox(root, "ordinary")
    module = sandbox.import_module("m")
    return sandbox, module


@pytest.mark.parametrize("index", range(len(ORDINARY)), ids=ORDINARY)
def test_ordinary_uses_give_what_python_gives(ordinary, index):
    """Values and error messages are plain Python's."""
    sandbox, module = ordinary

    assert sandbox.run(module.run, index) == _plain(ORDINARY[index])
    assert sandbox.violations == []


LIST_SORTS = """
class L(list):
    pass

class Keyed:
    def __init__(self):
        self.calls = 0
    def key(self, item):
        self.calls += 1
        return -item

def run():
    a, b, c, d = [3, 1, 2], [3, 1, 2], [3, 1, 2], L([3, 1, 2])
    a.sort()
    list.sort(b, key=lambda v: -v)
    getattr(c, "sort")(reverse=True)
    keyed = Keyed()
    d.sort(key=keyed.key)
    return a, b, c, list(d), keyed.calls
"""


def test_list_sort_works_in_every_spelling(tmp_path):
    """``lst.sort``, ``list.sort(lst)``, ``getattr`` and a subclass sort."""
    (tmp_path / "m.py").write_text(LIST_SORTS)
    sandbox = Sandbox(tmp_path, "sorts")
    module = sandbox.import_module("m")

    assert sandbox.run(module.run) == (
        [1, 2, 3],
        [3, 2, 1],
        [3, 2, 1],
        [3, 2, 1],
        3,
    )


@pytest.fixture(name="callbacks")
def _callbacks():
    mark = object()

    def owns(obj: object) -> bool:
        return getattr(obj, "__globals__", {}).get("mark") is mark

    namespace: dict[str, object] = {"mark": mark}
    exec(  # noqa: S102 -- a stand-in for plugin code
        textwrap.dedent(
            """
            def key(item):
                return item
            def gen(item):
                yield item
            async def coro(item):
                return item
            class Box:
                def method(self, item):
                    return item
            """
        ),
        namespace,
    )
    return Callbacks(Budget(5.0), owns), namespace


def test_plugin_callables_are_not_wrapped(callbacks):
    """A plugin function, lambda or method is passed on as it is."""
    checks, plugin = callbacks
    method = plugin["Box"]().method

    assert checks.key(plugin["key"]) is plugin["key"]
    assert checks.key(method) is method
    assert checks.key(None) is None
    assert checks.is_plugin_code(plugin["key"])


def test_len_is_not_wrapped(callbacks):
    """``len`` takes constant time and gives a small int: no check."""
    checks, _ = callbacks

    assert checks.key(len) is len
    assert checks.trusted(len)


def test_other_callables_are_wrapped(callbacks):
    """Library functions, classes and plugin generator functions are not
    trusted to check the budget: calling a generator function runs none of
    its body."""
    checks, plugin = callbacks

    for func in (
        abs,
        list,
        functools.partial(len),
        plugin["gen"],
        plugin["coro"],
    ):
        assert checks.key(func) is not func
        assert not checks.is_plugin_code(func)
    assert isinstance(checks.items([1]), types.GeneratorType)


def test_a_wrapped_callable_stops_outside_a_call(callbacks):
    """The shim checks the budget: with no call running, it is spent."""
    checks, _ = callbacks

    with pytest.raises(BudgetExceeded):
        checks.key(abs)(-1)
    with pytest.raises(BudgetExceeded):
        list(checks.items([1]))


REAL_CLASS = {
    "private": "x = map._real",
    "getattr": "x = getattr(map, '_real')",
    "vars": "x = vars(map)",
    "dict": "x = map.__dict__",
    "new": "x = map.__new__(map)",
    "itertools": "import itertools\nx = itertools.starmap._real",
}


@pytest.mark.parametrize("source", REAL_CLASS.values(), ids=REAL_CLASS.keys())
def test_the_real_class_stays_out_of_reach(tmp_path, source):
    """A stand-in's real class, its maker and its namespace are refused."""
    (tmp_path / "m.py").write_text(source + "\n")
    sandbox = Sandbox(tmp_path, "reach")

    with pytest.raises(SandboxViolation):
        sandbox.import_module("m")


SUBCLASS = """
class M(map):
    pass

x = M(len, ["ab"])
"""


def test_a_stand_in_is_no_way_to_the_real_class(tmp_path):
    """Subclassing the stand-in builds nothing the real class would."""
    (tmp_path / "m.py").write_text(SUBCLASS)
    sandbox = Sandbox(tmp_path, "subclass")

    with pytest.raises((SandboxViolation, TypeError)):
        sandbox.import_module("m")
