"""
``FakeHttp``: an offline stand-in for the network behind ``ctx.http``.

The host checks every request against the plugin's grants first, exactly
as it does with the real network; only the sending is faked.  A test
scripts responses by method and URL and reads back what was sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


@attrs.frozen
class HttpRequest:
    """
    One request a plugin sent, as the host passed it on.

    Attributes:
        method: ``"GET"`` or ``"POST"``.

        url: The URL after the host's check (normalised: lower-case
            scheme and host, no default port, no fragment).

        headers: What the plugin set.

        body: The bytes sent, or None.
    """

    method: str
    url: str
    headers: dict[str, str] = attrs.Factory(dict)
    body: bytes | None = None

    @property
    def text(self) -> str:
        """
        The body as text ("" without one).
        """
        return (self.body or b"").decode("utf-8", "replace")

    def json(self) -> Any:
        """
        The body parsed as JSON.
        """
        return json.loads(self.text)


@attrs.frozen
class _Response:
    status: int
    text: str
    headers: dict[str, str]
    times: int | None


@attrs.define
class FakeHttp:
    """
    Scripted HTTP responses, by method and URL, and a record of every
    request: hand it to a host as ``PluginHost(http=...)``, or let the
    testing kit's fixtures do it.

    A request nothing was scripted for raises ``ConnectionError`` in the
    plugin, naming the method and URL, as an unreachable host would.

    Attributes:
        requests: Every request sent, oldest first.
    """

    requests: list[HttpRequest] = attrs.Factory(list)
    _routes: dict[tuple[str, str], list[_Response]] = attrs.Factory(dict)

    def respond(
        self,
        method: str,
        url: str,
        *,
        status: int = 200,
        text: str = "",
        json: object = None,
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """
        Answer *method* requests to *url* with this response.

        Args:
            method: ``"GET"`` or ``"POST"``.

            url: The URL as the host normalises it (``https://x.org/``
                for ``https://X.org``: the path is at least ``/``).

            status: The status code.

            text: The body.

            json: A body to send as JSON instead of *text* (with a
                ``content-type: application/json`` header).

            headers: Response headers.

            times: How many requests this answers; None for every one.
                Responses scripted for the same request are used in turn.
        """
        sent = {k.lower(): v for k, v in (headers or {}).items()}
        if json is not None:
            text = _dumps(json)
            sent.setdefault("content-type", "application/json")
        key = (method.upper(), url)
        self._routes.setdefault(key, []).append(
            _Response(status, text, sent, times)
        )

    def requests_to(self, url: str) -> list[HttpRequest]:
        """
        The requests sent to *url*, oldest first.
        """
        return [r for r in self.requests if r.url == url]

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
        """
        Send one request (the ``HttpTransport`` the host calls).
        """
        del timeout, check  # answered at once; it never redirects
        self.requests.append(HttpRequest(method, url, dict(headers), body))
        scripted = self._routes.get((method, url), [])
        if not scripted:
            known = ", ".join(f"{m} {u}" for m, u in self._routes) or "none"
            msg = (
                f"{method} {url}: no response scripted in FakeHttp "
                f"(scripted: {known})"
            )
            raise ConnectionError(msg)
        response = scripted[0]
        if response.times is not None:
            left = response.times - 1
            if left <= 0:
                scripted.pop(0)
            else:
                scripted[0] = attrs.evolve(response, times=left)
        if len(response.text.encode()) > max_bytes:
            msg = (
                "the response is larger than the output limit of "
                f"{max_bytes} bytes"
            )
            raise ValueError(msg)
        return {
            "status": response.status,
            "url": url,
            "headers": dict(response.headers),
            "text": response.text,
        }


def _dumps(value: object) -> str:
    return json.dumps(value)
