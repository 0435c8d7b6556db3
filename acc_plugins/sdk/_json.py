"""
Fresh, bounded copies of JSON-compatible values, and their names in messages.

Values come from callers and from sandboxed plugin code. Only exact
built-in types pass: a subclass of ``str`` or ``list`` could carry plugin
code into the host, so types are compared with ``is`` and no ``repr``,
``==`` or ``hash`` is ever called on a value that is not of an exact
built-in type.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Final, TypeAlias

from ._jsonquick import Unusual, quick_copy


if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MAX_DEPTH",
    "MAX_ITEMS",
    "SCALAR_TYPES",
    "ConvertError",
    "check_result",
    "describe_type",
    "json_size",
    "key_path",
    "shorten",
    "show",
    "to_json",
    "to_json_sized",
]

_Copy: TypeAlias = dict[str, object] | list[object]
_Items: TypeAlias = "Iterator[tuple[object, object]]"

# How deep, and how many values (repeats counted), a copy may hold.
MAX_DEPTH: Final = 64
MAX_ITEMS: Final = 1_000_000
SCALAR_TYPES: Final[dict[str, type]] = {
    "null": type(None),
    "boolean": bool,
    "integer": int,
    "number": float,
    "string": str,
}
_JSON_TYPES: Final = (*((t, n) for n, t in SCALAR_TYPES.items()),)
_CONTAINER_TYPES: Final = ((list, "array"), (tuple, "array"), (dict, "object"))
_SHOWN_BITS: Final = 64
# The host's one encoder: building one per call costs more than encoding.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)
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
    value: object, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS
) -> object:
    """
    Copy a JSON-compatible value, turning tuples into lists.

    The walk is bounded, so deep nesting, a cycle or a list holding one
    list many times over cannot exhaust the host.

    Args:
        value: The value to copy; exact built-in types only.

        max_depth: How many containers deep the value may nest.

        max_items: How many values it may hold, counting repeats.

    Returns:
        A fresh copy sharing no list or dict with *value*.

    Raises:
        ConvertError: With ``where`` the path to the first offending value.
    """
    try:
        return quick_copy(value, max_depth, max_items)[0]
    except Unusual:
        return _Copier(max_depth, max_items).run(value)


def to_json_sized(
    value: object, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS
) -> tuple[object, int]:
    """
    ``to_json``, and a bound on the size of the copy's JSON text.

    Returns:
        The copy, and a number of bytes at least
        ``json_size(copy)``: compare it with a limit, and measure exactly
        only when it is over.

    Raises:
        ConvertError: As ``to_json``.
    """
    try:
        return quick_copy(value, max_depth, max_items)
    except Unusual:
        copy = _Copier(max_depth, max_items).run(value)
    return copy, json_size(copy)


def json_size(copy: object) -> int:
    """
    The UTF-8 size of the JSON text of a value ``to_json`` made.

    A lone surrogate counts the three bytes ``surrogatepass`` writes.

    Raises:
        ValueError: For an integer too long to convert to text
            (``sys.get_int_max_str_digits``).
    """
    text = _ENCODER.encode(copy)
    return len(text) if text.isascii() else len(_utf8(text))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def check_result(
    value: object,
    *,
    target: str,  # noqa: ARG001 -- kept for callers; see Args
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ITEMS,
) -> object:
    """
    Copy a tool's return value into fresh JSON-compatible data.

    Tuples become lists. The walk is bounded, so a deep,
    self-referencing or hugely shared structure cannot crash the host.

    Args:
        value: What the tool returned.

        target: The namespaced tool name. It is not in the message: the
            host names the target when it wraps the error.

        max_depth: How many containers deep the value may nest.

        max_items: How many values it may hold, counting repeats.

    Returns:
        The copy, sharing no list or dict with *value*.

    Raises:
        ValueError: Naming the path inside the value, as in
            ``"result[2].name: a set is not JSON-compatible"``.
    """
    try:
        return to_json(value, max_depth=max_depth, max_items=max_items)
    except ConvertError as exc:
        msg = f"result{exc.where}: {exc.reason}"
        raise ValueError(msg) from None


class _Copier:
    """
    A depth-first copy with an explicit stack, so no Python recursion.

    A frame holds a container's remaining items, its copy, its id and the
    key or index it sits under.  Paths are built only for a message.
    """

    def __init__(self, max_depth: int, max_items: int) -> None:
        self.max_depth = max_depth
        self.max_items = max_items
        self.count = 0
        self.on_path: set[int] = set()  # ids of the containers being copied
        self.stack: list[tuple[_Items, _Copy, int, object]] = []

    def where(self, key: object) -> str:
        path = ""
        for segment in (*(frame[3] for frame in self.stack), key):
            if type(segment) is int:
                path += f"[{segment}]"
            elif type(segment) is str:
                path = key_path(path, segment)
        return path

    def visit(self, item: object, key: object) -> object:
        self.count += 1
        cls = type(item)
        if self.count > self.max_items:
            problem = f"more than {self.max_items} values"
        elif _is_scalar(item):
            return item
        elif cls is not list and cls is not tuple and cls is not dict:
            raise _not_json(item, self.where(key))
        elif len(self.stack) >= self.max_depth:
            problem = f"nested deeper than {self.max_depth} levels"
        elif id(item) in self.on_path:
            problem = "contains itself (a cycle)"
        else:
            self.on_path.add(id(item))
            copy: _Copy = {} if cls is dict else []
            self.stack.append((_items(item), copy, id(item), key))
            return copy
        raise ConvertError(problem, self.where(key))

    def run(self, value: object) -> object:
        result = self.visit(value, None)
        while self.stack:
            items, copy, ident, _ = self.stack[-1]
            depth = len(self.stack)
            for key, item in items:
                if isinstance(copy, list):
                    copy.append(self.visit(item, key))
                elif type(key) is str:
                    copy[key] = self.visit(item, key)
                else:
                    msg = f"object keys must be strings, got {show(key)}"
                    raise ConvertError(msg, self.where(None))
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
