"""
What can go wrong with a worker, as the host sees it: the worker is gone
(it died, or the host stopped it), or it answered with an error, which
is raised again in the host as the library's own exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acc_plugins.errors import (
    PluginCallError,
    PluginNotFoundError,
    ToolArgumentError,
)


if TYPE_CHECKING:
    from collections.abc import Mapping


class WorkerGone(RuntimeError):  # noqa: N818 -- reads as what happened
    """
    The worker died or stopped answering; it has been killed.
    """


class WorkerStopped(WorkerGone):
    """
    The host stopped the worker (the plugin was deactivated, quarantined,
    or replaced by a reload): not the plugin's failure.
    """


def raise_remote(target: str, error: Mapping[str, Any]) -> None:
    """
    Raise, in the host, the error a worker reported for *target*.
    """
    kind = error.get("type")
    message = str(error.get("message", "failed"))
    if kind == "ToolArgumentError":
        raise ToolArgumentError(
            target, list(error.get("problems") or [message])
        )
    if kind == "PluginNotFoundError":
        raise PluginNotFoundError(target, message)
    if kind == "PermissionDenied":
        raise PluginCallError(target, message)
    location = error.get("location")
    text = (
        message.split(": ", 1)[-1] if message.startswith(target) else message
    )
    raise PluginCallError(target, text.removeprefix("failed: "), location)
