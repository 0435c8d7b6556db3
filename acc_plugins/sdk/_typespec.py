"""
The JSON types a tool parameter accepts, with their JSON Schema.

A ``TypeSpec`` validates a JSON-like value and returns a fresh copy, so a
tool never shares a list or dict with its caller. Only exact built-in types
pass: a subclass of ``str`` or ``list`` could carry plugin code into the
host, so types are compared with ``is`` and no ``repr``, ``==`` or ``hash``
is ever called on a value that is not of an exact built-in type.
"""

from __future__ import annotations

import abc
import json
import math
from typing import TYPE_CHECKING, Final, Literal, TypeAlias

import attrs


if TYPE_CHECKING:
    from collections.abc import Iterator

Scalar: TypeAlias = str | int | bool | None
ScalarKind: TypeAlias = Literal[
    "null", "boolean", "integer", "number", "string"
]
ArrayKind: TypeAlias = Literal["list", "tuple", "set", "frozenset"]
_Copy: TypeAlias = dict[str, object] | list[object]
_Items: TypeAlias = "Iterator[tuple[object, object]]"

_SCALAR_TYPES: Final[dict[str, type]] = {
    "null": type(None),
    "boolean": bool,
    "integer": int,
    "number": float,
    "string": str,
}
_JSON_TYPES: Final = (*((t, n) for n, t in _SCALAR_TYPES.items()),)
_CONTAINER_TYPES: Final = ((list, "array"), (tuple, "array"), (dict, "object"))
_BOOL_WORDS: Final = {
    "0": False,
    "1": True,
    "false": False,
    "no": False,
    "true": True,
    "yes": True,
}
_SHOWN_BITS: Final = 64
# type's own descriptor: a plugin metaclass could make __name__ a property.
_TYPE_NAME: Final = type.__dict__["__name__"]


class ConvertError(ValueError):
    """
    A value that does not fit a ``TypeSpec``.

    Attributes:
        reason: What is wrong, for example ``"expected integer, got string"``.

        where: Path of the value inside the argument, ``""`` at the top.

        mismatch: Whether the value is simply of another type, so that a
            union may report its own expectations instead.
    """

    def __init__(
        self, reason: str, where: str, *, mismatch: bool = False
    ) -> None:
        self.reason = reason
        self.where = where
        self.mismatch = mismatch
        super().__init__(f"{reason} @ ${where}" if where else reason)


def shorten(text: str, limit: int = 60) -> str:
    """
    Cut caller- or plugin-supplied text down to size for a message.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_type(value: object) -> str:
    """
    Name the JSON type of a value, or the class of any other value.

    Args:
        value: Any object; no code of its class runs.

    Returns:
        ``"integer"``, ``"array"``, ``"string subclass"``, ``"set"``...
    """
    cls = type(value)
    for known, label in (*_JSON_TYPES, *_CONTAINER_TYPES):
        if cls is known:
            return label
    for known, label in (*_JSON_TYPES, *_CONTAINER_TYPES):
        # issubclass against a built-in reads the MRO; no plugin code runs.
        if issubclass(cls, known):
            return f"{label} subclass"
    name = shorten(str.__str__(_TYPE_NAME.__get__(cls)))
    return name or "unnamed class"


def show(value: object) -> str:
    """
    Quote an exact scalar as JSON for a message, or name its type.
    """
    cls = type(value)
    # Never ``cls in {...}``: hashing a plugin class can run its metaclass.
    if value is None or cls is bool or cls is str:
        return shorten(json.dumps(value, ensure_ascii=False), 40)
    if cls is int:
        # A very long integer may not even convert to text (int_info).
        digits = int.bit_length(value)  # type: ignore[arg-type]
        return str(value) if digits <= _SHOWN_BITS else "a long integer"
    return describe_type(value)


def key_path(where: str, key: str) -> str:
    """
    Extend a path such as ``[2]`` by an object key: ``[2].name``.
    """
    if key.isidentifier():
        return f"{where}.{shorten(key, 40)}"
    return f"{where}[{json.dumps(shorten(key, 40), ensure_ascii=False)}]"


def _not_json(item: object, where: str) -> ConvertError:
    """
    Build the error for a value of a type JSON does not have.
    """
    if type(item) is float:
        msg = f"{item} is not JSON-compatible"
    else:
        label = describe_type(item)
        article = "an" if label[0] in "aeiou" else "a"
        msg = f"{article} {label} is not JSON-compatible"
    return ConvertError(msg, where)


def to_json(
    value: object, *, max_depth: int = 64, max_items: int = 1_000_000
) -> object:
    """
    Copy a JSON-compatible value, turning tuples into lists.

    The walk is iterative and bounded, so deep nesting, a cycle or a list
    holding one list many times over cannot exhaust the host.

    Args:
        value: The value to copy; exact built-in types only.

        max_depth: How many containers deep the value may nest.

        max_items: How many values it may hold, counting repeats.

    Returns:
        A fresh copy sharing no list or dict with *value*.

    Raises:
        ConvertError: With ``where`` the path to the first offending value.
    """
    return _Copier(max_depth, max_items).run(value)


class _Copier:
    """
    A depth-first copy with an explicit stack, so no Python recursion.

    A frame holds a container's remaining items, its copy, its id and its
    path segment. Paths are joined only for a message: building one per
    item would cost quadratic time in a deep value.
    """

    def __init__(self, max_depth: int, max_items: int) -> None:
        self.max_depth = max_depth
        self.max_items = max_items
        self.count = 0
        self.on_path: set[int] = set()  # ids of the containers being copied
        self.stack: list[tuple[_Items, _Copy, int, str]] = []

    def where(self, segment: str) -> str:
        return "".join(frame[3] for frame in self.stack) + segment

    def visit(self, item: object, segment: str) -> object:
        self.count += 1
        cls = type(item)
        if self.count > self.max_items:
            problem = f"more than {self.max_items} values"
        elif _is_scalar(item):
            return item
        elif cls is not list and cls is not tuple and cls is not dict:
            raise _not_json(item, self.where(segment))
        elif len(self.stack) >= self.max_depth:
            problem = f"nested deeper than {self.max_depth} levels"
        elif id(item) in self.on_path:
            problem = "contains itself (a cycle)"
        else:
            self.on_path.add(id(item))
            copy: _Copy = {} if cls is dict else []
            self.stack.append((_items(item), copy, id(item), segment))
            return copy
        raise ConvertError(problem, self.where(segment))

    def run(self, value: object) -> object:
        result = self.visit(value, "")
        while self.stack:
            items, copy, ident, _ = self.stack[-1]
            depth = len(self.stack)
            for key, item in items:
                if isinstance(copy, list):
                    copy.append(self.visit(item, f"[{key}]"))
                elif type(key) is str:
                    copy[key] = self.visit(item, key_path("", key))
                else:
                    msg = f"object keys must be strings, got {show(key)}"
                    raise ConvertError(msg, self.where(""))
                if len(self.stack) > depth:
                    break  # copy the new container first, then come back
            else:
                self.stack.pop()
                self.on_path.discard(ident)
        return result


def _items(container: object) -> _Items:
    """
    Iterate the key (or index) and value pairs of an exact container.
    """
    if type(container) is dict:
        return iter(container.items())
    if type(container) is list or type(container) is tuple:
        return enumerate(container)
    return iter(())


def _is_scalar(item: object) -> bool:
    """
    Whether a value is an exact JSON scalar (a finite float included).
    """
    cls = type(item)
    if cls is float:
        return math.isfinite(item)  # type: ignore[arg-type]
    return item is None or cls is bool or cls is int or cls is str


class TypeSpec(abc.ABC):
    """
    What one annotation accepts: a validator, a converter and a schema.
    """

    __slots__ = ()

    @abc.abstractmethod
    def schema(self) -> dict[str, object]:
        """
        Return a fresh JSON Schema (draft 2020-12) for this type.
        """

    @abc.abstractmethod
    def describe(self) -> str:
        """
        Name the type in a message, for example ``"integer or null"``.
        """

    @abc.abstractmethod
    def convert(self, value: object, where: str = "") -> object:
        """
        Validate a JSON-like value and return a fresh copy of it.

        Args:
            value: The value a caller passed.

            where: Path of *value* inside the argument, for messages.

        Returns:
            The value as the tool receives it: a ``float`` for an integer
            given to a number, a ``tuple`` or ``set`` where annotated so.

        Raises:
            ConvertError: A ``ValueError`` saying what is wrong.
        """

    @property
    def hashable(self) -> bool:
        """
        Whether converted values can go into a set.
        """
        return False

    def from_text(self, text: str) -> object:
        """
        Decode command-line text into a value for ``convert``.

        Args:
            text: The ``v`` of a ``k=v`` argument.

        Returns:
            The decoded value, not yet validated.

        Raises:
            ConvertError: If the text cannot mean a value of this type.
        """
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            msg = f"expected {self.describe()} as JSON, got {show(text)}"
            raise ConvertError(msg, "") from None

    def _mismatch(self, value: object, where: str) -> ConvertError:
        # Only a literal is helped by seeing the value itself.
        literal = isinstance(self, LiteralSpec)
        got = show(value) if literal else describe_type(value)
        msg = f"expected {self.describe()}, got {got}"
        return ConvertError(msg, where, mismatch=True)


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
        if cls is not _SCALAR_TYPES[self.kind]:
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
