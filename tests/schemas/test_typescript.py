"""
The JSON Schema to TypeScript emitter: names, keys, literals and comments
are valid whatever the text, and each construct of the subset becomes
the type it means.  (``test_tsc.py`` compiles the output.)
"""

import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.schemas._jsonschemas import SCHEMAS

from acc_plugins.schemas import typescript
from acc_plugins.schemas._tstext import (
    _RESERVED,
    IDENTIFIER,
    doc_comment,
    literal,
    property_key,
    type_name,
)


# The tokens of the declarations the emitter writes.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
    | (?P<punctuation>\.\.\.|[{}()\[\]<>|&;:?,=])
    """,
    re.VERBOSE | re.DOTALL,
)
_PAIRS = {"}": "{", "]": "[", ")": "(", ">": "<"}


def _tokens(text: str) -> list[str]:
    """
    The tokens of *text*, failing on anything that is not one.
    """
    found, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        assert match, f"no token at {text[at : at + 40]!r}"
        if match.lastgroup not in {"space", "comment"}:
            found.append(match.group())
        at = match.end()
    return found


def _balanced(tokens: list[str]) -> bool:
    stack: list[str] = []
    for token in tokens:
        if token in _PAIRS.values():
            stack.append(token)
        elif token in _PAIRS and (not stack or stack.pop() != _PAIRS[token]):
            return False
    return not stack


@given(st.text())
def test_any_text_gives_a_valid_type_name(text):
    """A type name is an identifier and never a reserved word."""
    name = type_name(text)

    assert IDENTIFIER.fullmatch(name)
    assert name not in _RESERVED


@given(st.text())
def test_any_property_name_is_written_so_it_reads_back(name):
    """A key is bare when it may be, else a quoted ASCII string."""
    key = property_key(name)

    if key == name:
        assert IDENTIFIER.fullmatch(name)
    else:
        assert key.isascii()
        assert json.loads(key) == name


@given(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
def test_a_literal_type_reads_back_as_its_value(value):
    """Literal types are JSON: they read back as the same value."""
    assert json.loads(literal(value)) == value


@pytest.mark.parametrize("value", [math.inf, math.nan, [1], {"a": 1}, b"x"])
def test_a_value_without_a_literal_type_is_refused(value):
    """Infinities, NaN and containers have no literal type."""
    with pytest.raises(TypeError, match="no TypeScript literal type"):
        literal(value)


@given(st.lists(st.text()))
def test_a_doc_comment_cannot_be_ended_by_its_text(lines):
    """Whatever the text says, the comment ends only where it should."""
    comment = doc_comment(lines, "  ")

    if comment:
        assert comment.startswith("  /**\n")
        assert comment.endswith("  */\n")
        assert "*/" not in comment[: -len("*/\n")]
        comment.encode("utf-8")  # no lone surrogates left


@given(SCHEMAS, st.text(max_size=8))
def test_any_schema_of_the_subset_gives_well_formed_declarations(pair, name):
    """The declarations tokenize and their brackets balance."""
    text = typescript({name: pair[0]})
    tokens = _tokens(text)

    assert _balanced(tokens)
    assert f"export type {type_name(name)} =" in text or (
        f"export interface {type_name(name)} {{" in text
    )


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": ["string", "null"]}, "string | null"),
        ({"type": "integer"}, "number"),
        ({}, "JsonValue"),
        ({"type": "array", "items": False}, "never[]"),
        ({"const": 'say "hi"'}, '"say \\"hi\\""'),
        ({"enum": [1, True, None]}, "1 | true | null"),
        ({"type": "array", "items": {"type": "string"}}, "string[]"),
        ({"type": "array", "items": {"enum": ["a", "b"]}}, 'Array<"a" | "b">'),
        (
            {
                "type": "array",
                "prefixItems": [{"type": "string"}],
                "maxItems": 1,
            },
            "[string]",
        ),
        (
            {"type": "array", "prefixItems": [{"type": "boolean"}]},
            "[boolean, ...JsonValue[]]",
        ),
        ({"anyOf": [{"type": "string"}, {}]}, "JsonValue"),
        (
            {"type": "object", "additionalProperties": {"type": "number"}},
            "{\n  [key: string]: number;\n}",
        ),
        (
            {"type": "object", "additionalProperties": False},
            "Record<string, never>",
        ),
        (
            {"type": "string", "allOf": [{"if": {}, "then": {}}]},
            "string",
        ),
        ({"$ref": "#"}, "T"),
        (
            {"type": "string", "allOf": [{"enum": ["a", "b"]}]},
            'string & ("a" | "b")',
        ),
        (
            {"anyOf": [{"enum": [f"long value {n}" for n in range(4)]}, {}]},
            "JsonValue",
        ),
        (
            {
                "anyOf": [
                    {"enum": [f"long value {n}" for n in range(4)]},
                    {"type": "null"},
                ]
            },
            (
                '\n  | (\n    | "long value 0"\n    | "long value 1"\n'
                '    | "long value 2"\n    | "long value 3"\n  )\n  | null'
            ),
        ),
    ],
)
def test_each_construct_becomes_its_type(schema, expected):
    """One line per construct of the subset."""
    text = typescript({"T": schema})

    space = "" if expected.startswith("\n") else " "
    assert f"export type T ={space}{expected};\n" in text


def test_an_object_becomes_an_interface_with_quoted_keys_and_docs():
    """Optional keys get ?, odd keys quotes, descriptions doc comments."""
    schema = {
        "type": "object",
        "properties": {
            "timeout-ms": {
                "type": "integer",
                "default": 5,
                "description": "*/ x",
            },
            "name": {"type": "string"},
        },
        "required": ["name"],
        "additionalProperties": False,
    }

    text = typescript({"Limits": schema})

    assert text.endswith(
        "export interface Limits {\n"
        "  /**\n"
        "   * *\\/ x\n"
        "   * @default 5\n"
        "   */\n"
        '  "timeout-ms"?: number;\n'
        "  name: string;\n"
        "}\n"
    )


def test_documents_share_equal_definitions_and_rename_clashing_ones():
    """An equal $defs entry is declared once; a different one renamed."""
    one = {"$ref": "#/$defs/Item", "$defs": {"Item": {"type": "string"}}}
    same = {"$ref": "#/$defs/Item", "$defs": {"Item": {"type": "string"}}}
    other = {"$ref": "#/$defs/Item", "$defs": {"Item": {"type": "number"}}}

    text = typescript({"One": one, "Same": same, "Other": other})

    assert text.count("export type Item = string;") == 1
    assert "export type Same = Item;" in text
    assert "export type Item_2 = number;" in text
    assert "export type Other = Item_2;" in text


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"not": {}}, r"no TypeScript for the keywords \['not'\]"),
        ({"$ref": "#/$defs/Nowhere"}, "cannot resolve"),
        ({"type": "text"}, "unknown JSON type"),
        ({"type": "array", "items": 3}, "must be an object or a boolean"),
    ],
)
def test_a_schema_outside_the_subset_is_refused(schema, message):
    """A construct the emitter does not know is an error, not a guess."""
    with pytest.raises((ValueError, TypeError), match=message):
        typescript({"T": schema})


def _rule(value, then):
    return {
        "if": {"properties": {"kind": {"const": value}}, "required": ["kind"]},
        "then": then,
    }


_SETTING = {
    "type": "object",
    "properties": {
        "kind": {"enum": ["n", "s", "x"], "description": "Which."},
        "default": {"anyOf": [{"type": "number"}, {"type": "string"}]},
        "choices": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["kind"],
    "additionalProperties": False,
    "allOf": [
        _rule("n", {"properties": {"default": {"type": "number"}}}),
        _rule("s", {"required": ["choices"]}),
        _rule("x", {"properties": {"default": False}}),
    ],
}


def test_rules_keyed_on_one_value_become_a_discriminated_union():
    """Each value of the tested property is a variant with its rules."""
    text = typescript({"Setting": _SETTING})

    assert "export type Setting =\n  | {\n" in text
    assert '    kind: "n";\n    default?: number;\n' in text
    assert '    kind: "s";\n' in text
    assert "    choices: string[];\n" in text
    assert '    kind: "x";\n    choices?: string[];\n  };\n' in text


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["allOf"][0].update({"else": {}}),
        lambda s: s["allOf"][1]["if"]["properties"].update(other={"const": 1}),
        lambda s: s["properties"]["kind"].pop("enum"),
    ],
    ids=["else", "two-properties", "no-enum"],
)
def test_rules_of_another_form_are_left_out_of_the_types(change):
    """The object stays one interface, the rules unsaid, as before."""
    schema = json.loads(json.dumps(_SETTING))
    change(schema)

    text = typescript({"Setting": schema})

    assert "export interface Setting {" in text
    assert "default?: number | string;" in text
