"""
Tests for copying tool results into fresh, bounded JSON.
"""

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.sdk.plugin_code import CALLS, EvilStr, Hostile
from tests.sdk.strategies import WILD_VALUES, containers, same

from acc_plugins.sdk._json import check_result


class TestCheckResult:
    def test_copies_and_turns_tuples_into_lists(self) -> None:
        """A result is copied fresh, tuples becoming lists."""
        inner = {"a": [1.5, None]}
        value = (inner, "x", True)

        result = check_result(value, target="t")

        assert result == [{"a": [1.5, None]}, "x", True]
        assert isinstance(result, list)
        assert result[0] is not inner

    def test_shared_values_are_fine(self) -> None:
        """The same list twice is not a cycle."""
        shared = [1]

        assert check_result([shared, shared], target="t") == [[1], [1]]

    def test_path_names_the_problem(self) -> None:
        """The message names the path to the first offending value only."""
        value = [0, 1, {"name": {1}, "ok": 1}]

        with pytest.raises(ValueError) as info:
            check_result(value, target="ns.tool")

        assert str(info.value) == (
            "result[2].name: a set is not JSON-compatible"
        )

    def test_deep_nesting_does_not_recurse(self) -> None:
        """A very deep value is refused without a RecursionError."""
        value: list[object] = []
        for _ in range(100_000):
            value = [value]

        with pytest.raises(ValueError, match="nested deeper than 64 levels"):
            check_result(value, target="t")
        assert len(check_result(value[0], target="t", max_depth=100_001)) == 1  # type: ignore[arg-type]

    def test_cycles_are_detected(self) -> None:
        """A structure that contains itself is refused."""
        value: dict[str, object] = {"a": [1]}
        value["a"].append(value)  # type: ignore[attr-defined]

        with pytest.raises(
            ValueError,
            match="^" + re.escape("result.a[1]: contains itself (a cycle)"),
        ):
            check_result(value, target="t")

    def test_exponential_sharing_is_bounded(self) -> None:
        """A small value that expands hugely is stopped by max_items."""
        value: list[object] = []
        for _ in range(60):
            value = [value, value]

        with pytest.raises(ValueError, match="more than 10000 values"):
            check_result(value, target="t", max_items=10_000)


class TestPluginCodeIsNeverCalled:
    @pytest.fixture(autouse=True)
    def _clear_calls(self) -> None:
        CALLS.clear()

    def test_hostile_result(self) -> None:
        """A result holding plugin objects is refused untouched."""
        results = [
            Hostile(),
            [1, {"a": (Hostile(),)}],
            {EvilStr("key"): 1},
            {"k": EvilStr("value")},
            {Hostile(): 1},
            type("", (), {})(),
        ]
        CALLS.clear()

        messages = []
        for result in results:
            with pytest.raises(ValueError) as info:
                check_result(result, target="t.x")
            messages.append(str(info.value))

        assert messages == [
            "result: a Hostile is not JSON-compatible",
            "result[1].a[0]: a Hostile is not JSON-compatible",
            "result: object keys must be strings, got string subclass",
            "result.k: a string subclass is not JSON-compatible",
            "result: object keys must be strings, got Hostile",
            "result: an unnamed class is not JSON-compatible",
        ]
        assert CALLS == []


class TestProperties:
    @settings(deadline=None)
    @given(value=WILD_VALUES, data=st.data())
    def test_check_result_copies_or_raises_value_error(
        self, value: object, data: st.DataObject
    ) -> None:
        """check_result on anything, cycles included, copies or refuses."""
        lists = [item for item in _walk(value) if type(item) is list]
        make_cycle = data.draw(st.booleans())
        if lists and make_cycle:
            data.draw(st.sampled_from(lists)).append(value)

        try:
            result = check_result(value, target="t")
        except ValueError:
            return

        assert same(value, result)
        assert not containers(value) & containers(result)
        assert json.loads(json.dumps(result, allow_nan=False)) == result


def _walk(value: object) -> list[object]:
    """
    List a value and everything inside it (acyclic values only).
    """
    found = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        found.append(item)
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) in {list, tuple}:
            stack.extend(item)
    return found
