"""
A worker's ``ctx.http`` when the application gave its host an HTTP
transport of its own (a test's fake, a proxy): each request, already
checked in the worker, goes to the host, which checks it again and sends
it.  Only JSON crosses the pipe, so a body travels as base64.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import PermissionDenied


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.host.capabilities._http import HttpTransport
    from acc_plugins.security import Grants


def send_for_worker(
    http: HttpTransport,
    grants: Grants,
    message: Mapping[str, Any],
    on_denied: Callable[[str], None],
) -> dict[str, object]:
    """
    Send the request a worker asked the host to send, its URL checked
    again against the plugin's *grants* (*on_denied* is told a refusal).

    Raises:
        PermissionDenied: If the grants do not cover the URL.

        ValueError: If the request is malformed.

        RuntimeError: If the transport could not send it.
    """
    try:
        url = grants.check_url(str(message.get("url")))
    except PermissionDenied as exc:
        on_denied(exc.permission)
        raise
    headers = message.get("headers") or {}
    try:
        return http(
            str(message.get("method")),
            url,
            body=_wire_bytes(message.get("body")),
            headers={str(k): str(v) for k, v in dict(headers).items()},
            timeout=float(message.get("timeout", 10.0)),
            # Missing, no body fits: a malformed request gets nothing.
            max_bytes=int(message.get("max_bytes", 0)),
            check=grants.check_url,
        )
    except OSError as exc:
        # A failed connection reaches the worker as its text.
        raise RuntimeError(str(exc)) from None


def _wire_bytes(text: object) -> bytes | None:
    """
    A body as the host reads it off the wire (None: no body).

    Raises:
        ValueError: If it is not base64 text.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        msg = "a request body must be base64 text"
        raise ValueError(msg)  # noqa: TRY004 -- malformed, as base64 is
    return base64.b64decode(text, validate=True)


class RemoteHttp:
    """
    The worker's ``HttpTransport``: asks the host to send each request.

    Args:
        request: Sends one request to the host and returns its answer.
    """

    def __init__(self, request: Callable[..., Any]) -> None:
        self._request = request

    def __repr__(self) -> str:
        return "<RemoteHttp>"

    def __call__(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
        max_bytes: int,
        check: Callable[[str], str],
    ) -> dict[str, object]:
        del check  # the host checks redirects against the same grants
        answer = self._request(
            "http",
            method=method,
            url=url,
            body=None if body is None else base64.b64encode(body).decode(),
            headers=dict(headers),
            timeout=timeout,
            max_bytes=max_bytes,
        )
        return dict(answer)
