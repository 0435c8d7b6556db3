# ruff: noqa: PYI061, UP006, UP007, UP045 -- old spellings on purpose
"""
Tests for reading annotation objects and strings without evaluating them.
"""

import collections.abc
import json
import re
import typing
from pathlib import Path
from typing import Any, Literal, Optional

import pytest
from hypothesis import given
from tests.sdk.plugin_code import CALLS, Hostile, with_annotation
from tests.sdk.strategies import PAIRS, Pair

from acc_plugins.sdk._annotations import spec_from_annotation
from acc_plugins.sdk._signature import ToolSignature
from acc_plugins.sdk._typespec import (
    ArraySpec,
    DictSpec,
    LiteralSpec,
    TupleSpec,
    TypeSpec,
    UnionSpec,
)


class TestSchema:
    @pytest.mark.parametrize(
        ("annotation", "text", "schema"),
        [
            (str, "str", {"type": "string"}),
            (int, "int", {"type": "integer"}),
            (float, "float", {"type": "number"}),
            (bool, "bool", {"type": "boolean"}),
            (None, "None", {"type": "null"}),
            (type(None), "None", {"type": "null"}),
            (Any, "typing.Any", {}),
            (object, "object", {}),
            (
                dict[str, object],
                "Dict[str, object]",
                {"type": "object"},
            ),
            (
                list[int],
                "list[int]",
                {"type": "array", "items": {"type": "integer"}},
            ),
            (
                typing.List[int],
                "t.List[int]",
                {"type": "array", "items": {"type": "integer"}},
            ),
            (
                typing.Sequence[str],
                "Sequence[str]",
                {"type": "array", "items": {"type": "string"}},
            ),
            (
                collections.abc.Iterable[str],
                "collections.abc.Iterable[str]",
                {"type": "array", "items": {"type": "string"}},
            ),
            (list, "List", {"type": "array"}),
            (
                dict[str, int],
                "dict[str, int]",
                {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
            ),
            (
                typing.Mapping[str, Any],
                "Mapping[str, Any]",
                {"type": "object"},
            ),
            (typing.Dict, "dict", {"type": "object"}),
            (
                tuple[int, str],
                "Tuple[int, str]",
                {
                    "type": "array",
                    "prefixItems": [{"type": "integer"}, {"type": "string"}],
                    "minItems": 2,
                    "maxItems": 2,
                },
            ),
            (
                tuple[int, ...],
                "tuple[int, ...]",
                {"type": "array", "items": {"type": "integer"}},
            ),
            (tuple, "tuple", {"type": "array"}),
            (
                set[str],
                "Set[str]",
                {
                    "type": "array",
                    "items": {"type": "string"},
                    "uniqueItems": True,
                },
            ),
            (
                frozenset[int],
                "frozenset[int]",
                {
                    "type": "array",
                    "items": {"type": "integer"},
                    "uniqueItems": True,
                },
            ),
            (
                typing.Optional[int],
                "Optional[int]",
                {"type": ["integer", "null"]},
            ),
            (int | None, "int | None", {"type": ["integer", "null"]}),
            (
                typing.Union[int, str, None],
                "Union[int, Union[str, None]]",
                {"type": ["integer", "string", "null"]},
            ),
            (
                Literal["a", "b"],
                "Literal['a', 'b']",
                {"type": "string", "enum": ["a", "b"]},
            ),
            (
                Literal[-1],
                "typing.Literal[-1]",
                {"type": "integer", "const": -1},
            ),
            (
                Literal["a", None, True],
                "Literal['a', None, True]",
                {"enum": ["a", None, True]},
            ),
            (
                list["int"],
                "list['int']",
                {"type": "array", "items": {"type": "integer"}},
            ),
            (
                typing.List["Optional[str]"],
                "list[str | None]",
                {"type": "array", "items": {"type": ["string", "null"]}},
            ),
            (
                list[dict[str, list[int]]] | None,
                "Optional[List[Dict[str, List[int]]]]",
                {
                    "anyOf": [
                        {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "array",
                                    "items": {"type": "integer"},
                                },
                            },
                        },
                        {"type": "null"},
                    ]
                },
            ),
            (
                Literal["x"] | None,
                "Literal['x'] | None",
                {
                    "anyOf": [
                        {"type": "string", "const": "x"},
                        {"type": "null"},
                    ]
                },
            ),
        ],
    )
    def test_object_and_string_annotations_give_the_same_schema(
        self, annotation: object, text: str, schema: dict[str, object]
    ) -> None:
        """An annotation object and its string spelling give one schema."""

        assert schema == spec_from_annotation(annotation).schema()
        assert schema == spec_from_annotation(text).schema()


class TestRefusedAnnotations:
    @pytest.mark.parametrize(
        "source",
        [
            "__import__('pathlib').Path(MARKER).touch()",
            "list[__import__('pathlib').Path(MARKER).touch()]",
            "open(MARKER, 'w')",
            "int if __import__('pathlib').Path(MARKER).touch() else str",
            "[__import__('pathlib').Path(MARKER).touch()]",
            "Literal[__import__('pathlib').Path(MARKER).touch()]",
            "(lambda: __import__('pathlib').Path(MARKER).touch())()",
            "'__import__(\"pathlib\").Path(MARKER).touch()'",
            "f'{__import__(\"pathlib\").Path(MARKER).touch()}'",
            "int | __import__('pathlib').Path(MARKER).touch()",
            "dict[str, (x := __import__('pathlib').Path(MARKER).touch())]",
            "__import__('pathlib').Path(MARKER).touch().List[int]",
        ],
    )
    def test_hostile_strings_are_not_executed(
        self, tmp_path: Path, source: str
    ) -> None:
        """Code in a string annotation is parsed and refused, never run."""
        marker = tmp_path / "marker"
        text = source.replace("MARKER", json.dumps(str(marker)))

        with pytest.raises(TypeError, match="annotation"):
            spec_from_annotation(text)
        with pytest.raises(TypeError, match="parameter 'x'"):
            ToolSignature.from_function(with_annotation(text))
        with pytest.raises(TypeError, match="annotation"):
            spec_from_annotation(list[text])  # type: ignore[valid-type]

        assert not marker.exists()

    @pytest.mark.parametrize(
        ("annotation", "message"),
        [
            ("open", "'open' is not a supported type"),
            ("os.system", "'system' is not a supported type"),
            ("typing.Callable", "'Callable' is not a supported type"),
            ("int(", "is not a valid expression"),
            ("x" * 2000, "is too long"),
            ("list[" * 40 + "int" + "]" * 40, "nested too deeply"),
            ("bytes", "bytes is not JSON-compatible"),
            ("dict[int, str]", "JSON object keys are strings"),
            ("set[list[int]]", "set needs a hashable item type"),
            ("set", "set needs a hashable item type"),
            ("Optional", "Optional needs its types"),
            ("Optional[int, str]", "Optional needs its types"),
            ("list[int, str]", "list[...] takes one item type"),
            ("dict[str]", "dict[...] takes a key and a value type"),
            ("tuple[...]", "... is only allowed as tuple[X, ...]"),
            ("int[str]", "int takes no parameters"),
            ("Literal[1.5]", "Literal values must be str, int, bool or None"),
            ("Literal[int]", "Literal takes str, int, bool or None constants"),
            ("Literal[()]", "Literal needs at least one value"),
            ("1", "a Constant expression is not allowed"),
        ],
    )
    def test_refusal_messages(self, annotation: str, message: str) -> None:
        """Each refusal says what is wrong."""

        with pytest.raises(TypeError, match=re.escape(message)):
            spec_from_annotation(annotation)

    @pytest.mark.parametrize(
        ("annotation", "message"),
        [
            (bytes, "bytes is not JSON-compatible"),
            (typing.Callable[[], int], "unsupported annotation of type"),
            (type[int], "unsupported generic annotation"),
            (typing.List[typing.Callable[[], int]], "unsupported annotation"),
            (typing.Dict[int, str], "JSON object keys are strings"),
            (Literal[1.5], "Literal values must be str, int, bool or None"),
            (complex, "unsupported annotation of type type"),
            (set, "set needs a hashable"),
        ],
    )
    def test_refused_objects(self, annotation: object, message: str) -> None:
        """Annotation objects outside the table are refused."""

        with pytest.raises(TypeError, match=re.escape(message)):
            spec_from_annotation(annotation)


class TestPluginCodeIsNeverCalled:
    @pytest.fixture(autouse=True)
    def _clear_calls(self) -> None:
        CALLS.clear()

    @pytest.mark.parametrize(
        "annotation",
        [Hostile(), Hostile, list[Hostile()], typing.Union[int, Hostile]],  # type: ignore[misc]
    )
    def test_hostile_annotation(self, annotation: object) -> None:
        """An annotation object of plugin type is refused untouched."""
        CALLS.clear()

        with pytest.raises(TypeError, match="unsupported annotation"):
            spec_from_annotation(annotation)
        assert CALLS == []


class TestProperties:
    @given(pair=PAIRS)
    def test_strings_match_objects(self, pair: Pair) -> None:
        """Every generated annotation reads the same from its source text."""
        annotation, text = pair

        assert _canonical(spec_from_annotation(annotation)) == _canonical(
            spec_from_annotation(text)
        )


def _canonical(spec: TypeSpec) -> object:
    """
    Forget the order of union members and literal values.

    typing caches unions and literals by their set of arguments, so an
    annotation object may come back in the order of an earlier, equal one.
    """
    if isinstance(spec, UnionSpec):
        return frozenset(_canonical(member) for member in spec.members)
    if isinstance(spec, LiteralSpec):
        return frozenset((type(value), value) for value in spec.values)
    if isinstance(spec, ArraySpec):
        return spec.kind, _canonical(spec.item)
    if isinstance(spec, TupleSpec):
        return tuple(_canonical(item) for item in spec.items)
    if isinstance(spec, DictSpec):
        return "dict", _canonical(spec.value)
    return spec
