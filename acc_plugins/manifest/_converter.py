"""
The one cattrs converter: TOML data to a ``Manifest`` and back.

Structuring collects every problem (cattrs's detailed validation plus the
models' own checks) and this module alone turns them into a single
``ManifestError``, one ``"field.path: reason"`` line per problem.
``_hooks`` holds the structure hooks and ``_messages`` the wording.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.errors import ManifestError
from acc_plugins.manifest._checks import toml_key
from acc_plugins.manifest._filesystem import FilesystemPermission
from acc_plugins.manifest._hooks import (
    CAUGHT,
    PRIMITIVES,
    enum_hook,
    from_text,
    is_enum,
    is_tuple,
    is_union,
    model_hook,
    primitive,
    table_fields,
    tuple_hook,
    union_hook,
)
from acc_plugins.manifest._messages import (
    structuring_problems,
    syntax_problem,
)
from acc_plugins.manifest._models import EntryPoint, Manifest
from acc_plugins.manifest._network import NetworkPermission
from acc_plugins.manifest._permissions import (
    EnvironmentPermission,
    HostPermission,
    ProcessPermission,
)


if TYPE_CHECKING:
    from collections.abc import Callable


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

converter: Final = cattrs.Converter(forbid_extra_keys=True)


def _is_model(t: Any) -> bool:
    return attrs.has(t) and t not in _TEXT_TYPES


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
    item_cl, key_field, value_field = table_fields(field)

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


for _cl in PRIMITIVES:
    converter.register_structure_hook(_cl, primitive(_cl))
for _cl, _parse in _TEXT_TYPES.items():
    _what = "version specifier" if _cl is SpecifierSet else "version"
    converter.register_structure_hook(_cl, from_text(_parse, _what))
    converter.register_unstructure_hook(_cl, _text_of)
converter.register_structure_hook_factory(is_enum, enum_hook)
converter.register_structure_hook_factory(is_union, union_hook)
converter.register_structure_hook_factory(is_tuple, tuple_hook)
converter.register_structure_hook_factory(_is_model, model_hook)
# A tuple in a union field (a list setting's default) dispatches on tuple.
converter.register_unstructure_hook(tuple, _list_of)
converter.register_unstructure_hook_factory(is_tuple, lambda _: _list_of)
converter.register_unstructure_hook_factory(_is_model, _model_unhook)


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
    except CAUGHT as exc:
        problems = structuring_problems(exc, data)
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


def parse_manifest(
    text: str | bytes, *, path: str = "plugin.toml"
) -> Manifest:
    """
    Parse the text of a ``plugin.toml``.

    Args:
        text: The TOML document, or the file's bytes (UTF-8).

        path: The file it came from, for the error message.

    Returns:
        The manifest.

    Raises:
        ManifestError: Lists every problem, or the TOML syntax error.
    """
    if isinstance(text, bytes):
        text = _decoded(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, [syntax_problem(exc, text)]) from exc
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
    return parse_manifest(raw, path=name)


def _decoded(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = f"line {line}: not valid UTF-8 (byte {raw[exc.start]:#04x})"
        raise ManifestError(path, [problem]) from exc
