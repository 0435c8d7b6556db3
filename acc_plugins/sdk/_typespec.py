"""
The JSON types a tool parameter accepts, with their JSON Schema.

A ``TypeSpec`` validates a JSON-like value and returns a fresh copy, so a
tool never shares a list or dict with its caller. As in ``_json``, only
exact built-in types pass, and no code of a value's class ever runs.
"""

from __future__ import annotations

import json
import math
from typing import Final, Literal, TypeAlias

import attrs

from ._json import (
    SCALAR_TYPES,
    ConvertError,
    describe_type,
    key_path,
    show,
    to_json,
)
from ._specbase import TypeSpec


# TypeSpec, ConvertError and to_json are re-exported: callers import them
# from here.
__all__ = [
    "AnySpec",
    "ArrayKind",
    "ArraySpec",
    "ConvertError",
    "DictSpec",
    "LiteralSpec",
    "Scalar",
    "ScalarKind",
    "ScalarSpec",
    "TupleSpec",
    "TypeSpec",
    "UnionSpec",
    "to_json",
]

Scalar: TypeAlias = str | int | bool | None
ScalarKind: TypeAlias = Literal[
    "null", "boolean", "integer", "number", "string"
]
ArrayKind: TypeAlias = Literal["list", "tuple", "set", "frozenset"]

_BOOL_WORDS: Final = {
    "0": False,
    "1": True,
    "false": False,
    "no": False,
    "true": True,
    "yes": True,
}


@attrs.frozen
class AnySpec(TypeSpec):
    """
    Any JSON value: ``typing.Any`` or no annotation at all.
    """

    def schema(self) -> dict[str, object]:
        return {}

    def describe(self) -> str:
        return "any JSON value"

    def convert(self, value: object, where: str = "") -> object:
        try:
            return to_json(value)
        except ConvertError as exc:
            raise ConvertError(exc.reason, where + exc.where) from None

    def from_text(self, text: str) -> object:
        # Words that are not JSON stay text, so ``name=bob`` needs no quotes.
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return text


@attrs.frozen
class ScalarSpec(TypeSpec):
    """
    One exact JSON scalar type; a ``number`` also takes integers.

    Attributes:
        kind: ``null``, ``boolean``, ``integer``, ``number`` or ``string``.
    """

    kind: ScalarKind

    def schema(self) -> dict[str, object]:
        return {"type": self.kind}

    def describe(self) -> str:
        return self.kind

    @property
    def hashable(self) -> bool:
        return True

    def convert(self, value: object, where: str = "") -> object:
        cls = type(value)
        if self.kind == "number" and cls is int:
            try:
                return float(value)  # type: ignore[arg-type]
            except OverflowError:
                msg = "integer too large for a number"
                raise ConvertError(msg, where) from None
        if cls is not SCALAR_TYPES[self.kind]:
            raise self._mismatch(value, where)
        if cls is float and not math.isfinite(value):  # type: ignore[arg-type]
            msg = f"expected finite number, got {value}"
            raise ConvertError(msg, where)
        return value

    def from_text(self, text: str) -> object:
        try:
            if self.kind == "integer":
                return int(text)
            if self.kind == "number":
                return float(text)
            if self.kind == "boolean":
                return _BOOL_WORDS[text.strip().lower()]
        except (ValueError, KeyError):
            pass
        else:
            if self.kind == "string":
                return text
            if text == "null":
                return None
        msg = f"expected {self.kind}, got {show(text)}"
        raise ConvertError(msg, "")


@attrs.frozen
class LiteralSpec(TypeSpec):
    """
    ``Literal[...]``: one of a few str, int, bool or None constants.
    """

    # Compare types too: Literal[1] and Literal[True] are different specs.
    values: tuple[Scalar, ...] = attrs.field(
        eq=lambda values: tuple((type(v), v) for v in values)
    )

    def schema(self) -> dict[str, object]:
        result: dict[str, object] = {}
        kinds = {describe_type(value) for value in self.values}
        if len(kinds) == 1:
            result["type"] = kinds.pop()
        if len(self.values) == 1:
            result["const"] = self.values[0]
        else:
            result["enum"] = list(self.values)
        return result

    def describe(self) -> str:
        shown = ", ".join(show(value) for value in self.values)
        return shown if len(self.values) == 1 else f"one of {shown}"

    @property
    def hashable(self) -> bool:
        return True

    def _got(self, value: object) -> str:
        return show(value)

    def convert(self, value: object, where: str = "") -> object:
        for allowed in self.values:
            # Same exact type first, so that True never matches 1.
            if type(value) is type(allowed) and value == allowed:
                return allowed
        raise self._mismatch(value, where)

    def from_text(self, text: str) -> object:
        for allowed in sorted(self.values, key=lambda v: type(v) is not str):
            kind = describe_type(allowed)
            try:
                value = ScalarSpec(kind).from_text(text)  # type: ignore[arg-type]
            except ConvertError:
                continue
            if type(value) is type(allowed) and value == allowed:
                return allowed
        msg = f"expected {self.describe()}, got {show(text)}"
        raise ConvertError(msg, "")


@attrs.frozen
class UnionSpec(TypeSpec):
    """
    ``A | B`` or ``Optional[A]``: the first member that accepts a value wins.
    """

    members: tuple[TypeSpec, ...]

    def schema(self) -> dict[str, object]:
        schemas = [member.schema() for member in self.members]
        kinds: list[object] = []
        for schema in schemas:
            kind = schema.get("type")
            if len(schema) != 1 or type(kind) is not str:
                return {"anyOf": schemas}
            if kind not in kinds:
                kinds.append(kind)
        return {"type": kinds[0] if len(kinds) == 1 else kinds}

    def describe(self) -> str:
        return " or ".join(member.describe() for member in self.members)

    @property
    def hashable(self) -> bool:
        return all(member.hashable for member in self.members)

    def convert(self, value: object, where: str = "") -> object:
        deeper: list[ConvertError] = []
        for member in self.members:
            try:
                return member.convert(value, where)
            except ConvertError as exc:
                # Any problem but "wrong type" says more than the union can.
                if not exc.mismatch or exc.where != where:
                    deeper.append(exc)
        if deeper:
            raise deeper[0]
        raise self._mismatch(value, where)

    def from_text(self, text: str) -> object:
        for member in self.members:
            try:
                value = member.from_text(text)
                member.convert(value)
            except ConvertError:
                continue
            return value
        msg = f"expected {self.describe()}, got {show(text)}"
        raise ConvertError(msg, "")


@attrs.frozen
class ArraySpec(TypeSpec):
    """
    ``list[X]``, ``tuple[X, ...]``, ``set[X]``: a JSON array of one type.

    Raises:
        TypeError: For a set of an unhashable item type.
    """

    item: TypeSpec
    kind: ArrayKind = "list"

    def __attrs_post_init__(self) -> None:
        if self.kind in {"set", "frozenset"} and not self.item.hashable:
            msg = f"{self.kind} needs a hashable item type, such as str"
            raise TypeError(msg)

    def schema(self) -> dict[str, object]:
        result: dict[str, object] = {"type": "array"}
        if type(self.item) is not AnySpec:
            result["items"] = self.item.schema()
        if self.kind in {"set", "frozenset"}:
            result["uniqueItems"] = True
        return result

    def describe(self) -> str:
        return "array"

    @property
    def hashable(self) -> bool:
        return self.kind in {"tuple", "frozenset"} and self.item.hashable

    def convert(self, value: object, where: str = "") -> object:
        if type(value) is not list and type(value) is not tuple:
            raise self._mismatch(value, where)
        items = [
            self.item.convert(item, f"{where}[{index}]")
            for index, item in enumerate(value)
        ]
        if self.kind == "list":
            return items
        if self.kind == "tuple":
            return tuple(items)
        unique = set(items) if self.kind == "set" else frozenset(items)
        if len(unique) != len(items):
            msg = "items must be unique"
            raise ConvertError(msg, where)
        return unique


@attrs.frozen
class TupleSpec(TypeSpec):
    """
    ``tuple[X, Y]``: a JSON array of fixed length, one type per position.
    """

    items: tuple[TypeSpec, ...]

    def schema(self) -> dict[str, object]:
        return {
            "type": "array",
            "prefixItems": [item.schema() for item in self.items],
            "minItems": len(self.items),
            "maxItems": len(self.items),
        }

    def describe(self) -> str:
        return f"array of {len(self.items)} items"

    @property
    def hashable(self) -> bool:
        return all(item.hashable for item in self.items)

    def convert(self, value: object, where: str = "") -> object:
        if type(value) is not list and type(value) is not tuple:
            raise self._mismatch(value, where)
        if len(value) != len(self.items):
            msg = f"expected {self.describe()}, got {len(value)} items"
            raise ConvertError(msg, where)
        pairs = enumerate(zip(self.items, value, strict=True))
        return tuple(
            spec.convert(item, f"{where}[{index}]")
            for index, (spec, item) in pairs
        )


@attrs.frozen
class DictSpec(TypeSpec):
    """
    ``dict[str, X]``: a JSON object whose values share one type.
    """

    value: TypeSpec

    def schema(self) -> dict[str, object]:
        result: dict[str, object] = {"type": "object"}
        if type(self.value) is not AnySpec:
            result["additionalProperties"] = self.value.schema()
        return result

    def describe(self) -> str:
        return "object"

    def convert(self, value: object, where: str = "") -> object:
        if type(value) is not dict:
            raise self._mismatch(value, where)
        result: dict[str, object] = {}
        for key, item in value.items():
            if type(key) is not str:
                msg = f"object keys must be strings, got {show(key)}"
                raise ConvertError(msg, where)
            result[key] = self.value.convert(item, key_path(where, key))
        return result
