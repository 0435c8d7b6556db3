"""
Annotation objects and annotation strings read into specs, never evaluated.

The annotations come from sandboxed plugin code, so nothing here evaluates
plugin text or calls plugin code: strings are parsed with ``ast`` and read
against a fixed table of names, and annotation objects are compared with
``is``.
"""

from __future__ import annotations

import ast
import collections.abc
import types
import typing
from typing import Final, TypeAlias

from acc_plugins._syntax import parse

from ._json import describe_type, shorten, show
from ._typespec import (
    AnySpec,
    ArraySpec,
    DictSpec,
    LiteralSpec,
    Scalar,
    ScalarSpec,
    TupleSpec,
    TypeSpec,
    UnionSpec,
)


__all__ = ["spec_from_annotation"]

# A parsed annotation: a head from _NAMES and its arguments, or None when
# bare. Arguments are forms, ``...`` (in tuple[X, ...]) or Literal values.
_Form: TypeAlias = "tuple[str, tuple[object, ...] | None]"

_NAMES: Final = {
    "Any": "Any",
    "Dict": "dict",
    "FrozenSet": "frozenset",
    "Iterable": "list",
    "List": "list",
    "Literal": "Literal",
    "Mapping": "dict",
    "None": "None",
    "Optional": "Optional",
    "Sequence": "list",
    "Set": "set",
    "Tuple": "tuple",
    "Union": "Union",
    "bool": "bool",
    "bytes": "bytes",
    "dict": "dict",
    "float": "float",
    "frozenset": "frozenset",
    "int": "int",
    "list": "list",
    "object": "Any",
    "set": "set",
    "str": "str",
    "tuple": "tuple",
}
# Pairs, not a dict: looking an object up by hash could run plugin code.
_OBJECTS: Final[tuple[tuple[object, str], ...]] = (
    *(
        (getattr(typing, n), h)
        for n, h in _NAMES.items()
        if n[0].isupper() and n != "None"
    ),
    *(
        (getattr(collections.abc, name), _NAMES[name])
        for name in ("Iterable", "Mapping", "Sequence")
    ),
    *((b, b.__name__) for b in (str, int, float, bool, bytes, list, dict)),
    *((b, b.__name__) for b in (tuple, set, frozenset)),
    (object, "Any"),
    (None, "None"),
    (type(None), "None"),
    (types.UnionType, "Union"),
)
_ALIAS_TYPES: Final = (
    type(list[int]),
    type(int | None),
    type(typing.List[int]),  # noqa: UP006 -- the type of typing's aliases
    type(typing.Optional[int]),  # noqa: UP045 -- the type of typing's unions
    type(typing.Literal[1]),
)
_SIMPLE: Final[dict[str, TypeSpec]] = {
    "Any": AnySpec(),
    "None": ScalarSpec("null"),
    "bool": ScalarSpec("boolean"),
    "float": ScalarSpec("number"),
    "int": ScalarSpec("integer"),
    "str": ScalarSpec("string"),
}
_SUPPORTED: Final = (
    "use str, int, float, bool, None, Any (or object), list[...], "
    "dict[str, ...], tuple[...], set[...], Literal[...], Optional[...] "
    "or X | Y"
)
_MAX_NESTING: Final = 32
_MAX_TEXT: Final = 1000


def spec_from_annotation(annotation: object) -> TypeSpec:
    """
    Read an annotation object or string without evaluating anything.

    Args:
        annotation: ``int``, ``list[str] | None``, ``"Literal['a', 'b']"``.

    Returns:
        The spec that validates values of that type.

    Raises:
        TypeError: If tools cannot take that type, saying why.
    """
    return _build(_read_object(annotation, 0))


def _read_object(annotation: object, depth: int) -> _Form:
    if depth > _MAX_NESTING:
        msg = "annotation is nested too deeply"
        raise TypeError(msg)
    for known, head in _OBJECTS:
        if annotation is known:
            return head, None
    cls = type(annotation)
    if cls is str:
        return _read_text(annotation, depth)  # type: ignore[arg-type]
    if cls is typing.ForwardRef:
        text = annotation.__forward_arg__  # type: ignore[attr-defined]
        if type(text) is str:
            return _read_text(text, depth)
    elif any(cls is alias for alias in _ALIAS_TYPES):
        return _read_alias(annotation, depth)
    msg = f"unsupported annotation of type {describe_type(annotation)}; {_SUPPORTED}"
    raise TypeError(msg)


def _read_alias(annotation: object, depth: int) -> _Form:
    # On these exact stdlib types, get_origin and get_args only read
    # attributes; the arguments they return are checked like annotations.
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    for known, head in _OBJECTS:
        if origin is known and type(args) is tuple:
            if head == "Literal":
                return head, tuple(_literal(arg) for arg in args)
            return head, tuple(
                arg if arg is Ellipsis else _read_object(arg, depth + 1)
                for arg in args
            )
    msg = "unsupported generic annotation; " + _SUPPORTED
    raise TypeError(msg)


def _literal(value: object) -> Scalar:
    cls = type(value)
    if value is None or cls is str or cls is int or cls is bool:
        return value  # type: ignore[return-value]
    msg = f"Literal values must be str, int, bool or None, got {describe_type(value)}"
    raise TypeError(msg)


def _read_text(text: str, depth: int) -> _Form:
    if len(text) > _MAX_TEXT:
        msg = f"annotation {show(text)} is too long"
        raise TypeError(msg)
    try:
        tree = parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        msg = f"annotation {show(text)} is not a valid expression"
        raise TypeError(msg) from None
    return _read_node(tree.body, text, depth)


def _read_node(node: ast.expr, text: str, depth: int) -> _Form:
    if depth > _MAX_NESTING:
        msg = f"annotation {show(text)} is nested too deeply"
        raise TypeError(msg)
    if isinstance(node, ast.Constant) and node.value is None:
        return "None", None
    if isinstance(node, ast.Constant) and type(node.value) is str:
        return _read_text(node.value, depth + 1)
    if isinstance(node, ast.Name | ast.Attribute):
        return _head(node, text), None
    if isinstance(node, ast.Subscript):
        head = _head(node.value, text)
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head == "Literal":
            return head, tuple(_literal_node(e, text) for e in elements)
        return head, tuple(
            ...
            if isinstance(e, ast.Constant) and e.value is Ellipsis
            else _read_node(e, text, depth + 1)
            for e in elements
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        # Walk the left spine in a loop: ``a | b | c`` nests to the left.
        members: list[ast.expr] = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            members.append(node.right)
            node = node.left
        members.append(node)
        forms = (_read_node(m, text, depth + 1) for m in reversed(members))
        return "Union", tuple(forms)
    what = type(node).__name__
    msg = f"annotation {show(text)}: a {what} expression is not allowed; {_SUPPORTED}"
    raise TypeError(msg)


def _head(node: ast.expr, text: str) -> str:
    # ``typing.Optional`` and ``t.List`` match on their final name.
    if isinstance(node, ast.Attribute):
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        name = node.attr if isinstance(base, ast.Name) else ""
    else:
        name = node.id if isinstance(node, ast.Name) else ""
    head = _NAMES.get(name)
    if head is None:
        what = repr(shorten(name, 40)) if name else type(node).__name__
        msg = f"annotation {show(text)}: {what} is not a supported type; {_SUPPORTED}"
        raise TypeError(msg)
    return head


def _literal_node(node: ast.expr, text: str) -> Scalar:
    if isinstance(node, ast.Constant):
        return _literal(node.value)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    msg = f"annotation {show(text)}: Literal takes str, int, bool or None constants"
    raise TypeError(msg)


def _build(form: _Form) -> TypeSpec:
    head, args = form
    if head in _SIMPLE:
        if args is not None:
            msg = f"{head} takes no parameters"
            raise TypeError(msg)
        return _SIMPLE[head]
    if head == "bytes":
        msg = "bytes is not JSON-compatible; use str"
        raise TypeError(msg)
    if head == "Literal":
        return _build_literal(args or ())
    if head in {"Optional", "Union"}:
        return _build_union(head, args)
    return _build_container(head, args)


def _build_container(head: str, args: tuple[object, ...] | None) -> TypeSpec:
    match head, args:
        case "tuple", None:
            return ArraySpec(AnySpec(), "tuple")
        case "tuple", (item, types.EllipsisType()):
            return ArraySpec(_build_arg(item), "tuple")
        case "tuple", _:
            return TupleSpec(tuple(_build_arg(arg) for arg in args or ()))
        case "dict", None:
            return DictSpec(AnySpec())
        case "dict", (key, value):
            return _build_dict(_build_arg(key), _build_arg(value))
        case "list" | "set" | "frozenset", None:
            return ArraySpec(AnySpec(), head)
        case "list" | "set" | "frozenset", (item,):
            return ArraySpec(_build_arg(item), head)
    msg = f"{head}[...] takes " + (
        "a key and a value type" if head == "dict" else "one item type"
    )
    raise TypeError(msg)


def _build_arg(arg: object) -> TypeSpec:
    if arg is ...:
        msg = "... is only allowed as tuple[X, ...]"
        raise TypeError(msg)
    return _build(arg)  # type: ignore[arg-type]


def _build_literal(args: tuple[object, ...]) -> TypeSpec:
    values: list[Scalar] = []
    for value in args:
        if not any(type(v) is type(value) and v == value for v in values):
            values.append(value)  # type: ignore[arg-type]
    if not values:
        msg = "Literal needs at least one value"
        raise TypeError(msg)
    return LiteralSpec(tuple(values))


def _build_union(head: str, args: tuple[object, ...] | None) -> TypeSpec:
    specs = [_build_arg(arg) for arg in args or ()]
    if head == "Optional" and len(specs) == 1:
        specs.append(ScalarSpec("null"))
    elif head == "Optional" or not specs:
        msg = f"{head} needs its types, as in {head}[int]"
        raise TypeError(msg)
    # Flatten and drop repeats, in order, as typing.Union does.
    members: list[TypeSpec] = []
    for spec in specs:
        for member in spec.members if isinstance(spec, UnionSpec) else [spec]:
            if member not in members:
                members.append(member)
    return members[0] if len(members) == 1 else UnionSpec(tuple(members))


def _build_dict(key: TypeSpec, value: TypeSpec) -> TypeSpec:
    if key != ScalarSpec("string") and type(key) is not AnySpec:
        msg = "JSON object keys are strings; use dict[str, ...]"
        raise TypeError(msg)
    return DictSpec(value)
