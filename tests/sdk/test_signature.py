"""
Tests for reading tool signatures and checking tool arguments.
"""

import importlib.util
import math
import re
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from tests.sdk.plugin_code import (
    CALLS,
    EvilDict,
    EvilStr,
    Hostile,
    with_annotation,
)

from acc_plugins.errors import ToolArgumentError
from acc_plugins.sdk import (
    _annotations,
    _json,
    _signature,
    _specbase,
    _typespec,
)
from acc_plugins.sdk._signature import (
    ParameterKind,
    ToolSignature,
    spec_from_annotation,
)
from acc_plugins.sdk._typespec import AnySpec, ScalarSpec


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


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (
            _signature,
            {
                "Parameter",
                "ParameterKind",
                "ToolSignature",
                "TypeSpec",
                "check_result",
                "spec_from_annotation",
            },
        ),
        (
            _typespec,
            {
                "AnySpec",
                "ArraySpec",
                "ConvertError",
                "DictSpec",
                "LiteralSpec",
                "ScalarSpec",
                "TupleSpec",
                "TypeSpec",
                "UnionSpec",
                "to_json",
            },
        ),
    ],
)
def test_names_other_code_imports(
    module: types.ModuleType, names: set[str]
) -> None:
    """The names other modules import stay exported where they were."""

    assert names <= set(module.__all__)
    assert all(hasattr(module, name) for name in names)


def test_moved_names_are_still_exported() -> None:
    """Names that moved to smaller modules still import from the old ones."""

    assert _signature.TypeSpec is _specbase.TypeSpec
    assert _signature.check_result is _json.check_result
    assert _signature.spec_from_annotation is _annotations.spec_from_annotation
    assert _typespec.TypeSpec is _specbase.TypeSpec
    assert _typespec.ConvertError is _json.ConvertError
    assert _typespec.to_json is _json.to_json


class TestSchema:
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
        tool = with_annotation(annotation)
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
        tool = with_annotation(bytes)

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


class TestPluginCodeIsNeverCalled:
    @pytest.fixture(autouse=True)
    def _clear_calls(self) -> None:
        CALLS.clear()

    def test_hostile_literal_and_default_and_docstring(self) -> None:
        """Literal values, defaults and docstrings are read by type only."""
        literal = Literal[EvilStr("a")]  # type: ignore[valid-type]
        tool = with_annotation(Any)
        tool.__defaults__ = (Hostile(),)
        tool.__doc__ = EvilStr("Summary.")
        other = with_annotation(int)
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
        tool = with_annotation(int)
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
