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


class Files(Protocol):
    """
    Files under the roots the plugin was granted (``fs:read:...``,
    ``fs:write:...``); relative paths start at the workspace.

    The host's own folders stay out of reach whatever is granted, and
    ``[limits] fs-operations`` bounds how many operations a call makes.
    """

    def read_text(self, path: str, encoding: str = "utf-8") -> str:
        """
        The text of the file *path* (permission ``fs:read``).

        Raises:
            PermissionDenied: *path* is outside every granted root.

            ValueError: The file is larger than the plugin's output limit.
        """

    def write_text(self, path: str, text: str, encoding: str = "utf-8") -> int:
        """
        Write *text* to *path* atomically (permission ``fs:write``).

        Missing parent folders are made.

        Returns:
            How many bytes were written.

        Raises:
            PermissionDenied: *path* is outside every root granted for
                writing.
        """

    def exists(self, path: str) -> bool:
        """
        Whether *path* exists (permission ``fs:read``).
        """

    def listdir(self, path: str = ".") -> list[str]:
        """
        The names in the folder *path*, sorted (permission ``fs:read``).
        """


class Environment(Protocol):
    """
    Environment variables the plugin was granted (``env:NAME``).
    """

    def get(self, name: str, default: str | None = None) -> str | None:
        """
        The value of the variable *name*, or *default* when it is unset.

        Raises:
            PermissionDenied: ``env:<name>`` was not granted.
        """


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
    ) -> dict[str, Any]:
        """
        Run ``argv`` in the workspace and wait for it.

        The program gets a minimal environment, and at most the time left
        of the plugin's budget.

        Args:
            argv: The program, granted as ``process:<program>``, and its
                arguments.

            input: Text for its standard input.

            timeout: Seconds it may take.

        Returns:
            ``{"returncode", "stdout", "stderr"}``; output is capped at the
            plugin's output limit.

        Raises:
            PermissionDenied: The program was not granted.

            FileNotFoundError: The program is not installed.

            TimeoutError: It did not finish in time.
        """


class Http(Protocol):
    """
    HTTP requests to granted hosts (``net:https://api.example.com``).

    Each returns ``{"status", "url", "headers", "text"}``.  A 4xx or 5xx
    answer is returned like any other; redirects are followed only to
    granted hosts.
    """

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """
        Send a ``GET`` request to *url*.

        Raises:
            PermissionDenied: *url* is not under a granted ``net:`` prefix.

            ConnectionError: The host could not be reached.

            ValueError: The response is larger than the output limit.
        """

    def post(
        self,
        url: str,
        *,
        json: JSON = None,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """
        Send a ``POST`` request to *url* with *text*, or else *json*.

        Raises:
            PermissionDenied: *url* is not under a granted ``net:`` prefix.

            ConnectionError: The host could not be reached.

            ValueError: The response is larger than the output limit.
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
