"""
A slice assignment grows its target in one call into C
(``x[len(x):] = x`` doubles as ``x.extend(x)`` does), faster than the
memory watch can look while the call holds the interpreter: sized first.
"""

import pytest

from acc_plugins.errors import BudgetExceeded, SandboxViolation


DOUBLINGS = {
    "list": "x = [0]",
    "bytearray": "x = bytearray(b'x')",
    "array": "import array\n    x = array.array('q', [0])",
}


@pytest.mark.parametrize("made", DOUBLINGS.values(), ids=DOUBLINGS.keys())
@pytest.mark.parametrize("store", ["x[len(x):] = x", "x[len(x):] += x"])
def test_slice_doubling_stops_at_the_budget(sandboxed, made, store):
    sandbox = sandboxed(
        f"""
def attack():
    {made}
    for _ in range(64):
        {store}
"""
    )
    # The size check, or the memory watch when the temporary of ``+=``
    # came first: stopped either way, within one doubling of the budget.
    with pytest.raises((SandboxViolation, BudgetExceeded)) as stopped:
        sandbox.run(sandbox.load_attribute("m", "attack"))
    assert "memory" in str(stopped.value) or "slice" in str(stopped.value)


def test_ordinary_slice_assignments_keep_python_semantics(sandboxed):
    sandbox = sandboxed(
        """
def main():
    order = []
    def value():
        order.append("value")
        return [7, 8]
    def bound():
        order.append("bound")
        return 3
    x = list(range(6))
    x[1:bound()] = value()
    y = bytearray(b"abcdef")
    y[::2] = b"XYZ"
    z = list(range(4))
    z[1:] = (n * 10 for n in range(2))
    return x, bytes(y), z, order
"""
    )
    main = sandbox.load_attribute("m", "main")
    assert callable(main)
    assert sandbox.run(main) == (
        [0, 7, 8, 3, 4, 5],
        b"XbYdZf",
        [0, 0, 10],
        ["value", "bound"],
    )
