"""
The text of TypeScript declarations: type names, property keys, literal
types and doc comments, each safe whatever the JSON Schema says.
"""

from __future__ import annotations

import json
import math
import re
from typing import Final


JSON_VALUE: Final = "JsonValue"
IDENTIFIER: Final = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# Words a type alias or interface may not be called.
_RESERVED: Final = frozenset(
    {
        "any",
        "bigint",
        "boolean",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "never",
        "new",
        "null",
        "number",
        "object",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "string",
        "super",
        "switch",
        "symbol",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "undefined",
        "unknown",
        "var",
        "void",
        "while",
        "with",
        "yield",
        JSON_VALUE,
    }
)


def type_name(text: str) -> str:
    """
    A valid TypeScript type name for *text*: other characters become
    ``_``, a leading digit or a reserved word gains one.
    """
    name = re.sub(r"[^A-Za-z0-9_$]+", "_", text) or "_"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if name in _RESERVED else name


def property_key(name: str) -> str:
    """
    *name* as a property key: bare when it is an identifier, else quoted.
    """
    if IDENTIFIER.fullmatch(name):
        return name
    return json.dumps(name)  # ASCII only: every escape is valid TypeScript


def literal(value: object) -> str:
    """
    The literal type of a JSON scalar.

    Raises:
        TypeError: For a value that is not a finite JSON scalar.
    """
    if value is None or type(value) is bool:
        return json.dumps(value)
    if type(value) is str:
        return json.dumps(value)
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    msg = f"no TypeScript literal type for {value!r}"
    raise TypeError(msg)


def doc_comment(lines: list[str], indent: str) -> str:
    """
    A ``/** ... */`` comment of *lines*, or nothing if there are none.
    """
    text: list[str] = []
    for line in lines:
        # Lone surrogates cannot be written as UTF-8; "*/" ends a comment.
        safe = line.encode("utf-8", "backslashreplace").decode("utf-8")
        text += safe.replace("*/", "*\\/").splitlines() or [""]
    if not text:
        return ""
    body = "".join(f"{indent} * {line}".rstrip() + "\n" for line in text)
    return f"{indent}/**\n{body}{indent} */\n"


def array_of(item: str) -> str:
    return f"{item}[]" if IDENTIFIER.fullmatch(item) else f"Array<{item}>"
