"""
Put structuring and TOML failures into words: one problem string each.

A problem reads ``"field.path: reason"``, with the path in TOML keys, and
problems are sorted into the order of the document.
``_converter`` turns these strings into the one ``ManifestError``.
"""

import json
import re
import tomllib
from collections.abc import Mapping
from typing import Final, TypeAlias

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from acc_plugins.manifest._checks import (
    InvalidFieldsError,
    did_you_mean,
    toml_key,
)


Problem: TypeAlias = tuple[tuple[object, ...], str]

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_TOML_AT: Final = re.compile(
    r"(?P<reason>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)",
    re.DOTALL,
)


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


def structuring_problems(exc: BaseException, data: object) -> list[str]:
    """
    Describe everything wrong that a failed structuring of ``data`` found.

    Args:
        exc: What structuring raised.

        data: The TOML-shaped data it was given.

    Returns:
        One ``"field.path: reason"`` string per problem, top to bottom.
    """
    found: list[Problem] = []
    _collect(exc, (), None, found)
    found.sort(key=lambda problem: _position(data, problem[0]))
    return [
        f"{_render(where)}: {reason}" if where else reason
        for where, reason in found
    ]


def syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """
    Describe a TOML syntax error as ``"line L, column C: reason"``.
    """
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
