"""
Reading a registry over HTTP(S) from any static host, object store or
CDN: a `Transport` on httpx.

Why redirects are followed by hand: each hop is checked before it is
taken.  A redirect may not leave HTTPS for plain HTTP (a downgrade an
attacker on the path could then serve), may not go to another scheme,
and at most `MAX_REDIRECTS` are taken.  Bodies are streamed and cut off
at the size the caller expects, so a hostile or broken server cannot
fill memory or disk; connect and read timeouts bound how long a dead one
can stall a run.  The signed index and the index's digests, not HTTPS,
are what make the content trustworthy; HTTPS keeps it private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import quote

import attrs
import httpx

from ._registry import RegistryUnavailableError, read_capped


if TYPE_CHECKING:
    from ._registry import Progress

MAX_REDIRECTS: Final = 5
TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
_USER_AGENT: Final = "acc-plugins"


@attrs.frozen
class HttpTransport:
    """
    A registry under a base URL.

    Attributes:
        base: The URL of the registry's root, without a trailing ``/``.

        timeout: Connect and read timeouts.
    """

    base: str
    timeout: httpx.Timeout = TIMEOUT

    @property
    def location(self) -> str:
        """
        The base URL.
        """
        return self.base

    def read(
        self, path: str, *, max_bytes: int, progress: Progress | None = None
    ) -> bytes:
        """
        See `Transport.read`.
        """
        url = httpx.URL(f"{self.base.rstrip('/')}/{quote(path)}")
        try:
            with httpx.Client(
                timeout=self.timeout,
                follow_redirects=False,
                headers={"User-Agent": _USER_AGENT},
            ) as client:
                return self._get(client, url, max_bytes, progress)
        except httpx.TimeoutException:
            msg = f"{url}: timed out"
        except httpx.HTTPError as exc:
            msg = f"{url}: {exc}"
        raise RegistryUnavailableError(msg)

    def _get(
        self,
        client: httpx.Client,
        url: httpx.URL,
        max_bytes: int,
        progress: Progress | None,
    ) -> bytes:
        first = url
        for _ in range(MAX_REDIRECTS + 1):
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = _next_hop(url, response)
                    continue
                if response.status_code == httpx.codes.NOT_FOUND:
                    raise FileNotFoundError(str(url))
                if response.status_code != httpx.codes.OK:
                    msg = (
                        f"{url}: HTTP {response.status_code} "
                        f"{response.reason_phrase}"
                    )
                    raise RegistryUnavailableError(msg)
                return _body(response, url, max_bytes, progress)
        msg = f"{first}: more than {MAX_REDIRECTS} redirects"
        raise RegistryUnavailableError(msg)


def _next_hop(url: httpx.URL, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("Location")
    if not location:
        msg = f"{url}: a redirect without a Location"
        raise RegistryUnavailableError(msg)
    target = url.join(location)
    if target.scheme not in {"http", "https"}:
        msg = f"{url}: refusing a redirect to {target.scheme}: ({target})"
        raise RegistryUnavailableError(msg)
    if url.scheme == "https" and target.scheme != "https":
        msg = f"{url}: refusing a redirect from HTTPS to plain HTTP ({target})"
        raise RegistryUnavailableError(msg)
    return target


def _body(
    response: httpx.Response,
    url: httpx.URL,
    max_bytes: int,
    progress: Progress | None,
) -> bytes:
    declared = response.headers.get("Content-Length")
    total = int(declared) if declared and declared.isdigit() else None
    return read_capped(
        response.iter_bytes(), str(url), max_bytes, total, progress
    )
