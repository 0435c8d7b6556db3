"""
A strict cattrs converter for the JSON documents a client reads from a
registry, and its failures as ``$.path: reason`` problems.

Why strict: cattrs coerces by default (``int("2")``, ``int(1.9)``,
``str(5)``, ``tuple("abc")``), so a malformed index would be read as a
document its owner never wrote in that shape.  Here a JSON value must
already be of the field's type (an integer will do for a float; a
boolean is not an integer).

Why field by field: attrs runs validators in ``__init__``, after every
field is structured, so a bad digest would be reported at its release,
not at ``$.plugins.x.versions.1.0.sha256``.  Each field's validator runs
right after the field is structured, and every problem in the document
is collected, not just the first.
"""

from __future__ import annotations

import typing
from types import NoneType, UnionType
from typing import Any, Final

import attrs
import cattrs


Where = tuple[str, ...]
Hook = typing.Callable[[Any, Any], Any]

_KINDS: Final[dict[type, str]] = {
    bool: "a boolean",
    float: "a number",
    int: "an integer",
    str: "a string",
    list: "an array",
    dict: "an object",
    NoneType: "null",
}


class StructureProblems(ValueError):  # noqa: N818 -- a list of problems, not one error
    """
    Everything wrong with a JSON value, each problem at its place.

    Attributes:
        problems: Each ``(where, reason)``, *where* relative to the value.
    """

    def __init__(self, problems: list[tuple[Where, str]]) -> None:
        self.problems = problems
        super().__init__(render(problems))


def render(problems: list[tuple[Where, str]]) -> str:
    """
    The problems as ``$.a.b: reason`` lines, joined by ``; ``.
    """
    return "; ".join(line for line in lines(problems))


def lines(problems: list[tuple[Where, str]]) -> list[str]:
    """
    One ``$.a.b: reason`` string per problem.
    """
    return [
        "".join(["$", *(f".{s}" for s in where)]) + f": {reason}"
        for where, reason in problems
    ]


def _kind(value: object) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _expect(cl: type, value: object) -> StructureProblems:
    return StructureProblems(
        [((), f"expected {_KINDS[cl]}, got {_kind(value)}")]
    )


def _primitive(cl: type) -> Hook:
    def hook(value: object, _: object) -> object:
        if type(value) is cl or (cl is float and type(value) is int):
            return value
        raise _expect(cl, value)

    return hook


def _optional(t: Any, converter: cattrs.Converter) -> Hook:
    (inner,) = (arg for arg in typing.get_args(t) if arg is not NoneType)
    base = converter.get_structure_hook(inner)

    def hook(value: object, _: object) -> object:
        return None if value is None else base(value, inner)

    return hook


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return (
        typing.get_origin(t) in {typing.Union, UnionType}
        and len(args) == 2  # noqa: PLR2004 -- X | None
        and NoneType in args
    )


def _is_tuple(t: Any) -> bool:
    return typing.get_origin(t) is tuple and typing.get_args(t)[1:] == (...,)


def _is_dict(t: Any) -> bool:
    return typing.get_origin(t) is dict


def _nested(
    problems: list[tuple[Where, str]], at: str, exc: Exception
) -> None:
    if isinstance(exc, StructureProblems):
        problems.extend(((at, *where), why) for where, why in exc.problems)
    else:
        problems.append(((at,), _reason(exc, at)))


def _reason(exc: Exception, field: str) -> str:
    # attrs' own validators raise ValueError(message, attribute, ...).
    text = str(exc.args[0]) if exc.args else str(exc)
    for prefix in (f"{field} ", f"'{field}' "):
        text = text.removeprefix(prefix)
    return text


def _tuple(t: Any, converter: cattrs.Converter) -> Hook:
    item = typing.get_args(t)[0]
    base = converter.get_structure_hook(item)

    def hook(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _expect(list, value)
        items: list[Any] = []
        problems: list[tuple[Where, str]] = []
        for index, element in enumerate(value):
            try:
                items.append(base(element, item))
            except (TypeError, ValueError) as exc:
                _nested(problems, str(index), exc)
        if problems:
            raise StructureProblems(problems)
        return tuple(items)

    return hook


def _dict(t: Any, converter: cattrs.Converter) -> Hook:
    item = typing.get_args(t)[1]
    base = converter.get_structure_hook(item)

    def hook(value: object, _: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _expect(dict, value)
        items: dict[str, Any] = {}
        problems: list[tuple[Where, str]] = []
        for key, element in value.items():
            try:
                items[key] = base(element, item)
            except (TypeError, ValueError) as exc:
                _nested(problems, str(key), exc)
        if problems:
            raise StructureProblems(problems)
        return items

    return hook


def _model(cl: type, converter: cattrs.Converter) -> Hook:
    attrs.resolve_types(cl)
    fields = attrs.fields(cl)
    hooks = {f.name: converter.get_structure_hook(f.type) for f in fields}

    def hook(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise _expect(dict, value)
        problems: list[tuple[Where, str]] = [
            ((str(key),), "unknown field") for key in value if key not in hooks
        ]
        kwargs = {}
        for field in fields:
            if field.name not in value:
                if field.default is attrs.NOTHING:
                    problems.append(((field.name,), "required"))
                continue
            try:
                result = hooks[field.name](value[field.name], field.type)
                if field.validator is not None:
                    field.validator(None, field, result)
            except (TypeError, ValueError) as exc:
                _nested(problems, field.name, exc)
                continue
            kwargs[field.name] = result
        if problems:
            raise StructureProblems(problems)
        return cl(**kwargs)

    return hook


def strict_converter() -> cattrs.Converter:
    """
    A converter that structures JSON data into attrs models strictly,
    raising `StructureProblems` with every problem found.
    """
    converter = cattrs.Converter()
    for cl in (bool, float, int, str):
        converter.register_structure_hook(cl, _primitive(cl))
    converter.register_structure_hook_factory(_is_optional, _optional)
    converter.register_structure_hook_factory(_is_tuple, _tuple)
    converter.register_structure_hook_factory(_is_dict, _dict)
    converter.register_structure_hook_factory(attrs.has, _model)
    return converter
