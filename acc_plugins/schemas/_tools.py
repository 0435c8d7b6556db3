"""
The JSON Schema of a tool as ``PluginHost.tools()`` describes it, with the
subset of JSON Schema the SDK writes for a tool's arguments.

The subset is what ``TypeSpec.schema`` and ``ToolSignature.schema`` can
produce, and nothing more (``additionalProperties: false`` throughout):
``tests/schemas`` checks the schemas of arbitrary annotations against it,
so a keyword the SDK starts to write fails there until it is added here.
"""

from __future__ import annotations

import typing
from typing import Any, Final

from acc_plugins.host.core._record import ToolInfo
from acc_plugins.sdk._typespec import ScalarKind

from ._models import ModelSchemas


_SCHEMA: Final = {"$ref": "#/$defs/JsonSchema"}
_SCHEMAS: Final = {"type": "array", "items": _SCHEMA}
_COUNT: Final = {"type": "integer", "minimum": 0}


def _json_types() -> dict[str, Any]:
    kinds = [*typing.get_args(ScalarKind), "array", "object"]
    return {
        "description": "A JSON type, as JSON Schema names it.",
        "enum": kinds,
    }


def _json_schema() -> dict[str, Any]:
    kind = {"$ref": "#/$defs/JsonType"}
    return {
        "type": "object",
        "description": (
            "The JSON Schema of one tool argument: the subset the SDK "
            "writes from the argument's annotation, default and docstring."
        ),
        "properties": {
            "type": {"anyOf": [kind, {"type": "array", "items": kind}]},
            "const": {"description": "The one value allowed."},
            "enum": {
                "type": "array",
                "items": {},
                "description": "The values allowed.",
            },
            "anyOf": _SCHEMAS,
            "items": _SCHEMA,
            "prefixItems": _SCHEMAS,
            "minItems": _COUNT,
            "maxItems": _COUNT,
            "uniqueItems": {"type": "boolean"},
            "additionalProperties": _SCHEMA,
            "description": {"type": "string"},
            "default": {"description": "The value used when it is left out."},
        },
        "additionalProperties": False,
    }


def _parameters() -> dict[str, Any]:
    return {
        "type": "object",
        "description": (
            "The JSON Schema of a tool's arguments: one JSON object, a "
            "property per parameter."
        ),
        "properties": {
            "type": {"const": "object"},
            "properties": {
                "type": "object",
                "additionalProperties": _SCHEMA,
            },
            "required": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The parameters without a default.",
            },
            "additionalProperties": {"const": False},
        },
        "required": ["type", "properties", "required", "additionalProperties"],
        "additionalProperties": False,
    }


def tools_json_schema() -> dict[str, Any]:
    """
    The JSON Schema of a tool as ``PluginHost.tools()`` and
    ``acc-plugins info --json`` describe it.
    """
    models = ModelSchemas(
        fields={"ToolInfo.schema": {"$ref": "#/$defs/ToolParameters"}}
    )
    return {
        "title": "A tool, with the JSON Schema of its arguments",
        **models.model(ToolInfo),
        "$defs": {
            "ToolParameters": _parameters(),
            "JsonSchema": _json_schema(),
            "JsonType": _json_types(),
            **models.defs,
        },
    }
