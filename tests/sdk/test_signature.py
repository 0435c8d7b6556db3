# ruff: noqa: PYI061, UP006, UP007, UP045 -- old spellings on purpose
"""
Tests for reading tool signatures and checking tool arguments and results.
"""

import collections.abc
import importlib.util
import json
import math
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Optional

import pytest
from acc_plugins.errors import ToolArgumentError
from acc_plugins.sdk._signature import (
    ParameterKind,
    ToolSignature,
    check_result,
    spec_from_annotation,
)
from acc_plugins.sdk._typespec import (
    AnySpec,
    ArraySpec,
    ConvertError,
    DictSpec,
    LiteralSpec,
    ScalarSpec,
    TupleSpec,
    TypeSpec,
    UnionSpec,
)
from hypothesis import given, settings
from hypothesis import strategies as st


class TextTools:
    def wrap(
        self,
        text: str,
        width: int = 72,
        *,
        mode: Literal["hard", "soft"] = "soft",
        tags: list[str] | None = None,
    ) -> str:
        """
        Wrap text to a width.

        Long lines are broken at spaces; this paragraph is not the summary.

        Args:
            text: The text to wrap.

            width (int): Column to
                wrap at.

        Returns:
            The wrapped text.
        """
        return text


WRAP = ToolSignature.from_function(TextTools.wrap)

WRAP_SCHEMA = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "The text to wrap."},
        "width": {
            "type": "integer",
            "description": "Column to wrap at.",
            "default": 72,
        },
        "mode": {
            "type": "string",
            "enum": ["hard", "soft"],
            "default": "soft",
        },
        "tags": {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "null"},
            ],
            "default": None,
        },
    },
    "required": ["text"],
    "additionalProperties": False,
}

# The same tool as a plugin writes it with postponed annotations.
STRING_PLUGIN = '''
from __future__ import annotations

import typing as t
from typing import Literal


class TextTools:
    def wrap(
        self,
        text: str,
        width: int = 72,
        *,
        mode: t.Literal["hard", "soft"] = "soft",
        tags: t.Optional[list[str]] = None,
    ) -> str:
        """
        Wrap text to a width.

        Args:
            text: The text to wrap.

            width (int): Column to
                wrap at.
        """
        return text
'''


def _with_annotation(annotation: object) -> Callable[..., object]:
    """
    Make a tool whose one parameter carries the given annotation.
    """

    def tool(self: object, x: object) -> None:
        pass

    tool.__annotations__ = {"x": annotation}
    return tool


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

    def test_tool_schema(self) -> None:
        """A tool's schema lists properties, required names and defaults."""

        assert WRAP.schema() == WRAP_SCHEMA

    def test_postponed_annotations_give_the_same_signature(
        self, tmp_path: Path
    ) -> None:
        """A plugin using postponed (string) annotations gets one schema."""
        path = tmp_path / "string_plugin.py"
        path.write_text(STRING_PLUGIN)
        spec = importlib.util.spec_from_file_location("string_plugin", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = module.TextTools.wrap

        signature = ToolSignature.from_function(function)

        assert function.__annotations__["tags"] == "t.Optional[list[str]]"
        assert signature.schema() == WRAP_SCHEMA
        assert WRAP.returns == signature.returns

    def test_schema_is_fresh(self) -> None:
        """Mutating a returned schema does not change the next one."""
        schema = WRAP.schema()
        properties = schema["properties"]
        assert isinstance(properties, dict)

        properties.clear()

        assert WRAP.schema() == WRAP_SCHEMA


class TestFromFunction:
    def test_parameters(self) -> None:
        """Parameters keep their order, kind, default and description."""

        assert [p.name for p in WRAP.parameters] == [
            "text",
            "width",
            "mode",
            "tags",
        ]
        assert [p.kind for p in WRAP.parameters] == [
            ParameterKind.POSITIONAL_OR_KEYWORD,
            ParameterKind.POSITIONAL_OR_KEYWORD,
            ParameterKind.KEYWORD_ONLY,
            ParameterKind.KEYWORD_ONLY,
        ]
        assert [p.required for p in WRAP.parameters] == [
            True,
            False,
            False,
            False,
        ]
        assert [p.default for p in WRAP.parameters] == [None, 72, "soft", None]
        assert WRAP.description == "Wrap text to a width."
        assert WRAP.parameters[1].description == "Column to wrap at."
        assert ScalarSpec("string") == WRAP.returns

    def test_without_skip_first(self) -> None:
        """With skip_first=False the first parameter is a real one."""

        def add(a: int, b: float = 1) -> float:
            """Add two numbers."""
            return a + b

        signature = ToolSignature.from_function(add, skip_first=False)

        assert [p.name for p in signature.parameters] == ["a", "b"]
        assert signature.bind({"a": 1}, target="t") == {"a": 1, "b": 1.0}
        assert signature.description == "Add two numbers."
        assert "test_without_skip_first.<locals>.add" in signature.name

    def test_missing_annotations_and_docstring(self) -> None:
        """Unannotated parameters take any JSON; no docstring, no text."""

        def tool(self, value, *, flag=False):
            return value

        signature = ToolSignature.from_function(tool)

        assert signature.schema() == {
            "type": "object",
            "properties": {"value": {}, "flag": {"default": False}},
            "required": ["value"],
            "additionalProperties": False,
        }
        assert signature.description == ""
        assert AnySpec() == signature.returns

    def test_docstring_sections(self) -> None:
        """Only Args-like sections describe parameters, summary wraps."""

        def tool(self: object, a: int, b: int, c: int) -> None:
            """
            Do a thing
            across two lines.
            Args:
                a: First.
                *b: Second,
                    continued.
            Returns:
                c: Not a parameter.
            Keyword Args:
                c (int, optional): Third.
            """

        signature = ToolSignature.from_function(tool)

        assert signature.description == "Do a thing across two lines."
        assert [p.description for p in signature.parameters] == [
            "First.",
            "Second, continued.",
            "Third.",
        ]

    def test_positional_only_self_is_fine(self) -> None:
        """A positional-only self is skipped like any other."""

        def tool(self: object, /, x: int) -> None:
            pass

        assert [
            p.name for p in ToolSignature.from_function(tool).parameters
        ] == ["x"]

    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ("def f(self, *items): pass", "f: *items is not supported"),
            ("def f(self, **options): pass", "f: **options is not supported"),
            (
                "def f(self, x, *a, y, **k): pass",
                "f: *a and **k are not supported",
            ),
            (
                "def f(self, a, /, b): pass",
                "f: positional-only parameter 'a' is not supported",
            ),
            ("def f(): pass", "f: expected a first parameter (self) to skip"),
        ],
    )
    def test_refused_signatures(self, source: str, message: str) -> None:
        """Tools take named JSON arguments; other signatures are refused."""
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 -- builds the signature under test

        with pytest.raises(TypeError, match=re.escape(message)):
            ToolSignature.from_function(namespace["f"])

    def test_not_a_function(self) -> None:
        """Only plain functions can be read."""

        with pytest.raises(TypeError, match="must be a plain function"):
            ToolSignature.from_function(len)

    @pytest.mark.parametrize(
        ("default", "annotation", "message"),
        [
            (object(), Any, "default: an object is not JSON-compatible"),
            ({1, 2}, Any, "default: a set is not JSON-compatible"),
            (math.nan, float, "default: nan is not JSON-compatible"),
            ("a", int, "default: expected integer, got string"),
            (None, list[str], "default: expected array, got null"),
            (True, int, "default: expected integer, got boolean"),
        ],
    )
    def test_bad_defaults(
        self, default: object, annotation: object, message: str
    ) -> None:
        """A default must be JSON and match its annotation."""
        tool = _with_annotation(annotation)
        tool.__defaults__ = (default,)

        with pytest.raises(
            TypeError, match=re.escape(f"parameter 'x': {message}")
        ):
            ToolSignature.from_function(tool)

    def test_good_defaults_are_converted(self) -> None:
        """A tuple default works for a tuple parameter; ints for floats."""

        def tool(
            self: object, pair: tuple[int, int] = (1, 2), x: float = 1
        ) -> None:
            pass

        signature = ToolSignature.from_function(tool)

        assert signature.bind({}, target="t") == {"pair": (1, 2), "x": 1.0}
        assert signature.parameters[0].default == [1, 2]

    def test_unsupported_annotation_names_the_parameter(self) -> None:
        """The error says which function and parameter it is about."""
        tool = _with_annotation(bytes)

        with pytest.raises(
            TypeError,
            match=r"tool: parameter 'x': bytes is not JSON-compatible; use str",
        ):
            ToolSignature.from_function(tool)

    def test_unsupported_return_annotation(self) -> None:
        """The return annotation is read like the others."""

        def tool(self: object) -> Callable[[], None]:
            raise NotImplementedError

        with pytest.raises(TypeError, match="return annotation: unsupported"):
            ToolSignature.from_function(tool)


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
            ToolSignature.from_function(_with_annotation(text))
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


# What plugin-defined code did while the host looked at it.
CALLS: list[str] = []


class _HostileMeta(type):
    def __eq__(cls, other: object) -> bool:
        CALLS.append("meta __eq__")
        return True

    def __hash__(cls) -> int:
        CALLS.append("meta __hash__")
        return 0

    def __repr__(cls) -> str:
        CALLS.append("meta __repr__")
        return "Hostile"

    def __instancecheck__(cls, instance: object) -> bool:
        CALLS.append("meta __instancecheck__")
        return True

    def __subclasscheck__(cls, subclass: type) -> bool:
        CALLS.append("meta __subclasscheck__")
        return True


class Hostile(metaclass=_HostileMeta):
    """
    A plugin object that records every hook the host might trigger.
    """

    def __eq__(self, other: object) -> bool:
        CALLS.append("__eq__")
        return True

    def __hash__(self) -> int:
        CALLS.append("__hash__")
        return 0

    def __repr__(self) -> str:
        CALLS.append("__repr__")
        return "Hostile()"

    def __str__(self) -> str:
        CALLS.append("__str__")
        return "Hostile"

    def __format__(self, spec: str) -> str:
        CALLS.append("__format__")
        return "Hostile"

    def __iter__(self) -> typing.Iterator[object]:
        CALLS.append("__iter__")
        return iter(())

    def __len__(self) -> int:
        CALLS.append("__len__")
        return 0

    def __getattr__(self, name: str) -> object:
        CALLS.append(f"__getattr__ {name}")
        raise AttributeError(name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        CALLS.append("__class__")
        return int


class EvilStr(str):
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        CALLS.append("str __eq__")
        return True

    def __hash__(self) -> int:
        CALLS.append("str __hash__")
        return str.__hash__(self)

    def __str__(self) -> str:
        CALLS.append("str __str__")
        return "evil"

    def __format__(self, spec: str) -> str:
        CALLS.append("str __format__")
        return "evil"

    def isidentifier(self) -> bool:
        CALLS.append("str isidentifier")
        return True


class EvilDict(dict[str, object]):
    def items(self) -> typing.Any:
        CALLS.append("dict items")
        return super().items()

    def __iter__(self) -> typing.Iterator[str]:
        CALLS.append("dict __iter__")
        return super().__iter__()


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

    def test_hostile_literal_and_default_and_docstring(self) -> None:
        """Literal values, defaults and docstrings are read by type only."""
        literal = Literal[EvilStr("a")]  # type: ignore[valid-type]
        tool = _with_annotation(Any)
        tool.__defaults__ = (Hostile(),)
        tool.__doc__ = EvilStr("Summary.")
        other = _with_annotation(int)
        other.__doc__ = EvilStr("Summary.")
        CALLS.clear()

        with pytest.raises(TypeError, match="got string subclass"):
            spec_from_annotation(literal)
        with pytest.raises(TypeError, match="default: a Hostile is not"):
            ToolSignature.from_function(tool)
        assert ToolSignature.from_function(other).description == ""
        assert CALLS == []

    def test_hostile_annotations_dict(self) -> None:
        """An __annotations__ dict subclass is refused without calling it."""
        tool = _with_annotation(int)
        tool.__annotations__ = EvilDict(x=int)
        CALLS.clear()

        with pytest.raises(TypeError, match="expected a dict"):
            ToolSignature.from_function(tool)
        assert CALLS == []

    def test_hostile_arguments(self) -> None:
        """Hostile argument names and values are refused untouched."""
        arguments = {EvilStr("text"): "a", "width": EvilStr("3")}
        values = EvilDict(text=Hostile(), tags=[Hostile()])
        CALLS.clear()

        with pytest.raises(ToolArgumentError) as names:
            WRAP.bind(arguments, target="t")
        with pytest.raises(ToolArgumentError) as wrong:
            WRAP.bind(values, target="t")

        assert names.value.problems == [
            "argument names must be strings, got string subclass",
            "argument 'text': required",
            "argument 'width': expected integer, got string subclass",
        ]
        assert wrong.value.problems == [
            "argument 'text': expected string, got Hostile",
            "argument 'tags': expected string, got Hostile @ $[0]",
        ]
        assert CALLS == []

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
            "t.x: result: a Hostile is not JSON-compatible",
            "t.x: result[1].a[0]: a Hostile is not JSON-compatible",
            "t.x: result: object keys must be strings, got string subclass",
            "t.x: result.k: a string subclass is not JSON-compatible",
            "t.x: result: object keys must be strings, got Hostile",
            "t.x: result: an unnamed class is not JSON-compatible",
        ]
        assert CALLS == []


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


class TestBind:
    def test_all_problems_are_reported_together(self) -> None:
        """Missing, unknown and wrong arguments are all listed at once."""

        with pytest.raises(ToolArgumentError) as info:
            WRAP.bind(
                {"txt": "hi", "width": "80", "mode": "wide", "tags": ["a", 2]},
                target="text.wrap",
            )

        assert info.value.target == "text.wrap"
        assert info.value.problems == [
            "argument 'text': required",
            "argument 'width': expected integer, got string",
            'argument \'mode\': expected one of "hard", "soft", got "wide"',
            "argument 'tags': expected string, got integer @ $[1]",
            "argument 'txt': unknown; did you mean 'text'?",
        ]
        assert str(info.value).startswith("text.wrap: argument 'text'")

    def test_unknown_without_a_close_match(self) -> None:
        """An unknown argument with no near name lists the real ones."""

        def none(self: object) -> None:
            pass

        with pytest.raises(ToolArgumentError) as info:
            WRAP.bind({"text": "a", "zzz": 1}, target="t")
        with pytest.raises(ToolArgumentError) as empty:
            ToolSignature.from_function(none).bind({"a": 1}, target="t")

        assert info.value.problems == [
            "argument 'zzz': unknown; expected 'text', 'width', 'mode', 'tags'"
        ]
        assert empty.value.problems == [
            "argument 'a': unknown; this takes no arguments"
        ]

    def test_defaults_are_filled_in_fresh(self) -> None:
        """Mutating a default a call received does not change the next call."""

        def tool(
            self: object,
            tags: list[str] = ["a"],  # noqa: B006 -- the point of the test
            options: dict[str, list[int]] = {"n": [1]},  # noqa: B006
        ) -> None:
            pass

        signature = ToolSignature.from_function(tool)

        first = signature.bind({}, target="t")
        first["tags"].append("b")  # type: ignore[attr-defined]
        first["options"]["n"].append(2)  # type: ignore[index]
        second = signature.bind({}, target="t")

        assert second == {"tags": ["a"], "options": {"n": [1]}}
        assert signature.parameters[0].default == ["a"]
        assert tool.__defaults__ == (["a"], {"n": [1]})

    def test_values_are_copied(self) -> None:
        """The tool never receives the caller's own lists or dicts."""
        tags = ["a"]

        bound = WRAP.bind({"text": "x", "tags": tags}, target="t")

        assert tags == bound["tags"]
        assert tags is not bound["tags"]

    def test_bool_is_not_an_int_and_str_subclass_is_not_a_str(self) -> None:
        """Exact types only: True is no integer, a str subclass no string."""

        with pytest.raises(ToolArgumentError) as info:
            WRAP.bind({"text": EvilStr("x"), "width": True}, target="t")

        assert info.value.problems == [
            "argument 'text': expected string, got string subclass",
            "argument 'width': expected integer, got boolean",
        ]

    def test_any_mapping_is_accepted(self) -> None:
        """Arguments may come in any mapping, not only a dict."""
        arguments = types.MappingProxyType({"text": "x", "width": 3})

        assert WRAP.bind(arguments, target="t") == {
            "text": "x",
            "width": 3,
            "mode": "soft",
            "tags": None,
        }

    def test_tool_argument_error_is_a_type_error(self) -> None:
        """Callers may catch the error as a TypeError."""

        with pytest.raises(TypeError):
            WRAP.bind({}, target="t")


class Kinds:
    def run(
        self,
        *,
        n: int = 0,
        x: float = 0.0,
        flag: bool = False,
        nothing: None = None,
        s: str = "",
        items: list[int] = [],  # noqa: B006 -- defaults are copied
        options: dict[str, int] = {},  # noqa: B006 -- defaults are copied
        mode: Literal["a", 1] = "a",
        maybe: int | None = None,
        anything: Any = None,
        pair: tuple[int, str] = (0, ""),
    ) -> None:
        """Take one of each kind."""


KINDS = ToolSignature.from_function(Kinds.run)


class TestCoerceText:
    @pytest.mark.parametrize(
        ("name", "text", "expected"),
        [
            ("n", "42", 42),
            ("n", "-7", -7),
            ("x", "1.5", 1.5),
            ("x", "3", 3.0),
            ("flag", "yes", True),
            ("flag", "FALSE", False),
            ("flag", "1", True),
            ("flag", "no", False),
            ("nothing", "null", None),
            ("s", "42", "42"),
            ("s", "null", "null"),
            ("items", "[1, 2]", [1, 2]),
            ("options", '{"a": 1}', {"a": 1}),
            ("mode", "a", "a"),
            ("mode", "1", 1),
            ("maybe", "null", None),
            ("maybe", "5", 5),
            ("anything", "[1, true]", [1, True]),
            ("anything", "bob", "bob"),
            ("pair", '[1, "a"]', (1, "a")),
        ],
    )
    def test_text_is_converted_by_type(
        self, name: str, text: str, expected: object
    ) -> None:
        """Each schema type decodes its command-line text."""
        bound = KINDS.coerce_text({name: text}, target="t")

        assert expected == bound[name]
        assert type(expected) is type(bound[name])

    @pytest.mark.parametrize(
        ("name", "text", "message"),
        [
            ("n", "4.5", 'expected integer, got "4.5"'),
            ("x", "many", 'expected number, got "many"'),
            ("x", "nan", "expected finite number, got nan"),
            ("flag", "maybe", 'expected boolean, got "maybe"'),
            ("nothing", "nil", 'expected null, got "nil"'),
            ("items", "1,2", 'expected array as JSON, got "1,2"'),
            ("items", '["a"]', "expected integer, got string @ $[0]"),
            ("mode", "b", 'expected one of "a", 1, got "b"'),
            ("maybe", "x", 'expected integer or null, got "x"'),
            ("pair", "[1]", "expected array of 2 items, got 1 items"),
        ],
    )
    def test_bad_text(self, name: str, text: str, message: str) -> None:
        """Text that cannot mean the type is reported per argument."""

        with pytest.raises(ToolArgumentError) as info:
            KINDS.coerce_text({name: text}, target="t")

        assert [f"argument '{name}': {message}"] == info.value.problems

    def test_all_problems_together(self) -> None:
        """Decoding problems join the unknown and missing ones."""

        with pytest.raises(ToolArgumentError) as info:
            WRAP.coerce_text({"width": "wide", "mdoe": "hard"}, target="t")

        assert info.value.problems == [
            "argument 'width': expected integer, got \"wide\"",
            "argument 'text': required",
            "argument 'mdoe': unknown; did you mean 'mode'?",
        ]


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
        """The message names the path to the first offending value."""
        value = [0, 1, {"name": {1}, "ok": 1}]

        with pytest.raises(
            ValueError,
            match=re.escape("t: result[2].name: a set is not JSON-compatible"),
        ):
            check_result(value, target="t")

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
            match=re.escape("t: result.a[1]: contains itself (a cycle)"),
        ):
            check_result(value, target="t")

    def test_exponential_sharing_is_bounded(self) -> None:
        """A small value that expands hugely is stopped by max_items."""
        value: list[object] = []
        for _ in range(60):
            value = [value, value]

        with pytest.raises(ValueError, match="more than 10000 values"):
            check_result(value, target="t", max_items=10_000)


# Hypothesis: generated annotations and values.

# Pairs of an annotation object and its source text.
_Pair = tuple[Any, str]
_LITERALS: st.SearchStrategy[_Pair] = (
    st.lists(
        st.one_of(
            st.text(max_size=3), st.integers(-3, 3), st.booleans(), st.none()
        ),
        min_size=1,
        max_size=3,
    )
    # typing caches literals and unions by value set, ignoring order, so
    # one canonical order keeps object and text alike.
    .map(lambda values: _of(Literal, *sorted(values, key=repr)))
    .map(
        lambda literal: (
            literal,
            f"Literal[{', '.join(map(repr, typing.get_args(literal)))}]",
        )
    )
)
_HASHABLE: st.SearchStrategy[_Pair] = st.one_of(
    st.sampled_from(
        [(int, "int"), (float, "float"), (str, "str"), (bool, "bool")]
    ),
    st.just((None, "None")),
    _LITERALS,
)
_BASE = st.one_of(_HASHABLE, st.just((Any, "Any")))


def _of(origin: Any, *args: object) -> Any:
    """
    Subscript a generic at run time: ``_of(list, int)`` is ``list[int]``.
    """
    return origin[args if len(args) > 1 else args[0]]


def _extend(
    children: st.SearchStrategy[_Pair],
) -> st.SearchStrategy[_Pair]:
    two = st.tuples(children, children)
    return st.one_of(
        children.map(lambda a: (_of(list, a[0]), f"list[{a[1]}]")),
        children.map(lambda a: (_of(dict, str, a[0]), f"Dict[str, {a[1]}]")),
        children.map(lambda a: (_of(tuple, a[0], ...), f"tuple[{a[1]}, ...]")),
        two.map(
            lambda p: (
                _of(tuple, p[0][0], p[1][0]),
                f"Tuple[{p[0][1]}, {p[1][1]}]",
            )
        ),
        two.map(
            lambda p: (
                _of(typing.Union, p[0][0], p[1][0]),
                f"{p[0][1]} | {p[1][1]}",
            )
        ),
        children.map(
            lambda a: (_of(typing.Optional, a[0]), f"t.Optional[{a[1]}]")
        ),
        _HASHABLE.map(lambda a: (_of(set, a[0]), f"set[{a[1]}]")),
        _HASHABLE.map(lambda a: (_of(frozenset, a[0]), f"frozenset[{a[1]}]")),
    )


PAIRS = st.recursive(_BASE, _extend, max_leaves=6)
ANNOTATIONS = PAIRS.map(lambda pair: pair[0])

_SCALAR_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**53), 2**53),
    st.floats(),
    st.text(max_size=5),
    st.builds(EvilStr, st.text(max_size=3)),
    st.binary(max_size=3),
    st.builds(object),
)
# Anything a caller or plugin might hand over, JSON or not.
WILD_VALUES = st.recursive(
    _SCALAR_VALUES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=3), children, max_size=3),
        st.dictionaries(st.integers(), children, max_size=2),
        st.frozensets(st.integers(), max_size=3),
        st.sets(st.text(max_size=2), max_size=3),
    ),
    max_leaves=10,
)
_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=3), children, max_size=3),
    ),
    max_leaves=10,
)
_SCALAR_STRATEGIES: dict[str, st.SearchStrategy[object]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "number": st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(2**53), 2**53),
    ),
    "string": st.text(max_size=5),
}


def _values_for(spec: TypeSpec) -> st.SearchStrategy[object]:
    """
    Generate values that the spec accepts.

    Members and values are sorted: typing's caches may hand back an equal
    annotation in another order, and the strategy must not change with it.
    """
    if isinstance(spec, ScalarSpec):
        return _SCALAR_STRATEGIES[spec.kind]
    if isinstance(spec, LiteralSpec):
        return st.sampled_from(sorted(spec.values, key=repr))
    if isinstance(spec, UnionSpec):
        members = sorted(spec.members, key=repr)
        return st.one_of([_values_for(member) for member in members])
    if isinstance(spec, ArraySpec):
        # Items equal in Python (1, 1.0, True) would collapse in a set.
        unique = spec.kind in {"set", "frozenset"}
        items = st.lists(_values_for(spec.item), max_size=3, unique=unique)
        return st.one_of(items, items.map(tuple))
    if isinstance(spec, TupleSpec):
        fixed = st.tuples(*(_values_for(item) for item in spec.items))
        return st.one_of(fixed, fixed.map(list))
    if isinstance(spec, DictSpec):
        return st.dictionaries(
            st.text(max_size=3), _values_for(spec.value), max_size=3
        )
    return _JSON


def _same(given: object, converted: object) -> bool:
    """
    Whether a converted value equals the input, modulo tuple/set and float.
    """
    if type(converted) in {set, frozenset}:
        items = list(given)  # type: ignore[call-overload]
        return len(items) == len(converted) and all(  # type: ignore[arg-type]
            any(_same(item, c) for c in converted)  # type: ignore[attr-defined]
            for item in items
        )
    if type(converted) in {list, tuple}:
        return (
            type(given) in {list, tuple}
            and len(given) == len(converted)  # type: ignore[arg-type]
            and all(
                _same(a, b)
                for a, b in zip(given, converted, strict=True)  # type: ignore[call-overload]
            )
        )
    if type(converted) is dict:
        return (
            type(given) is dict
            and given.keys() == converted.keys()
            and all(_same(given[k], converted[k]) for k in given)
        )
    if type(converted) is float and type(given) is int:
        return float(given) == converted
    return type(given) is type(converted) and given == converted


def _containers(value: object) -> set[int]:
    """
    Collect the ids of every list and dict inside a value.
    """
    found: set[int] = set()
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) in {list, dict}:
            found.add(id(item))
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) in {list, tuple, set, frozenset}:
            stack.extend(item)
    return found


class TestProperties:
    @settings(deadline=None)
    @given(annotation=ANNOTATIONS, data=st.data())
    def test_convert_copies_or_raises_value_error(
        self, annotation: object, data: st.DataObject
    ) -> None:
        """convert returns an equal fresh copy or raises ValueError."""
        spec = spec_from_annotation(annotation)
        value = data.draw(st.one_of(_values_for(spec), WILD_VALUES))

        try:
            converted = spec.convert(value)
        except ValueError:
            return

        assert _same(value, converted)
        assert not _containers(value) & _containers(converted)

    @settings(deadline=None)
    @given(annotation=ANNOTATIONS, data=st.data())
    def test_valid_values_are_accepted(
        self, annotation: object, data: st.DataObject
    ) -> None:
        """A value generated from the spec always passes."""
        spec = spec_from_annotation(annotation)
        value = data.draw(_values_for(spec))

        converted = spec.convert(value)

        assert _same(value, converted)
        assert json.dumps(check_result(value, target="t"), allow_nan=False)

    @given(pair=PAIRS)
    def test_strings_match_objects(self, pair: _Pair) -> None:
        """Every generated annotation reads the same from its source text."""
        annotation, text = pair

        assert _canonical(spec_from_annotation(annotation)) == _canonical(
            spec_from_annotation(text)
        )

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

        assert _same(value, result)
        assert not _containers(value) & _containers(result)
        assert json.loads(json.dumps(result, allow_nan=False)) == result


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
