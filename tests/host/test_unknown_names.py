"""
A name that is not there gets a message that says what to try: the
closest name, else the names there are, else that there are none.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import PluginNotFoundError
from acc_plugins.host.core._registry import lookup, unknown_hint


def test_a_close_name_is_offered():
    with pytest.raises(PluginNotFoundError) as caught:
        lookup({"text-tools.slugify": 1}, "tool", "text-tools.slugfy")

    assert str(caught.value).endswith(
        "no active tool named 'text-tools.slugfy'; did you mean "
        "'text-tools.slugify'?"
    )


def test_without_a_close_name_the_names_are_listed_and_spelled():
    hint = unknown_hint("tool", "slugify", ["a.count", "b.wrap"])

    assert hint == "; there are: a.count, b.wrap (tools are named PLUGIN.NAME)"


def test_many_names_are_cut_short():
    names = [f"p{i:02}.tool" for i in range(20)]

    hint = unknown_hint("tool", "zzz.qqq", names)

    assert hint.startswith("; there are: p00.tool, ")
    assert hint.endswith(", p07.tool, ...")


def test_none_at_all_says_so():
    assert unknown_hint("plugin", "ghost", []) == "; there are none"


@given(
    name=st.text(min_size=1, max_size=30),
    known=st.lists(st.text(min_size=1, max_size=30), max_size=30),
)
def test_the_hint_is_one_bounded_line(name, known):
    """Whatever the names, the hint is one line of bounded length."""
    hint = unknown_hint("tool", name, [k.replace("\n", " ") for k in known])

    assert hint.startswith("; ")
    assert len(hint) <= 8 * 35 + 100
