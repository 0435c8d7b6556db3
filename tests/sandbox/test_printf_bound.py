"""
The %-format check bounds what a format gives: never less than the real
length (or a bomb gets through), and, when each conversion takes one
value, tight enough that a width just under the budget is allowed.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.sandbox._bombs import BombChecks


class Refused(Exception):  # noqa: N818 -- a verdict
    pass


def _refuse(what):
    raise Refused(what)


_VALUES = {
    "d": st.one_of(st.integers(-(10**40), 10**40), st.booleans()),
    "x": st.integers(-(10**40), 10**40),
    "o": st.integers(-(10**40), 10**40),
    "f": st.floats(allow_nan=False, allow_infinity=False),
    "e": st.floats(allow_nan=False, allow_infinity=False),
    "s": st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.booleans(),
        st.none(),
        st.floats(),
    ),
    "r": st.one_of(st.text(max_size=20), st.booleans(), st.none()),
    "a": st.text(max_size=20),
}


@st.composite
def _formats(draw):
    parts, values = [], []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(sorted(_VALUES)))
        flags = draw(st.sampled_from(["", "-", "0", "#", "+", " "]))
        width = draw(st.sampled_from(["", "1", "7", "40"]))
        precision = draw(st.sampled_from(["", ".0", ".3", ".30"]))
        if kind in "xo" and precision:
            precision = ""
        literal = draw(st.text(alphabet="ab %", max_size=5)).replace("%", "%%")
        parts.append(f"{literal}%{flags}{width}{precision}{kind}")
        values.append(draw(_VALUES[kind]))
    return "".join(parts), tuple(values)


@given(_formats())
def test_the_bound_is_never_below_the_real_length(case):
    template, values = case
    try:
        real = len(template % values)
    except (TypeError, ValueError, OverflowError):
        return
    checks = BombChecks(real - 1, _refuse)  # a budget one short
    with pytest.raises(Refused):
        checks.formats.check_mod(template, values)


@pytest.mark.parametrize("value", [1, False, "x", None])
def test_a_width_just_under_the_budget_is_allowed(value):
    budget = 2**20
    checks = BombChecks(budget, _refuse)
    checks.formats.check_mod(f"%{budget - 3}s", (value,))
    checks.formats.check_mod(f"ab%{budget - 2}s", value)
    with pytest.raises(Refused):
        checks.formats.check_mod(f"ab%{budget - 1}s", value)
