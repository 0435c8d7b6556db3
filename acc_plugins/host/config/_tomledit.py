"""
Editing a configuration file in place, the way its author wrote it.

``config set`` changes one value; the comments, blank lines, key order,
quoting and table layout the user chose stay byte-for-byte (tomlkit
keeps them), and names that need quotes get them (``[plugins."a b"]``).
A table emptied by an edit goes away unless it holds a comment, which
would go with it.  The caller checks what comes out against what it
meant to write, so a surprise from the library is an error, never a
wrong file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AbstractTable, Comment, InlineTable


if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping

# ``edited(enabled=UNCHANGED)``: leave the flag as it is.
UNCHANGED: Final = object()

_Table = Container | AbstractTable | OutOfOrderTableProxy


def _child(parent: _Table, key: str, *, super_table: bool) -> _Table:
    """
    The table *key* of *parent*, made if absent.
    """
    if key not in parent:
        made = (
            tomlkit.inline_table()
            if isinstance(parent, InlineTable)
            else tomlkit.table(is_super_table=super_table)
        )
        parent[key] = made
        return made
    child = parent[key]
    if not isinstance(child, _Table):  # pragma: no cover -- checked before
        msg = f"{key}: must be a table"
        raise TypeError(msg)
    return child


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _bare(table: _Table) -> bool:
    """
    Whether *table* holds nothing a person wrote: no key, no comment.
    """
    if len(table):
        return False
    if isinstance(table, OutOfOrderTableProxy):
        return False  # a table split in pieces: left as it is
    if isinstance(table, Container):
        return not any(isinstance(i, Comment) for _, i in table.body)
    return not table.trivia.comment and not any(
        isinstance(i, Comment) for _, i in table.value.body
    )


def _prune(parent: _Table, key: str) -> None:
    child = parent.get(key)
    if isinstance(child, _Table) and _bare(child):
        del parent[key]


def edited(
    text: str,
    plugin: str,
    *,
    enabled: object = UNCHANGED,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """
    *text* with *plugin*'s entry changed and nothing else.

    Args:
        text: A configuration file, already known to be valid.

        plugin: The plugin whose entry changes.

        enabled: Its new flag, None to remove it, or ``UNCHANGED``.

        settings: Setting values to set, key by key; None removes one.
    """
    document = tomlkit.parse(text)
    plugins = _child(document, "plugins", super_table=True)
    entry = _child(plugins, plugin, super_table=True)
    if enabled is not UNCHANGED:
        _put(entry, "enabled", enabled)
    if settings:
        table = _child(entry, "settings", super_table=False)
        for key, value in settings.items():
            _put(table, key, _plain(value))
        _prune(entry, "settings")
    _prune(plugins, plugin)
    _prune(document, "plugins")
    return tomlkit.dumps(document)


def _put(table: MutableMapping[str, Any], key: str, value: object) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value


def without_empty(table: Mapping[str, Any]) -> dict[str, Any]:
    """
    *table* without its empty tables, at any depth: an empty table a
    comment kept in the file reads as no table at all.
    """
    kept = {}
    for key, value in table.items():
        inner = without_empty(value) if isinstance(value, dict) else value
        if inner != {}:
            kept[key] = inner
    return kept


def to_toml(plugins: Mapping[str, Mapping[str, Any]]) -> str:
    """
    The text of a configuration file holding *plugins*: for each plugin,
    plain keys (``enabled``, ``version``, ``grants``) and a ``settings``
    table.
    """
    document = tomlkit.document()
    tables = tomlkit.table(is_super_table=True)
    for name in sorted(plugins):
        entry = plugins[name]
        table = tomlkit.table()
        for key in sorted(entry):
            if key != "settings":
                table[key] = _plain(entry[key])
        settings = entry.get("settings") or {}
        if settings:
            inner = tomlkit.table()
            for key in sorted(settings):
                inner[key] = _plain(settings[key])
            table["settings"] = inner
        tables[name] = table
    if plugins:
        document["plugins"] = tables
    return tomlkit.dumps(document)
