"""
JSON Schemas of the documents the library exchanges with other programs,
and TypeScript declarations translated from those same schemas.

- ``manifest``: ``plugin.toml`` (as JSON);
- ``tools``: a tool as ``PluginHost.tools()`` describes it, with the JSON
  Schema subset of its arguments;
- ``events``: the events the host emits, keyed by name;
- ``index``: a registry's ``index.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ._typescript import typescript


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["DOCUMENTS", "json_schema", "typescript", "typescript_declarations"]

# Each document: the TypeScript name of its root type.
DOCUMENTS: Final = {
    "manifest": "PluginManifest",
    "tools": "ToolInfo",
    "events": "HostEvent",
    "index": "RegistryIndexFile",
}


def _builder(what: str) -> Callable[[], dict[str, Any]]:
    # Imported on use: the index and the events bring in market and host.
    if what == "manifest":
        from acc_plugins.manifest import manifest_json_schema  # noqa: PLC0415

        return manifest_json_schema
    if what == "tools":
        from ._tools import tools_json_schema  # noqa: PLC0415

        return tools_json_schema
    if what == "events":
        from ._events import events_json_schema  # noqa: PLC0415

        return events_json_schema
    if what == "index":
        from ._index import index_json_schema  # noqa: PLC0415

        return index_json_schema
    msg = f"no schema {what!r}; choose from {', '.join(DOCUMENTS)}"
    raise ValueError(msg)


def json_schema(what: str) -> dict[str, Any]:
    """
    The JSON Schema (draft 2020-12) of one document.

    Args:
        what: ``manifest``, ``tools``, ``events`` or ``index``.

    Raises:
        ValueError: For another name.
    """
    from acc_plugins.manifest._schema import DRAFT  # noqa: PLC0415

    schema = _builder(what)()
    return {"$schema": DRAFT, **schema}


def typescript_declarations(whats: Iterable[str]) -> str:
    """
    TypeScript declarations (a ``.d.ts`` module) for the documents
    *whats*, translated from their JSON Schemas.
    """
    return typescript({DOCUMENTS[w]: json_schema(w) for w in whats})
