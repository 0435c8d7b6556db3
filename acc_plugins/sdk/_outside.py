"""
What plugin code sees of the world outside the host: files, environment
variables, programs and HTTP, each behind the grants of the plugin.

Protocols for type checkers and documentation, as in ``_context``; the
host supplies the implementations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol


if TYPE_CHECKING:
    from ._context import JSON


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
