"""
The JSON Schema of an attrs model as the library writes it to JSON (field
names as they are, ``None`` as ``null``), walked from the class itself.

Types come from the annotations, descriptions from the ``Attributes:``
section of the docstring, bounds, choices and patterns from the fields'
validators (attrs' ``ge``/``le``/``in_`` and any validator with a
``pattern``), so that the schema follows the model as it changes.
"""

from __future__ import annotations

import enum
import inspect
import re
import types
import typing
from typing import Any, Final

import attrs


_PRIMITIVES: Final[dict[Any, str]] = {
    bool: "boolean",
    float: "number",
    int: "integer",
    str: "string",
    type(None): "null",
}
_BOUNDS: Final = {
    ">=": "minimum",
    "<=": "maximum",
    ">": "exclusiveMinimum",
    "<": "exclusiveMaximum",
}
_ENTRY: Final = re.compile(r" {4}(\w+(?:, \w+)*): (.*)")


def attribute_docs(cl: type) -> dict[str, str]:
    """
    The ``Attributes:`` section of *cl*'s docstring, by field name; an
    entry ``a, b: text`` describes both fields.
    """
    docs: dict[str, str] = {}
    names: list[str] = []
    section = (inspect.getdoc(cl) or "").partition("Attributes:\n")[2]
    for line in section.splitlines():
        entry = _ENTRY.fullmatch(line)
        if entry:
            names = entry[1].split(", ")
            docs.update(dict.fromkeys(names, entry[2]))
        elif line.startswith(" " * 8):
            for name in names:
                docs[name] += f" {line.strip()}"
        elif line and not line.startswith(" "):
            break
    return {name: text.replace("``", "`") for name, text in docs.items()}


class ModelSchemas:
    """
    Schemas of attrs models, each nested model once under ``$defs``.

    Args:
        prefix: Put before each class's name to name its definition.

        fields: Schemas that replace what a field's annotation says, by
            ``"Class.field"``.
    """

    def __init__(
        self, prefix: str = "", fields: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.defs: dict[str, Any] = {}
        self._prefix = prefix
        self._fields = fields or {}

    def ref(self, cl: type) -> dict[str, Any]:
        """
        A ``$ref`` to *cl*'s definition, made on first use.
        """
        name = f"{self._prefix}{cl.__name__}"
        if name not in self.defs:
            self.defs[name] = {}  # taken before the fields, for cycles
            self.defs[name] = self.model(cl)
        return {"$ref": f"#/$defs/{name}"}

    def model(self, cl: type) -> dict[str, Any]:
        """
        The schema of an object that structures into *cl*.
        """
        attrs.resolve_types(cl)
        docs = attribute_docs(cl)
        properties: dict[str, Any] = {}
        for field in attrs.fields(cl):
            given = self._fields.get(f"{cl.__name__}.{field.name}")
            schema = dict(given) if given else self.value(field.type)
            schema.update(_validated(field.validator))
            if type(field.default) in _PRIMITIVES:
                schema["default"] = field.default
            if field.name in docs:
                schema["description"] = docs[field.name]
            properties[field.name] = schema
        summary = (inspect.getdoc(cl) or "").partition("\n")[0]
        return {
            "type": "object",
            "description": summary.replace("``", "`"),
            "properties": properties,
            "required": [
                f.name for f in attrs.fields(cl) if f.default is attrs.NOTHING
            ],
            "additionalProperties": False,
        }

    def value(self, t: Any) -> dict[str, Any]:
        """
        The schema of a value of type *t*.

        Raises:
            TypeError: For a type with no JSON form here.
        """
        if t in _PRIMITIVES:
            return {"type": _PRIMITIVES[t]}
        if t in {Any, object}:
            return {}
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return {"enum": [member.value for member in t]}
        if attrs.has(t):
            return self.ref(t)
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin in {list, set, frozenset} or args[1:] == (...,):
            return {"type": "array", "items": self.value(args[0])}
        if origin is tuple:
            return {
                "type": "array",
                "prefixItems": [self.value(a) for a in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin is dict and args[0] is str:
            return {
                "type": "object",
                "additionalProperties": self.value(args[1]),
            }
        if origin in {typing.Union, types.UnionType}:
            return {"anyOf": [self.value(a) for a in args]}
        msg = f"no JSON Schema for {t!r}"
        raise TypeError(msg)


def _validated(validator: object) -> dict[str, Any]:
    """
    What attrs validators (and any with a ``pattern``) add to a schema.
    """
    if validator is None:
        return {}
    found: dict[str, Any] = {}
    for inner in getattr(validator, "_validators", ()):  # attrs' and_
        found.update(_validated(inner))
    pattern = getattr(validator, "pattern", None)
    if isinstance(pattern, re.Pattern):
        found["pattern"] = f"^(?:{pattern.pattern})$"
    if getattr(validator, "compare_op", None) in _BOUNDS:
        found[_BOUNDS[validator.compare_op]] = validator.bound  # type: ignore[attr-defined]
    options = getattr(validator, "options", None)
    if isinstance(options, list | tuple | frozenset | set):
        found["enum"] = sorted(options, key=repr)
    return found
