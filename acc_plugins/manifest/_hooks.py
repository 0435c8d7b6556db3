"""
The cattrs structure hooks: exact TOML types in, every problem collected.

TOML has no coercions, so neither do these hooks; and rather than stop at
the first bad field they gather every problem into cattrs's validation
groups, for ``_messages`` to put into words.
The factories that need the converter take it as their second argument,
as cattrs allows.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn, TypeAlias

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override
from packaging.specifiers import InvalidSpecifier
from packaging.version import InvalidVersion

from acc_plugins.manifest._checks import did_you_mean, kind_of, toml_key


Hook: TypeAlias = Callable[[Any, Any], Any]

# What structuring may raise for bad data; anything else is a bug here.
CAUGHT: Final = (cattrs.BaseValidationError, KeyError, TypeError, ValueError)
# The TOML scalars, by the name messages give them.
PRIMITIVES: Final[dict[type, str]] = {
    bool: "boolean",
    float: "float",
    int: "integer",
    str: "string",
}


def _expect(expected: str, value: object) -> NoReturn:
    msg = f"expected {expected}, got {kind_of(value)}"
    raise TypeError(msg)


def primitive(cl: type) -> Hook:
    """
    Structure a TOML scalar of exactly this type (an int does for a float).
    """

    def hook(value: object, _: object) -> object:
        # Exact types: TOML has no coercions, and a bool is not an int.
        if type(value) is cl or (cl is float and type(value) is int):
            return value
        _expect(PRIMITIVES[cl], value)

    return hook


def from_text(parse: Callable[[str], Any], what: str = "") -> Hook:
    """
    Structure a value written as one string, such as a version.
    """

    def hook(value: object, _: object) -> Any:
        if type(value) is not str:
            _expect("string", value)
        try:
            return parse(value)
        except (InvalidVersion, InvalidSpecifier):
            msg = f"{value!r} is not a valid {what}"
            raise ValueError(msg) from None

    return hook


def is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def enum_hook(cl: type[enum.Enum]) -> Hook:
    """
    Structure an enum from its value, with a did-you-mean hint.
    """
    values = [member.value for member in cl]
    what = re.sub(r"(?<!^)(?=[A-Z])", " ", cl.__name__).lower()

    def hook(value: object, _: object) -> enum.Enum:
        if type(value) is not str:
            _expect("string", value)
        if value not in values:
            hint = did_you_mean(value, values) or "; use " + ", ".join(
                map(repr, values)
            )
            article = "an" if what[0] in "aeiou" else "a"
            msg = f"{value!r} is not {article} {what}{hint}"
            raise ValueError(msg)
        return cl(value)

    return hook


def is_union(t: Any) -> bool:
    return typing.get_origin(t) in {typing.Union, types.UnionType}


def union_hook(t: Any, converter: cattrs.BaseConverter) -> Hook:
    """
    Structure an optional value, or pick a union member by TOML kind.
    """
    members = [m for m in typing.get_args(t) if m is not type(None)]
    hooks = [(m, converter.get_structure_hook(m)) for m in members]

    def accepts(member: Any, value: object) -> bool:
        if member in PRIMITIVES:
            return type(value) is member or (
                member is float and type(value) is int
            )
        return isinstance(value, list)

    def hook(value: object, _: object) -> Any:
        if value is None:
            return None
        if len(hooks) == 1:
            return hooks[0][1](value, members[0])
        for member, member_hook in hooks:
            if accepts(member, value):
                return member_hook(value, member)
        names = [PRIMITIVES.get(m, "array") for m in members]
        _expect(", ".join(names[:-1]) + f" or {names[-1]}", value)

    return hook


def is_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and args[1:] == (...,)


def _noted(exc: Exception, index: object, cl: Any) -> Exception:
    exc.add_note(IterableValidationNote(f"@ {index!r}", index, cl))  # type: ignore[arg-type]  # cattrs types indices as int | str; TOML keys are str
    return exc


def tuple_hook(t: Any, converter: cattrs.BaseConverter) -> Hook:
    """
    Structure an array, collecting the problems of every item.
    """
    item_type = typing.get_args(t)[0]
    item_hook = converter.get_structure_hook(item_type)

    def hook(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            _expect("array", value)
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except CAUGHT as exc:
                errors.append(_noted(exc, index, item_type))
        if errors:
            msg = "invalid items"
            raise IterableValidationError(msg, errors, t)
        return tuple(items)

    return hook


def _checked(base: Hook, field: attrs.Attribute[Any]) -> Hook:
    """
    Run a field's validator right after structuring it, so that every
    field's problem is reported, not just the first one ``__init__`` meets.
    """
    validator = field.validator

    def hook(value: object, t: object) -> Any:
        result = base(value, t)
        if validator is not None:
            validator(None, field, result)
        return result

    return hook


def table_fields(
    field: attrs.Attribute[Any],
) -> tuple[type, attrs.Attribute[Any], attrs.Attribute[Any] | None]:
    """
    For a tuple field written as a table: the item class, the item field
    that the keys fill and the one the values fill (None: the whole item).
    """
    item_cl = typing.get_args(field.type)[0]
    attrs.resolve_types(item_cl)
    fields = attrs.fields(item_cl)
    key = next(f for f in fields if f.metadata.get("table_key"))
    value = next((f for f in fields if f.metadata.get("table_value")), None)
    return item_cl, key, value


def _item_builder(
    field: attrs.Attribute[Any], converter: cattrs.BaseConverter
) -> Callable[[Any, Any], Any]:
    item_cl, key_field, value_field = table_fields(field)
    key_hook = _checked(converter.get_structure_hook(str), key_field)
    if value_field is not None:
        value_type = value_field.type
        value_hook = _checked(
            converter.get_structure_hook(value_type), value_field
        )

        def build_pair(key: object, raw: object) -> Any:
            name = key_hook(key, str)
            value = value_hook(raw, value_type)
            return item_cl(**{key_field.name: name, value_field.name: value})

        return build_pair
    item_hook = converter.get_structure_hook(item_cl)

    def build_table(key: object, raw: object) -> Any:
        name = key_hook(key, str)
        if not isinstance(raw, Mapping):
            _expect("table", raw)
        # The key comes from the table's name, so it is unknown inside.
        extra = set(raw) & {key_field.name}
        errors: list[Exception] = []
        if extra:
            errors.append(ForbiddenExtraKeysError("", item_cl, extra))
        try:
            item = item_hook({**raw, key_field.name: name}, item_cl)
        except ClassValidationError as exc:
            errors[:0] = exc.exceptions
        if errors:
            msg = f"invalid {item_cl.__name__}"
            raise ClassValidationError(msg, errors, item_cl)
        return item

    return build_table


def _keyed_hook(
    field: attrs.Attribute[Any], converter: cattrs.BaseConverter
) -> Hook:
    """
    Structure a ``[table]`` whose keys name the items of a tuple field.
    """
    build = _item_builder(field, converter)
    key_name = table_fields(field)[1].name

    def hook(value: object, t: object) -> tuple[Any, ...]:
        if not isinstance(value, Mapping):
            _expect("table", value)
        items, errors = [], []
        for key, raw in value.items():
            try:
                items.append(build(key, raw))
            except CAUGHT as exc:
                errors.append(_noted(exc, key, t))
        if errors:
            msg = f"invalid {field.name}"
            raise IterableValidationError(msg, errors, tuple)
        return tuple(sorted(items, key=lambda item: getattr(item, key_name)))

    return hook


def model_hook(cl: type, converter: cattrs.BaseConverter) -> Hook:
    """
    Structure an attrs model from a table with hyphenated keys.
    """
    attrs.resolve_types(cl)
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cl):
        if field.metadata.get("keyed"):
            base = _keyed_hook(field, converter)
        else:
            base = converter.get_structure_hook(field.type)
        overrides[field.name] = override(
            rename=toml_key(field), struct_hook=_checked(base, field)
        )
    generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
        cl, converter, **overrides
    )

    def hook(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            _expect("table", value)
        return generated(value, cl)

    return hook
