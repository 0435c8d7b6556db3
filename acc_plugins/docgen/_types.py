"""
A JSON Schema in words, for a reader rather than a validator:
``{"type": "array", "items": {"type": "string"}}`` is "array of string".
"""

from __future__ import annotations

import json
from typing import Any, Final


_MAX_DEPTH: Final = 8


def in_words(schema: Any, depth: int = 0) -> str:
    """
    What values *schema* (as the SDK builds it) accepts, in words.
    """
    if not isinstance(schema, dict) or not schema or depth > _MAX_DEPTH:
        return "any JSON value"
    deeper = depth + 1
    if "enum" in schema and isinstance(schema["enum"], list):
        shown = ", ".join(
            json.dumps(v, ensure_ascii=False) for v in schema["enum"]
        )
        return f"one of {shown}"
    if isinstance(schema.get("anyOf"), list):
        return " or ".join(
            in_words(option, deeper) for option in schema["anyOf"]
        )
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(
            in_words({**schema, "type": item}, deeper) for item in kind
        )
    if kind == "array":
        if isinstance(schema.get("prefixItems"), list):
            items = ", ".join(
                in_words(item, deeper) for item in schema["prefixItems"]
            )
            return f"array of [{items}]"
        unique = " (no repeats)" if schema.get("uniqueItems") else ""
        item = schema.get("items")
        if not item:
            return f"array{unique}"
        return f"array of {in_words(item, deeper)}{unique}"
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:
            return f"object of {in_words(values, deeper)}"
        return "object"
    return str(kind) if kind else "any JSON value"
