"""
Tests for copying tool results into fresh, bounded JSON.
"""

import json
import re
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.sdk.plugin_code import CALLS, EvilStr, Hostile
from tests.sdk.strategies import (
    ALMOST_JSON,
    JSON_LIKE,
    WILD_VALUES,
    containers,
    same,
)

from acc_plugins.sdk._json import (
    ConvertError,
    _Copier,
    check_result,
    json_size,
    to_json,
    to_json_sized,
)
from acc_plugins.sdk._jsonquick import QUICK_DEPTH, copy_flat_dict


if TYPE_CHECKING:
    import types


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


class TestQuickCopy:
    """
    The quick copy and the full walk give the same answer; only the full
    walk builds messages.
    """

    @settings(deadline=None)
    @given(
        value=st.one_of(WILD_VALUES, ALMOST_JSON),
        data=st.data(),
        max_depth=st.one_of(st.just(64), st.integers(0, 4)),
        max_items=st.one_of(st.just(10**6), st.integers(0, 12)),
    )
    def test_same_copy_or_same_error_as_the_full_walk(
        self,
        value: object,
        data: st.DataObject,
        max_depth: int,
        max_items: int,
    ) -> None:
        """to_json answers as the full walk does, at any bounds."""
        lists: list[list[Any]] = [
            item for item in _walk(value) if type(item) is list
        ]
        make_cycle: bool = data.draw(st.booleans())
        if lists and make_cycle:
            chosen: list[Any] = data.draw(st.sampled_from(lists))
            chosen.append(value)
        bounds = {"max_depth": max_depth, "max_items": max_items}

        quick = _outcome(lambda: to_json(value, **bounds))
        full = _outcome(lambda: _Copier(max_depth, max_items).run(value))

        assert quick == full

    @pytest.mark.parametrize(
        ("value", "max_depth", "max_items"),
        [
            ([float("nan")], 64, 10),
            ({"a": float("inf")}, 64, 10),
            ([{"a": 1}, {"b": -float("inf")}], 64, 10),
            ({"a": {1: 2}}, 64, 10),
            ([[1, 2], {"k": (3, 4)}], 64, 6),
            ([[1, 2], {"k": (3, 4)}], 64, 7),
            ({"a": [1, 2]}, 2, 10),
            ({"a": [1, 2]}, 1, 10),
            ([[[]]], 3, 10),
            ([[[]]], 2, 10),
            ("text", 0, 1),
            ("text", 0, 0),
            ([], 0, 1),
        ],
    )
    def test_bounds_and_refusals_agree_with_the_full_walk(
        self, value: object, max_depth: int, max_items: int
    ) -> None:
        """At each bound, and for each refusal, both answer alike."""
        bounds = {"max_depth": max_depth, "max_items": max_items}

        quick = _outcome(lambda: to_json(value, **bounds))
        full = _outcome(lambda: _Copier(max_depth, max_items).run(value))

        assert quick == full

    @settings(deadline=None)
    @given(value=JSON_LIKE)
    def test_round_trip_equals_a_reference_copy(self, value: object) -> None:
        """A JSON-like value copies to what the json module would make."""
        text = json.dumps(value, ensure_ascii=False)

        copied = to_json(value)

        assert repr(copied) == repr(json.loads(text))
        assert not containers(value) & containers(copied)

    @settings(deadline=None)
    @given(value=JSON_LIKE)
    def test_size_bound_is_never_below_the_size(self, value: object) -> None:
        """The bound is at least the UTF-8 size of the JSON text."""
        text = json.dumps(value, ensure_ascii=False)
        size = len(text.encode("utf-8", "surrogatepass"))

        copied, bound = to_json_sized(value)

        assert json_size(copied) == size
        assert bound >= size

    @settings(deadline=None)
    @given(
        value=st.dictionaries(
            st.text(max_size=3), st.one_of(JSON_LIKE, ALMOST_JSON)
        ),
        limit=st.integers(0, 400),
    )
    @example(value={"k": "\x00" * 40}, limit=100)
    @example(value={"k": 10**40, "\x1f" * 9: 1.5e-300}, limit=60)
    def test_a_flat_copy_is_a_copy_within_its_limit(
        self, value: dict[str, object], limit: int
    ) -> None:
        """copy_flat_dict copies a dict of scalars within limit, or declines."""
        copied = copy_flat_dict(value, limit)  # type: ignore[arg-type]

        if copied is not None:
            assert repr(copied) == repr(to_json(value))
            assert copied is not value
            assert json_size(copied) <= limit

    @settings(deadline=None)
    @given(
        value=st.dictionaries(
            st.text(max_size=3), st.one_of(JSON_LIKE, ALMOST_JSON)
        )
    )
    @example(value={"k": float("nan")})
    @example(value={"k": float("inf"), "j": 1})
    @example(value={"k": [1]})
    def test_only_a_flat_dict_is_copied_flat(
        self, value: dict[str, object]
    ) -> None:
        """Scalars only: copied under a roomy limit; anything else: None."""
        flat = all(
            v is None
            or type(v) in {bool, int, str}
            or (type(v) is float and v - v == 0.0)
            for v in value.values()
        ) and all(type(k) is str for k in value)

        copied = copy_flat_dict(value, 10**9)  # type: ignore[arg-type]

        assert (copied is not None) == flat

    def test_deeper_than_the_quick_copy_goes(self) -> None:
        """Nesting past the quick copy's frames is copied by the walk."""
        value: list[object] = ["end"]
        for _ in range(QUICK_DEPTH + 5):
            value = [value, {"k": (1,)}]

        copied, bound = to_json_sized(value)

        assert copied == json.loads(json.dumps(value))
        assert bound == json_size(copied)

    def test_a_caller_deep_in_the_stack_still_gets_its_copy(self) -> None:
        """Running out of stack in the quick copy falls back to the walk."""
        value: list[object] = [1]
        for _ in range(QUICK_DEPTH - 2):
            value = [value]
        limit = sys.getrecursionlimit()
        depth = _stack_depth()
        sys.setrecursionlimit(depth + 12)
        try:
            copied = to_json(value)
        finally:
            sys.setrecursionlimit(limit)

        assert copied == value

    def test_a_huge_integer_has_no_text_size(self) -> None:
        """json_size refuses an integer too long to write."""
        digits = sys.get_int_max_str_digits()

        with pytest.raises(ValueError, match="digits"):
            json_size(10 ** (digits + 1))


def _stack_depth() -> int:
    frame: types.FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _outcome(copy: Any) -> tuple[str, str]:
    try:
        return ("copy", repr(copy()))
    except ConvertError as exc:
        return ("error", f"{exc.where}|{exc}")
