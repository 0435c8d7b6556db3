"""
``ctx.http``: HTTP requests to the hosts a plugin was granted.

Every request, and every redirect it leads to, is checked against the
grants before a connection is made.  Responses are read up to the plugin's
output limit and no further; each call into the plugin may make a bounded
number of requests; the timeout never outlasts the time budget.
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Final, Protocol

from acc_plugins.errors import PermissionDenied
from acc_plugins.host.dispatch._dispatch import copy_json

from ._allowance import PerCall
from ._facades import facade
from ._shield import shielded


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from http.client import HTTPResponse

    from acc_plugins.sandbox import Budget
    from acc_plugins.security import Grants

_MAX_REDIRECTS: Final = 5
_USER_AGENT: Final = "acc-plugins"


class HttpTransport(Protocol):
    """
    What sends a plugin's HTTP request, once the host has checked it:
    the standard library by default; an application (or a test) may hand
    the host its own.

    It returns the response as the plugin sees it: ``status`` (int),
    ``url`` (str), ``headers`` (lower-case names to str) and ``text``
    (str), at most *max_bytes* of body (else ``ValueError``).  A redirect
    it follows must pass *check* first, which returns the URL to use or
    raises ``PermissionDenied``.
    """

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
    ) -> dict[str, object]: ...


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """
    Follow a redirect only to a URL the grants allow, a few times at most.
    """

    max_redirections = _MAX_REDIRECTS

    def __init__(self, check: Callable[[str], str]) -> None:
        self._check = check

    def redirect_request(  # noqa: PLR0917 -- the standard library's signature
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        try:
            self._check(newurl)
        except BaseException:
            fp.close()  # the response that asked for the redirect
            raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _headers(value: Mapping[str, str] | None) -> dict[str, str]:
    if value is None:
        return {}
    if type(value) is not dict or not all(
        type(k) is str and type(v) is str for k, v in value.items()
    ):
        msg = "headers must be a dict of strings"
        raise TypeError(msg)
    return dict(value)


def send_urllib(
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
    The default ``HttpTransport``: ``urllib``, redirects checked.
    """
    sent = {"User-Agent": _USER_AGENT, **headers}
    opener = urllib.request.build_opener(_CheckedRedirects(check))
    prepared = urllib.request.Request(  # noqa: S310 -- http(s) only, checked
        url, data=body, headers=sent, method=method
    )
    try:
        response: HTTPResponse = opener.open(prepared, timeout=timeout)
    except urllib.error.HTTPError as exc:
        response = exc  # type: ignore[assignment]
    except urllib.error.URLError as exc:
        msg = f"{method} {url} failed: {exc.reason}"
        raise ConnectionError(msg) from None
    with response:
        data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        msg = (
            "the response is larger than the output limit of "
            f"{max_bytes} bytes"
        )
        raise ValueError(msg)
    return {
        "status": response.status,
        "url": response.geturl(),
        "headers": {k.lower(): v for k, v in response.headers.items()},
        "text": data.decode("utf-8", "replace"),
    }


def build_http(
    grants: Grants,
    *,
    output_bytes: int,
    max_requests: int,
    budget: Budget,
    on_denied: Callable[[str], None],
    send: HttpTransport = send_urllib,
) -> Any:
    """
    The ``http`` facade of one plugin.

    Args:
        grants: Which hosts it may reach.

        output_bytes: The most one response body may hold.

        max_requests: Requests allowed per call into the plugin.

        budget: Its time budget; a request may take what is left of it.

        on_denied: Told of every refusal.

        send: Sends each request once it is checked.
    """
    requests = PerCall(
        budget, max_requests, "network requests", "network-requests"
    )

    def check(url: str) -> str:
        try:
            return grants.check_url(url)
        except PermissionDenied as exc:
            on_denied(exc.permission)
            raise

    def request(
        method: str,
        url: str,
        *,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        timeout: float,
    ) -> dict[str, object]:
        if type(url) is not str:
            msg = "url must be a string"
            raise TypeError(msg)
        checked = check(url)
        requests.take()
        if type(timeout) not in (int, float) or timeout <= 0:
            msg = "timeout must be a positive number of seconds"
            raise ValueError(msg)
        left = budget.time_left()
        limit = max(0.001, min(float(timeout), left))
        return send(
            method,
            checked,
            body=body,
            headers=_headers(headers),
            timeout=limit,
            max_bytes=output_bytes,
            check=check,
        )

    def get(
        url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, object]:
        return request("GET", url, body=None, headers=headers, timeout=timeout)

    def post(
        url: str,
        *,
        json: object = None,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> dict[str, object]:
        sent = _headers(headers)
        if text is not None:
            if type(text) is not str:
                msg = "text must be a string"
                raise TypeError(msg)
            body = text.encode()
        else:
            body = jsonlib.dumps(copy_json(json, "json body")).encode()
            sent.setdefault("Content-Type", "application/json")
        return request("POST", url, body=body, headers=sent, timeout=timeout)

    return facade("Http", get=shielded(get), post=shielded(post))
