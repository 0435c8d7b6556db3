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

    from ._outside import Environment, Files, Http, Processes

    JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]
else:
    JSON = object


class Logger(Protocol):
    """
    The plugin's log; lines are prefixed with the plugin's name.

    The host keeps the last 200 lines for ``acc-plugins info`` and passes
    each to the ``logging`` logger ``acc_plugins.plugin.<name>``.  No
    permission is needed.
    """

    def debug(self, message: str) -> None:
        """
        Log *message* at the ``DEBUG`` level.
        """

    def info(self, message: str) -> None:
        """
        Log *message* at the ``INFO`` level.
        """

    def warning(self, message: str) -> None:
        """
        Log *message* at the ``WARNING`` level.
        """

    def error(self, message: str) -> None:
        """
        Log *message* at the ``ERROR`` level.
        """


class Storage(Protocol):
    """
    A small key-value store of JSON values that belongs to the plugin.

    It needs no permission, survives restarts and reloads, and only this
    plugin sees it.  ``[limits] storage-mb`` bounds its size.  Keys are
    strings of at most 256 characters.
    """

    def get(self, key: str, default: JSON = None) -> Any:
        """
        The value stored under *key*, or a copy of *default*.

        Args:
            key: The key.

            default: What to return when nothing is stored under *key*.
        """

    def set(self, key: str, value: JSON) -> None:
        """
        Store a copy of *value* under *key*, replacing what was there.

        Args:
            key: The key.

            value: JSON data: ``None``, ``bool``, ``int``, ``float``,
                ``str``, lists and dicts with string keys.

        Raises:
            ValueError: The value would take the plugin past its storage
                quota; nothing changes.
        """

    def delete(self, key: str) -> None:
        """
        Remove *key* and its value; a missing key is not an error.
        """

    def keys(self) -> list[str]:
        """
        Every key the plugin has stored, sorted.
        """


class Events(Protocol):
    """
    The event bus; what a plugin emits is namespaced with its name.
    """

    def emit(self, name: str, payload: JSON = None) -> int:
        """
        Emit the event ``<plugin>.<name>`` to every hook that listens.

        Needs the permission ``host:events.emit``.

        Args:
            name: The event's name, without the plugin's prefix.

            payload: JSON data; each hook receives its own copy.

        Returns:
            How many hooks received the event.

        Raises:
            PermissionDenied: The plugin was not granted
                ``host:events.emit``.
        """


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
    ) -> str:
        """
        Ask Claude and return its text answer.

        The host's provider answers (``FakeClaude`` offline).  What a call
        may spend is bounded by ``[limits] model-tokens`` and
        ``model-cost-usd``.

        Args:
            prompt: The question.

            system: A system prompt.  While one of the plugin's agents
                runs, what other plugins contribute to its prompt is
                added.

            max_tokens: At most how many tokens the answer may have, from
                1 to 200000.

        Raises:
            PermissionDenied: The plugin was not granted
                ``host:claude.query``.

            RuntimeError: The application provides no Claude.
        """


class Tools(Protocol):
    """
    Calls to other plugins' tools (those of declared dependencies, or
    granted by ``host:tools:<plugin>.<tool>``).
    """

    def call(self, name: str, /, **arguments: JSON) -> Any:
        """
        Call the tool *name* (``plugin.tool``) and return its result.

        The arguments are checked against the tool's schema, as for any
        caller.  A plugin may call its own tools and those of the plugins
        it lists under ``[dependencies]``; any other needs
        ``host:tools:<plugin>.<tool>`` (or ``host:tools:<plugin>.*``).

        Raises:
            PermissionDenied: The tool belongs to a plugin that is neither
                a dependency nor granted.
        """


class Context(Protocol):
    """
    ``self.ctx`` of a plugin: its name, settings and capabilities.

    Every capability checks the plugin's granted permissions before it
    acts, and copies data in both directions.
    """

    @property
    def plugin(self) -> str:
        """
        The plugin's name.
        """

    @property
    def log(self) -> Logger:
        """
        The plugin's log.
        """

    @property
    def settings(self) -> Mapping[str, Any]:
        """
        The current settings, read-only: each declared in ``[settings]``,
        with the user's value or its default.
        """

    @property
    def storage(self) -> Storage:
        """
        The plugin's own key-value store.
        """

    @property
    def events(self) -> Events:
        """
        The event bus, to emit events (``host:events.emit``).
        """

    @property
    def claude(self) -> Claude:
        """
        Claude (``host:claude.query``).
        """

    @property
    def tools(self) -> Tools:
        """
        Other plugins' tools.
        """

    @property
    def fs(self) -> Files:
        """
        Files under granted roots (``fs:read:...``, ``fs:write:...``).
        """

    @property
    def env(self) -> Environment:
        """
        Granted environment variables (``env:NAME``).
        """

    @property
    def process(self) -> Processes:
        """
        Granted programs (``process:<program>``).
        """

    @property
    def http(self) -> Http:
        """
        HTTP(S) to granted hosts (``net:<url prefix>``).
        """


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
