"""
Bombs that apply a callable to every item inside one C call (issue #9):
``map``, ``filter``, ``sorted``/``min``/``max``/``list.sort`` with a key,
``functools.reduce``, the ``itertools`` and ``heapq`` callers.  Before
the fix each ran to its end with no budget check: 0.7 to 9.6 GB against a
64 MiB budget, or 11 s against a 2 s one.  Each runs in a fresh
interpreter, as in ``test_bomb_peaks``, and must stop on the budget
within twice its time and four times its memory: the watchdog looks
every 5 ms (later on a busy machine) while each item may allocate most
of a megabyte, and ``accumulate`` grows quadratically.
"""

from __future__ import annotations

import pytest
from tests.security.test_bomb_peaks import MEMORY_MB, TIMEOUT_S, run_bomb


_LISTS = "[range(10**5)] * 10**4"

CALLBACK_BOMBS = {
    "map-zfill": "list(map(str.zfill, itertools.repeat('x', 10**4), "
    "itertools.repeat(10**5, 10**4)))",
    "map-list": "list(map(list, itertools.repeat(range(10**5), 10**4)))",
    "map-bytes": "list(map(bytes, itertools.repeat(10**5, 10**4)))",
    "map-operator-mul": "list(map(operator.mul, "
    "itertools.repeat('x' * 1000, 10**4), itertools.repeat(10**3, 10**4)))",
    "map-of-type-of-map": f"list(type(map(len, []))(list, {_LISTS}))",
    "map-generator-function": "list(map(gen, itertools.repeat(0, 10**6)))",
    "reduce-add": "functools.reduce(operator.add, [[0]] * 10**5)",
    "reduce-list-add": "functools.reduce(list.__add__, [[0]] * 10**5)",
    "accumulate": "list(itertools.accumulate([[0]] * 10**5))",
    "accumulate-keyword": "list(itertools.accumulate(iterable=[[0]] * 10**5))",
    "sorted-key": f"sorted({_LISTS}, key=list)",
    "sorted-key-plugin-class": f"sorted({_LISTS}, key=L)",
    "sorted-key-partial": f"sorted({_LISTS}, key=functools.partial(list))",
    "max-key": f"max({_LISTS}, key=list)",
    "min-key-arguments": f"min(*{_LISTS}, key=list)",
    "sort-method": f"({_LISTS}).sort(key=list)",
    "sort-unbound": f"list.sort({_LISTS}, key=list)",
    "sort-getattr": f"getattr({_LISTS}, 'sort')(key=list)",
    "sort-subclass": f"L({_LISTS}).sort(key=list)",
    "sort-through-super": f"S({_LISTS}).sort(key=list)",
    # Passed on untouched: the plugin's function checks at its entry.
    "sorted-key-plugin-function": f"sorted({_LISTS}, key=plugin_key)",
    "nsmallest-key": f"heapq.nsmallest(5, {_LISTS}, key=list)",
    "nlargest-positional-key": f"heapq.nlargest(5, {_LISTS}, list)",
    "merge-key": f"list(heapq.merge({_LISTS}, {_LISTS}, key=list))",
    "groupby-key": f"list(itertools.groupby({_LISTS}, key=list))",
    "starmap": "list(itertools.starmap(list, [(range(10**5),)] * 10**4))",
    "filterfalse": f"list(itertools.filterfalse(list, {_LISTS}))",
    "takewhile": f"list(itertools.takewhile(list, {_LISTS}))",
    "dropwhile": f"list(itertools.dropwhile(list, {_LISTS}))",
    "filter": f"list(filter(list, {_LISTS}))",
    # Each comparison walks a list of 10**5 items in C.
    "cmp-to-key": "sorted([list(range(10**5))] * 10**4, "
    "key=functools.cmp_to_key(operator.countOf))",
}

_MODULE = """
import functools, heapq, itertools, operator

class L(list):
    pass

class S(list):
    def sort(self, **options):
        return super().sort(**options)

def plugin_key(item):
    return list(item)

def gen(_):
    yield

def attack():
    return {expression}
"""


@pytest.mark.parametrize(
    "expression", CALLBACK_BOMBS.values(), ids=CALLBACK_BOMBS.keys()
)
def test_a_per_item_call_stops_on_the_budget(tmp_path, expression):
    """Stopped by the budget, under 2x its time and 4x its memory."""
    report = run_bomb(tmp_path, _MODULE.format(expression=expression))

    outcome = str(report["outcome"])
    assert outcome.startswith("BudgetExceeded"), outcome
    assert float(report["cpu"]) < 2 * TIMEOUT_S  # type: ignore[arg-type]
    assert int(report["grew"]) < 4 * MEMORY_MB * 2**20  # type: ignore[call-overload]
