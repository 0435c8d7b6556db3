"""
Tests for the JSON Schema of ``plugin.toml``.
"""

import json
import re
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given
from tests import strategies

from acc_plugins.manifest import (
    Limits,
    Manifest,
    Permissions,
    PluginMeta,
    Setting,
    manifest_json_schema,
    unstructure_manifest,
)


_JSON_TYPES: dict[str, Any] = {
    "array": list,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "object": dict,
    "string": str,
}


def _errors(schema: Any, value: Any, where: str = "$") -> list[str]:
    """
    Validate against the subset of JSON Schema the manifest schema uses.
    """
    if schema is False:
        return [f"{where}: not allowed"]
    kind = schema.get("type")
    if kind and (
        not isinstance(value, _JSON_TYPES[kind])
        or (kind in {"integer", "number"} and isinstance(value, bool))
    ):
        return [f"{where}: not {kind}"]
    errors = _value_errors(schema, value, where)
    if "anyOf" in schema and all(
        _errors(option, value, where) for option in schema["anyOf"]
    ):
        errors.append(f"{where}: matches nothing in anyOf")
    for rule in schema.get("allOf", []):
        if not _errors(rule["if"], value, where):
            errors += _errors(rule["then"], value, where)
    return errors


def _value_errors(schema: Any, value: Any, where: str) -> list[str]:
    errors = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: not in enum")
    if isinstance(value, str):
        errors += _string_errors(schema, value, where)
    if isinstance(value, int | float) and not (
        schema.get("minimum", value) <= value <= schema.get("maximum", value)
    ):
        errors.append(f"{where}: out of range")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            errors.append(f"{where}: too many items")
        for index, item in enumerate(value):
            errors += _errors(
                schema.get("items", {}), item, f"{where}[{index}]"
            )
    if isinstance(value, dict):
        errors += _object_errors(schema, value, where)
    return errors


def _string_errors(schema: Any, value: str, where: str) -> list[str]:
    errors = []
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: does not match {schema['pattern']}")
    if len(value) > schema.get("maxLength", len(value)):
        errors.append(f"{where}: too long")
    if len(value) < schema.get("minLength", 0):
        errors.append(f"{where}: too short")
    return errors


def _object_errors(
    schema: Any, value: dict[str, Any], where: str
) -> list[str]:
    properties = schema.get("properties", {})
    errors = [
        f"{where}.{key}: required"
        for key in schema.get("required", [])
        if key not in value
    ]
    for key, item in value.items():
        if "propertyNames" in schema:
            errors += _errors(schema["propertyNames"], key, f"{where}.{key}")
        if key in properties:
            errors += _errors(properties[key], item, f"{where}.{key}")
        else:
            extra = schema.get("additionalProperties", True)
            if extra is not True:
                errors += _errors(extra, item, f"{where}.{key}")
    return errors


def _toml_keys(cl: type) -> list[str]:
    return [
        field.name.replace("_", "-")
        for field in attrs.fields(cl)
        if not field.metadata.get("table_key")
    ]


def _required(cl: type) -> list[str]:
    return [
        field.name.replace("_", "-")
        for field in attrs.fields(cl)
        if field.default is attrs.NOTHING
        and not field.metadata.get("table_key")
    ]


SCHEMA = manifest_json_schema()


def test_schema_is_draft_2020_12_and_json() -> None:
    """The schema declares draft 2020-12 and survives a trip through JSON."""
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA


@pytest.mark.parametrize(
    ("path", "cl"),
    [
        ((), Manifest),
        (("plugin",), PluginMeta),
        (("permissions",), Permissions),
        (("limits",), Limits),
        (("settings", "additionalProperties"), Setting),
    ],
)
def test_objects_mirror_the_models(path: tuple[str, ...], cl: type) -> None:
    """Each table's properties and required keys are the model's fields."""
    schema: Any = SCHEMA
    for step in path:
        schema = (
            schema["properties"][step]
            if step in schema.get("properties", {})
            else schema[step]
        )

    assert (_toml_keys(cl), _required(cl), False) == (
        list(schema["properties"]),
        schema.get("required", []),
        schema["additionalProperties"],
    )
    assert all(p.get("description") for p in schema["properties"].values())


def test_limits_carry_their_bounds() -> None:
    """Integer limits carry the bounds the model enforces."""
    timeout = SCHEMA["properties"]["limits"]["properties"]["timeout-ms"]  # type: ignore[index]

    assert {
        key: timeout[key] for key in ("type", "minimum", "maximum", "default")
    } == {
        "type": "integer",
        "minimum": 1,
        "maximum": 3_600_000,
        "default": 5000,
    }


def test_keyed_tables_constrain_their_keys() -> None:
    """Dependency names and setting keys have the models' patterns."""
    properties: Any = SCHEMA["properties"]

    assert re.search(
        properties["dependencies"]["propertyNames"]["pattern"], "core-utils"
    )
    assert not re.search(
        properties["settings"]["propertyNames"]["pattern"], "Max-Lines"
    )


@given(strategies.manifests())
def test_every_valid_manifest_validates(manifest: Manifest) -> None:
    """What the converter accepts and writes, the schema accepts too."""
    assert _errors(SCHEMA, unstructure_manifest(manifest)) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d["plugin"].pop("name"), "$.plugin.name: required"),
        (lambda d: d["plugin"].update(nmae="x"), "$.plugin.nmae: not allowed"),
        (
            lambda d: d.update(limits={"timeout-ms": 0}),
            "$.limits.timeout-ms: out of range",
        ),
        (
            lambda d: d.update(limits={"memory-mb": True}),
            "$.limits.memory-mb: not integer",
        ),
        (
            lambda d: d["plugin"].update(kind="tols"),
            "$.plugin.kind: not in enum",
        ),
        (
            lambda d: d.update(settings={"s": {"type": "enum"}}),
            "$.settings.s.choices: required",
        ),
        (
            lambda d: d.update(
                settings={"s": {"type": "int", "default": "1"}}
            ),
            "$.settings.s.default: not integer",
        ),
        (
            lambda d: d.update(permissions={"network": ["ftp://x"]}),
            "$.permissions.network[0]: does not match",
        ),
    ],
)
def test_invalid_documents_fail(
    change: typing.Callable[[Any], object], error: str
) -> None:
    """The schema catches the mistakes editors should underline."""
    document: Any = {
        "plugin": {
            "name": "tiny",
            "version": "1.0",
            "description": "Does one thing.",
            "entry": "plugin:Plugin",
            "kind": "tool",
        }
    }
    change(document)

    errors = _errors(SCHEMA, document)

    assert len(errors) == 1, errors
    assert errors[0].startswith(error)
