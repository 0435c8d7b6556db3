"""
``if``/``then`` rules keyed on one property's value, as TypeScript sees
them: one object type per value of that property (a discriminated union).

JSON Schema says "when ``type`` is ``"int"``, ``default`` is an integer"
with ``allOf: [{if: {properties: {type: {const: "int"}}}, then: ...}]``.
TypeScript has no conditionals on values, but it narrows a union by a
literal property, so an object whose every rule has that form becomes
one variant per value of the property, each with its rules applied.
Rules of any other form are left out of the types, as before.
"""

from __future__ import annotations

from typing import Any, Final


_KEPT: Final = ("description", "default")


def _discriminant(rule: object) -> tuple[str, object] | None:
    """
    The property and value a rule's ``if`` tests, if it has the one form
    understood here: ``{properties: {K: {const: V}}, required: [K]}``.
    """
    if not isinstance(rule, dict) or set(rule) - {"if", "then"}:
        return None
    test, then = rule.get("if"), rule.get("then")
    if not isinstance(test, dict) or not isinstance(then, dict):
        return None
    properties = test.get("properties")
    if set(test) != {"properties", "required"} or not isinstance(
        properties, dict
    ):
        return None
    if len(properties) != 1 or set(then) - {"properties", "required"}:
        return None
    ((key, value),) = properties.items()
    if test["required"] != [key] or not isinstance(value, dict):
        return None
    if set(value) != {"const"}:
        return None
    return key, value["const"]


def _same(one: object, other: object) -> bool:
    return type(one) is type(other) and one == other


def _applied(variant: dict[str, Any], then: dict[str, Any]) -> None:
    properties = variant["properties"]
    for name, schema in then.get("properties", {}).items():
        if schema is False:
            properties.pop(name, None)
            variant["required"] = [r for r in variant["required"] if r != name]
            continue
        kept = {
            k: v for k, v in properties.get(name, {}).items() if k in _KEPT
        }
        properties[name] = {**schema, **kept}
    for name in then.get("required", []):
        if name not in variant["required"]:
            variant["required"].append(name)


def variants(schema: dict[str, Any]) -> list[dict[str, Any]] | None:
    """
    The object types *schema* is one of, one per value of the property
    its ``allOf`` rules test; None unless every rule has that form and
    the property's values are listed (``enum``).
    """
    rules = schema.get("allOf")
    if not rules or not isinstance(schema.get("properties"), dict):
        return None
    tests = [_discriminant(rule) for rule in rules]
    keys = {test[0] for test in tests if test is not None}
    if None in tests or len(keys) != 1:
        return None
    (key,) = keys
    values = schema["properties"].get(key, {}).get("enum")
    if not isinstance(values, list):
        return None
    found = []
    for value in values:
        variant = {k: v for k, v in schema.items() if k != "allOf"}
        variant["properties"] = dict(schema["properties"])
        variant["required"] = list(schema.get("required", []))
        kept = schema["properties"][key]
        variant["properties"][key] = {
            "const": value,
            **{k: v for k, v in kept.items() if k in _KEPT},
        }
        for rule, test in zip(rules, tests, strict=True):
            if test is not None and _same(test[1], value):
                _applied(variant, rule["then"])
        found.append(variant)
    return found
