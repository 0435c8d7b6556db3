"""
The one cattrs converter: TOML data to a ``Manifest`` and back.

Structuring collects every problem (cattrs's detailed validation plus the
models' own checks) and this module alone turns them into a single
``ManifestError``, one ``"field.path: reason"`` line per problem.
"""

from __future__ import annotations

import enum
import json
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, NoReturn, TypeAlias

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import (
    make_dict_structure_fn,
    make_dict_unstructure_fn,
    override,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import ManifestError
from acc_plugins.manifest._models import (
    EntryPoint,
    InvalidFieldsError,
    Manifest,
    kind_of,
    toml_key,
)
from acc_plugins.manifest._permissions import (
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    NetworkPermission,
    ProcessPermission,
    did_you_mean,
)


Hook: TypeAlias = Callable[[Any, Any], Any]
Problem: TypeAlias = tuple[tuple[object, ...], str]

# What structuring may raise for bad data; anything else is a bug here.
_CAUGHT: Final = (cattrs.BaseValidationError, KeyError, TypeError, ValueError)
_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_TOML_AT: Final = re.compile(
    r"(?P<reason>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)",
    re.DOTALL,
)
# Types written as one string in TOML: how to parse and how to write them.
_TEXT_TYPES: Final[dict[type, Callable[[str], Any]]] = {
    EntryPoint: EntryPoint.from_text,
    SpecifierSet: SpecifierSet,
    Version: Version,
    EnvironmentPermission: EnvironmentPermission.from_entry,
    FilesystemPermission: FilesystemPermission.from_entry,
    HostPermission: HostPermission.from_entry,
    NetworkPermission: NetworkPermission.from_entry,
    ProcessPermission: ProcessPermission.from_entry,
}
_NAMES: Final[dict[type, str]] = {
    bool: "boolean",
    float: "float",
    int: "integer",
    str: "string",
}

converter: Final = cattrs.Converter(forbid_extra_keys=True)


def _expect(expected: str, value: object) -> NoReturn:
    msg = f"expected {expected}, got {kind_of(value)}"
    raise TypeError(msg)


def _primitive(cl: type) -> Hook:
    def hook(value: object, _: object) -> object:
        # Exact types: TOML has no coercions, and a bool is not an int.
        if type(value) is cl or (cl is float and type(value) is int):
            return value
        _expect(_NAMES[cl], value)

    return hook


def _from_text(parse: Callable[[str], Any], what: str = "") -> Hook:
    def hook(value: object, _: object) -> Any:
        if type(value) is not str:
            _expect("string", value)
        try:
            return parse(value)
        except (InvalidVersion, InvalidSpecifier):
            msg = f"{value!r} is not a valid {what}"
            raise ValueError(msg) from None

    return hook


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_hook(cl: type[enum.Enum]) -> Hook:
    values = [member.value for member in cl]
    what = re.sub(r"(?<!^)(?=[A-Z])", " ", cl.__name__).lower()

    def hook(value: object, _: object) -> enum.Enum:
        if type(value) is not str:
            _expect("string", value)
        if value not in values:
            hint = did_you_mean(value, values) or "; use " + ", ".join(
                map(repr, values)
            )
            msg = f"{value!r} is not a {what}{hint}"
            raise ValueError(msg)
        return cl(value)

    return hook


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in {typing.Union, types.UnionType}


def _union_hook(t: Any) -> Hook:
    members = [m for m in typing.get_args(t) if m is not type(None)]
    hooks = [(m, converter.get_structure_hook(m)) for m in members]

    def accepts(member: Any, value: object) -> bool:
        if member in _NAMES:
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
        names = [_NAMES.get(m, "array") for m in members]
        _expect(", ".join(names[:-1]) + f" or {names[-1]}", value)

    return hook


def _is_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and args[1:] == (...,)


def _noted(exc: Exception, index: object, cl: Any) -> Exception:
    exc.add_note(IterableValidationNote(f"@ {index!r}", index, cl))  # type: ignore[arg-type]  # cattrs types indices as int | str; TOML keys are str
    return exc


def _tuple_hook(t: Any) -> Hook:
    item_type = typing.get_args(t)[0]
    item_hook = converter.get_structure_hook(item_type)

    def hook(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            _expect("array", value)
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except _CAUGHT as exc:
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


def _table_fields(
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


def _item_builder(field: attrs.Attribute[Any]) -> Callable[[Any, Any], Any]:
    item_cl, key_field, value_field = _table_fields(field)
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


def _keyed_hook(field: attrs.Attribute[Any]) -> Hook:
    """
    Structure a ``[table]`` whose keys name the items of a tuple field.
    """
    build = _item_builder(field)
    key_name = _table_fields(field)[1].name

    def hook(value: object, t: object) -> tuple[Any, ...]:
        if not isinstance(value, Mapping):
            _expect("table", value)
        items, errors = [], []
        for key, raw in value.items():
            try:
                items.append(build(key, raw))
            except _CAUGHT as exc:
                errors.append(_noted(exc, key, t))
        if errors:
            msg = f"invalid {field.name}"
            raise IterableValidationError(msg, errors, tuple)
        return tuple(sorted(items, key=lambda item: getattr(item, key_name)))

    return hook


def _is_model(t: Any) -> bool:
    return attrs.has(t) and t not in _TEXT_TYPES


def _model_hook(cl: type) -> Hook:
    attrs.resolve_types(cl)
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cl):
        if field.metadata.get("keyed"):
            base = _keyed_hook(field)
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


def _text_of(value: Any) -> str:
    if isinstance(value, EntryPoint):
        return value.text
    if isinstance(value, Version | SpecifierSet):
        return str(value)
    entry: str = value.entry  # A permission, in its table form.
    return entry


def _list_of(items: tuple[Any, ...]) -> list[Any]:
    return [converter.unstructure(item) for item in items]


def _keyed_unhook(field: attrs.Attribute[Any]) -> Callable[[Any], Any]:
    item_cl, key_field, value_field = _table_fields(field)

    def unhook(items: tuple[Any, ...]) -> dict[str, Any]:
        table = {}
        for item in items:
            if value_field is not None:
                body = converter.unstructure(getattr(item, value_field.name))
            else:
                body = converter.unstructure(item, item_cl)
                del body[toml_key(key_field)]
            table[getattr(item, key_field.name)] = body
        return table

    return unhook


def _model_unhook(cl: type) -> Callable[[Any], dict[str, Any]]:
    attrs.resolve_types(cl)
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cl):
        unhook = _keyed_unhook(field) if field.metadata.get("keyed") else None
        overrides[field.name] = override(
            rename=toml_key(field), unstruct_hook=unhook
        )
    return make_dict_unstructure_fn(
        cl, converter, _cattrs_omit_if_default=True, **overrides
    )


for _cl in _NAMES:
    converter.register_structure_hook(_cl, _primitive(_cl))
for _cl, _parse in _TEXT_TYPES.items():
    _what = "version specifier" if _cl is SpecifierSet else "version"
    converter.register_structure_hook(_cl, _from_text(_parse, _what))
    converter.register_unstructure_hook(_cl, _text_of)
converter.register_structure_hook_factory(_is_enum, _enum_hook)
converter.register_structure_hook_factory(_is_union, _union_hook)
converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
converter.register_structure_hook_factory(_is_model, _model_hook)
# A tuple in a union field (a list setting's default) dispatches on tuple.
converter.register_unstructure_hook(tuple, _list_of)
converter.register_unstructure_hook_factory(_is_tuple, lambda _: _list_of)
converter.register_unstructure_hook_factory(_is_model, _model_unhook)


def _names(cl: type | None) -> dict[str, str]:
    """
    Map a model's field names to their TOML keys.
    """
    if cl is None or not attrs.has(cl):
        return {}
    return {
        field.name: toml_key(field)
        for field in attrs.fields(cl)
        if not field.metadata.get("table_key")
    }


def _collect_group(
    exc: cattrs.BaseValidationError,
    where: tuple[object, ...],
    out: list[Problem],
) -> None:
    if isinstance(exc, ClassValidationError):
        names = _names(exc.cl)
        noted, plain = exc.group_exceptions()
        for sub, note in noted:
            _collect(sub, (*where, names.get(note.name, note.name)), None, out)
    elif isinstance(exc, IterableValidationError):
        items, plain = exc.group_exceptions()
        for sub, item in items:
            _collect(sub, (*where, item.index), None, out)
    else:
        plain = list(exc.exceptions)
    for sub in plain:
        _collect(sub, where, exc.cl, out)


def _collect(
    exc: BaseException,
    where: tuple[object, ...],
    cl: type | None,
    out: list[Problem],
) -> None:
    """
    Flatten a nested structuring failure into located problems.

    ``cl`` is the model whose field names a problem's location may use.
    """
    if isinstance(exc, cattrs.BaseValidationError):
        _collect_group(exc, where, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        known = sorted(_names(exc.cl).values())
        for key in sorted(exc.extra_fields, key=str):
            hint = did_you_mean(str(key), known)
            out.append(((*where, key), f"unknown key{hint}"))
    elif isinstance(exc, InvalidFieldsError):
        names = _names(cl)
        for location, reason in exc.problems:
            head, *tail = location or ("",)
            head = names.get(head, head) if isinstance(head, str) else head
            located = (head, *tail) if location else ()
            out.append(((*where, *located), reason))
    elif isinstance(exc, KeyError):
        out.append((where, "required"))
    else:
        out.append((where, str(exc)))


def _render(where: tuple[object, ...]) -> str:
    text = ""
    for segment in where:
        if isinstance(segment, int) and not isinstance(segment, bool):
            text += f"[{segment}]"
            continue
        key = str(segment)
        if not _BARE_KEY.fullmatch(key):
            key = json.dumps(key, ensure_ascii=False)
        text += f".{key}" if text else key
    return text


def _position(data: object, where: tuple[object, ...]) -> tuple[int, ...]:
    """
    Where a problem sits in the document, so problems read top to bottom;
    a missing key sorts after the keys that are there.
    """
    position = []
    node = data
    for segment in where:
        if isinstance(node, Mapping):
            keys = list(node)
            found = segment in keys
            position.append(keys.index(segment) if found else len(keys))
            node = node[segment] if found else None
        elif isinstance(node, list) and isinstance(segment, int):
            position.append(segment)
            node = node[segment] if 0 <= segment < len(node) else None
        else:
            position.append(0)
    return tuple(position)


def structure_manifest(data: object, *, path: str = "plugin.toml") -> Manifest:
    """
    Build a ``Manifest`` from TOML-shaped data, such as ``tomllib`` returns.

    Args:
        data: The parsed document.

        path: The file it came from, for the error message.

    Returns:
        The manifest.

    Raises:
        ManifestError: Lists every problem in the data.
    """
    try:
        return converter.structure(data, Manifest)
    except _CAUGHT as exc:
        found: list[Problem] = []
        _collect(exc, (), None, found)
        found.sort(key=lambda problem: _position(data, problem[0]))
        problems = [
            f"{_render(where)}: {reason}" if where else reason
            for where, reason in found
        ]
        raise ManifestError(path, problems) from exc


def unstructure_manifest(manifest: Manifest) -> dict[str, object]:
    """
    Turn a manifest into the data of its ``plugin.toml``.

    Keys are hyphenated as in TOML, values are canonical strings, and fields
    at their defaults are left out, so ``structure_manifest`` gives back an
    equal manifest.

    Args:
        manifest: The manifest.

    Returns:
        A dict that a TOML writer can write.
    """
    data: dict[str, object] = converter.unstructure(manifest, Manifest)
    return data


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(exc)
    match = _TOML_AT.fullmatch(message)
    if match:
        line, column = match["line"], match["column"]
        reason = match["reason"]
    else:
        # tomllib says "(at end of document)" instead of a line and column.
        reason = message.removesuffix(" (at end of document)")
        line = str(text.count("\n") + 1)
        column = str(len(text) - text.rfind("\n"))
    return f"line {line}, column {column}: {reason[:1].lower()}{reason[1:]}"


def parse_manifest(text: str, *, path: str = "plugin.toml") -> Manifest:
    """
    Parse the text of a ``plugin.toml``.

    Args:
        text: The TOML document.

        path: The file it came from, for the error message.

    Returns:
        The manifest.

    Raises:
        ManifestError: Lists every problem, or the TOML syntax error.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, [_syntax_problem(exc, text)]) from exc
    except RecursionError as exc:
        raise ManifestError(path, ["values are nested too deeply"]) from exc
    except ValueError as exc:
        # tomllib lets Python's limit on decimal digits escape as is.
        raise ManifestError(path, ["an integer has too many digits"]) from exc
    return structure_manifest(data, path=path)


def load_manifest(path: os.PathLike[str] | str) -> Manifest:
    """
    Read and parse a ``plugin.toml`` file.

    Args:
        path: The file.

    Returns:
        The manifest.

    Raises:
        ManifestError: The file cannot be read, is not UTF-8, or is invalid.
    """
    name = os.fspath(path)
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        raise ManifestError(
            name, [f"cannot read: {exc.strerror or exc}"]
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = f"line {line}: not valid UTF-8 (byte {raw[exc.start]:#04x})"
        raise ManifestError(name, [problem]) from exc
    return parse_manifest(text, path=name)
