"""
Memory bombs in a single C operation are refused before they run, and
ordinary arithmetic and repetition still work.
"""

import pytest

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import Sandbox


_INDEX = "class Count:\n    def __index__(self):\n        return 10 ** 9\n"

BOMBS = {
    "string_repeat": "x = 'x' * (10 ** 10)",
    "reversed_repeat": "n = 10 ** 10\nx = n * 'ab'",
    "list_repeat": "x = [0] * (10 ** 9)",
    "bytes_repeat": "x = b'\\x00' * (2 ** 40)",
    "big_power": "n = 10 ** 9\nx = 7 ** n",
    "pow_builtin": "x = pow(3, 10 ** 10)",
    "big_shift": "x = 1 << (10 ** 11)",
    "augmented_repeat": "x = 'ab'\nx *= 10 ** 10",
    "augmented_item": "x = ['ab']\nx[0] *= 10 ** 10",
    "augmented_attr": (
        "class Box:\n    def __init__(self):\n        self.s = 'ab'\n"
        "b = Box()\nb.s *= 10 ** 10"
    ),
    "augmented_power": "x = 3\nx **= 10 ** 10",
    "range_consumed_in_c": "x = sum(range(10 ** 12))",
    "range_listed": "x = list(range(10 ** 9))",
}

# C reads the count from __index__ after any check, and a plugin's
# __index__ may answer differently each time.
INDEX_COUNTS = {
    "repeat": "x = [0] * Count()",
    "reversed": "x = Count() * 'ab'",
    "method": "x = [0].__mul__(Count())",
    "augmented": "x = [0]\nx *= Count()",
}


@pytest.mark.parametrize("name", sorted(INDEX_COUNTS))
def test_repetition_counts_with_index_are_refused(sandboxed, name):
    """A count that is not an int cannot be sized, so it is refused."""
    with pytest.raises(SandboxViolation, match="Count object"):
        sandboxed(_INDEX + INDEX_COUNTS[name])


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_refused_before_they_run(tmp_path, name):
    """Each names what it would have built and the budget."""
    (tmp_path / "m.py").write_text(BOMBS[name] + "\n")
    sandbox = Sandbox(tmp_path, "bomb", memory_mb=64)

    with pytest.raises(SandboxViolation, match=r"budget is|at most"):
        sandbox.import_module("m")


def test_ordinary_arithmetic_and_repetition_work(sandboxed):
    """Numbers, small repetitions and in-place list growth are unchanged."""
    sandbox = sandboxed(
        """
        from fractions import Fraction
        a = [1, 2]
        alias = a
        a *= 3
        grid = [[0] * 3 for _ in range(2)]
        grid[1][2] += 5
        counts = {"k": 2}
        counts["k"] **= 3
        s = "ab" * 3
        s *= 2
        n = 7
        n <<= 4
        result = (
            alias, grid, counts, s, n, 2 ** 100, pow(2, 10, 1000),
            Fraction(3, 2) ** 4, 1.5 * 4, 3 * "x", list(range(5)),
            [v * 2 for v in range(3)], 10 ** 3 * 2,
        )
        """
    )

    assert sandbox.import_module("m").result == (
        [1, 2, 1, 2, 1, 2],
        [[0, 0, 0], [0, 0, 5]],
        {"k": 8},
        "abababababab",
        112,
        2**100,
        24,
        pytest.approx(81 / 16),
        6.0,
        "xxx",
        [0, 1, 2, 3, 4],
        [0, 2, 4],
        2000,
    )
