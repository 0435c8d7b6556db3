# ruff: noqa: UP045 -- old spellings on purpose
"""
Tests for validating and copying values by their type spec.
"""

import json
import math
import re
import typing
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.sdk.plugin_code import EvilStr
from tests.sdk.strategies import (
    ANNOTATIONS,
    WILD_VALUES,
    containers,
    same,
    values_for,
)

from acc_plugins.sdk._annotations import spec_from_annotation
from acc_plugins.sdk._json import check_result
from acc_plugins.sdk._typespec import AnySpec, ConvertError


class TestConvert:
    @pytest.mark.parametrize(
        ("annotation", "value", "expected"),
        [
            (float, 3, 3.0),
            pytest.param(int, 10**5000, 10**5000, id="long-int"),
            (float, 2.5, 2.5),
            (list[int], (1, 2), [1, 2]),
            (tuple[int, ...], [1, 2], (1, 2)),
            (tuple[int, str], [1, "a"], (1, "a")),
            (set[str], ["a", "b"], {"a", "b"}),
            (frozenset[int], (1,), frozenset({1})),
            (dict[str, float], {"a": 1}, {"a": 1.0}),
            (int | float, 1, 1),
            (float | int, 1, 1.0),
            (Literal[1, True], True, True),
            (Any, ({"a": (1,)},), [{"a": [1]}]),
            (typing.Optional[list[int]], None, None),
        ],
    )
    def test_accepted(
        self, annotation: object, value: object, expected: object
    ) -> None:
        """Values are converted to what the annotation promises."""
        converted = spec_from_annotation(annotation).convert(value)

        assert expected == converted
        assert type(expected) is type(converted)

    @pytest.mark.parametrize(
        ("annotation", "value", "message"),
        [
            (int, True, "expected integer, got boolean"),
            (int, 1.0, "expected integer, got number"),
            (float, False, "expected number, got boolean"),
            (float, math.inf, "expected finite number, got inf"),
            (float, 10**400, "integer too large for a number"),
            (str, EvilStr("x"), "expected string, got string subclass"),
            (bool, 1, "expected boolean, got integer"),
            (None, 0, "expected null, got integer"),
            (list[int], {1}, "expected array, got set"),
            (list[int], [1, "2"], "expected integer, got string @ $[1]"),
            (tuple[int, int], [1], "expected array of 2 items, got 1 items"),
            (set[str], ["a", "a"], "items must be unique"),
            (dict[str, int], {1: 1}, "object keys must be strings, got 1"),
            (
                dict[str, list[int]],
                {"a b": [1, "x"]},
                'expected integer, got string @ $["a b"][1]',
            ),
            (
                dict[str, dict[str, int]],
                {"outer": {"inner": "x"}},
                "expected integer, got string @ $.outer.inner",
            ),
            (Literal[1], True, "expected 1, got true"),
            pytest.param(
                Literal[1],
                10**5000,
                "expected 1, got a long integer",
                id="long-int",
            ),
            (Literal["a", "b"], "c", 'expected one of "a", "b", got "c"'),
            (int | None, "1", "expected integer or null, got string"),
            (
                list[int] | None,
                [1, "a"],
                "expected integer, got string @ $[1]",
            ),
            (Any, [1, {2}], "a set is not JSON-compatible @ $[1]"),
            (Any, {"a": math.nan}, "nan is not JSON-compatible @ $.a"),
        ],
    )
    def test_refused(
        self, annotation: object, value: object, message: str
    ) -> None:
        """Wrong values raise a ValueError that says what is wrong."""

        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            spec_from_annotation(annotation).convert(value)

    def test_any_refuses_cycles(self) -> None:
        """Any copies values but refuses a structure that contains itself."""
        value: list[object] = [1]
        value.append({"again": value})

        with pytest.raises(ConvertError, match="cycle") as info:
            AnySpec().convert(value, "[0]")

        assert info.value.where == "[0][1].again"


class TestProperties:
    @settings(deadline=None)
    @given(annotation=ANNOTATIONS, data=st.data())
    def test_convert_copies_or_raises_value_error(
        self, annotation: object, data: st.DataObject
    ) -> None:
        """convert returns an equal fresh copy or raises ValueError."""
        spec = spec_from_annotation(annotation)
        value = data.draw(st.one_of(values_for(spec), WILD_VALUES))

        try:
            converted = spec.convert(value)
        except ValueError:
            return

        assert same(value, converted)
        assert not containers(value) & containers(converted)

    @settings(deadline=None)
    @given(annotation=ANNOTATIONS, data=st.data())
    def test_valid_values_are_accepted(
        self, annotation: object, data: st.DataObject
    ) -> None:
        """A value generated from the spec always passes."""
        spec = spec_from_annotation(annotation)
        value = data.draw(values_for(spec))

        converted = spec.convert(value)

        assert same(value, converted)
        assert json.dumps(check_result(value, target="t"), allow_nan=False)
