"""
What plugin code sees of the host: the capability context and events.

These are protocols for type checkers and documentation.  The host supplies
the implementations, each a facade whose every method checks a permission
before it acts and copies data in both directions.  What comes back from
the host (settings, stored values, other tools' results) is typed ``Any``:
the manifest and the other tool's schema say what it is, so plugin code
reads it without casts and ``mypy --strict`` still checks the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import attrs


if TYPE_CHECKING:
    from collections.abc import Mapping

    JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]
else:
    JSON = object


class Logger(Protocol):
    """
    The plugin's log; lines are prefixed with the plugin's name.
    """

    def debug(self, message: str) -> None: ...
    def info(self, message: str) -> None: ...
    def warning(self, message: str) -> None: ...
    def error(self, message: str) -> None: ...


class Storage(Protocol):
    """
    A small key-value store of JSON values that belongs to the plugin.
    """

    def get(self, key: str, default: JSON = None) -> Any: ...
    def set(self, key: str, value: JSON) -> None: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> list[str]: ...


class Events(Protocol):
    """
    The event bus; what a plugin emits is namespaced with its name.
    """

    def emit(self, name: str, payload: JSON = None) -> int: ...


class Claude(Protocol):
    """
    The host's Claude capability (permission ``host:claude.query``).
    """

    def query(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_tokens: int = 1024,
    ) -> str: ...


class Tools(Protocol):
    """
    Calls to other plugins' tools (those of declared dependencies, or
    granted by ``host:tools:<plugin>.<tool>``).
    """

    def call(self, name: str, /, **arguments: JSON) -> Any: ...


class Files(Protocol):
    """
    Files under the roots the plugin was granted (``fs:read:...``,
    ``fs:write:...``); relative paths start at the workspace.
    """

    def read_text(self, path: str, encoding: str = "utf-8") -> str: ...
    def write_text(
        self, path: str, text: str, encoding: str = "utf-8"
    ) -> int: ...
    def exists(self, path: str) -> bool: ...
    def listdir(self, path: str = ".") -> list[str]: ...


class Environment(Protocol):
    """
    Environment variables the plugin was granted (``env:NAME``).
    """

    def get(self, name: str, default: str | None = None) -> str | None: ...


class Processes(Protocol):
    """
    Programs the plugin was granted (``process:git``), run without a shell.
    """

    def run(
        self,
        argv: list[str],
        *,
        input: str | None = None,  # noqa: A002 -- subprocess's own word
        timeout: float = 10.0,
    ) -> dict[str, Any]: ...


class Http(Protocol):
    """
    HTTP requests to granted hosts (``net:https://api.example.com``).

    Each returns ``{"status", "url", "headers", "text"}``.
    """

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]: ...
    def post(
        self,
        url: str,
        *,
        json: JSON = None,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]: ...


class Context(Protocol):
    """
    ``self.ctx`` of a plugin: its name, settings and capabilities.
    """

    @property
    def plugin(self) -> str: ...
    @property
    def log(self) -> Logger: ...
    @property
    def settings(self) -> Mapping[str, Any]: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def events(self) -> Events: ...
    @property
    def claude(self) -> Claude: ...
    @property
    def tools(self) -> Tools: ...
    @property
    def fs(self) -> Files: ...
    @property
    def env(self) -> Environment: ...
    @property
    def process(self) -> Processes: ...
    @property
    def http(self) -> Http: ...


@attrs.frozen
class Event:
    """
    One event delivered to a hook.

    Attributes:
        name: The event's full name, such as ``"plugin.activated"`` or
            ``"text-tools.indexed"``.

        payload: A private copy of the event's data (JSON values).

        source: The plugin that emitted it, or ``"host"``.
    """

    name: str
    payload: Any = None
    source: str = "host"
