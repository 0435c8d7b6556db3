"""
Reading a registry over HTTP(S) from any static host, object store or
CDN: a `Transport` on httpx.

Why redirects are followed by hand: each hop is checked before it is
taken.  A redirect may not leave HTTPS for plain HTTP (a downgrade an
attacker on the path could then serve), may not go to another scheme,
and at most `MAX_REDIRECTS` are taken.  It may go to another host:
static hosts and CDNs do that for good reasons (GitHub release assets,
presigned object-store URLs, a mirror network), and what makes the
content trustworthy is the owner's signature on the index and the
index's digests and publisher signatures, not the host that served the
bytes.  Credentials written in the registry's URL go only to that host.

Bodies are streamed and cut off at the size the caller expects, counted
after decoding: the client asks for ``Accept-Encoding: identity``, and a
server that compresses anyway is decoded here a slice at a time, so a
"gzip bomb" stops at the cap instead of inflating a whole network chunk
(a thousandfold) in memory first.  Connect and read timeouts bound how
long a dead server stalls a run, and a deadline bounds a server that
trickles a byte at a time.

Proxies and certificate authorities come from the environment, as with
pip and curl (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``,
``SSL_CERT_FILE``, ``SSL_CERT_DIR``), so a registry works from behind a
corporate proxy that re-signs TLS.
"""

from __future__ import annotations

import time
import weakref
import zlib
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

import attrs
import httpx

from ._registries import shown
from ._registry import RegistryUnavailableError, read_capped


if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._registry import Progress

MAX_REDIRECTS: Final = 5
TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
DEADLINE: Final = 30 * 60.0
"""Seconds one file may take in all (a 64 MB index at 40 kB/s)."""

_USER_AGENT: Final = "acc-plugins"
_SLICE: Final = 256 * 1024  # bytes decoded at a time
_NOT_FOUND: Final = frozenset({httpx.codes.NOT_FOUND, httpx.codes.GONE})
# zlib's window bits: 16 + 15 reads gzip, 32 + 15 reads zlib or gzip.
_WBITS: Final = {"gzip": 31, "x-gzip": 31, "deflate": 47}


@attrs.frozen
class HttpTransport:
    """
    A registry under a base URL.

    Attributes:
        base: The URL of the registry's root, without a trailing ``/``.

        timeout: Connect and read timeouts.

        deadline: Seconds one file may take in all, redirects included.
    """

    base: str
    timeout: httpx.Timeout = TIMEOUT
    deadline: float = DEADLINE
    # One connection pool per transport, made on first use: an index and
    # the archives of an install then share connections (and TLS
    # handshakes).  Closed when the transport is collected.
    _pool: dict[str, httpx.Client] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def _client(self) -> httpx.Client:
        client = self._pool.get("client")
        if client is None:
            client = httpx.Client(
                timeout=self.timeout,
                follow_redirects=False,
                trust_env=True,
                headers={
                    "User-Agent": _USER_AGENT,
                    "Accept-Encoding": "identity",
                },
            )
            kept = self._pool.setdefault("client", client)
            if kept is not client:  # another thread made one first
                client.close()
                return kept
            weakref.finalize(self, client.close)
        return client

    @property
    def location(self) -> str:
        """
        The base URL, without a password it may hold.
        """
        return shown(self.base)

    def read(
        self, path: str, *, max_bytes: int, progress: Progress | None = None
    ) -> bytes:
        """
        See `Transport.read`.
        """
        url = f"{self.base.rstrip('/')}/{quote(path)}"
        until = time.monotonic() + self.deadline
        try:
            return self._get(
                self._client(), httpx.URL(url), max_bytes, progress, until
            )
        except httpx.InvalidURL as exc:
            msg = f"{shown(url)}: not a valid URL ({exc})"
        except httpx.HTTPError as exc:
            msg = f"{_where(exc, url)}: {_failure(exc)}"
        raise RegistryUnavailableError(msg)

    def _get(
        self,
        client: httpx.Client,
        url: httpx.URL,
        max_bytes: int,
        progress: Progress | None,
        until: float,
    ) -> bytes:
        first = url
        for _ in range(MAX_REDIRECTS + 1):
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = _next_hop(url, response)
                    continue
                if response.status_code in _NOT_FOUND:
                    raise FileNotFoundError(_at(url))
                if response.status_code != httpx.codes.OK:
                    msg = (
                        f"{_at(url)}: HTTP {response.status_code} "
                        f"{response.reason_phrase}"
                    )
                    raise RegistryUnavailableError(msg)
                return _body(response, url, max_bytes, progress, until)
        msg = f"{_at(first)}: more than {MAX_REDIRECTS} redirects"
        raise RegistryUnavailableError(msg)


def _at(url: httpx.URL) -> str:
    return shown(str(url))


def _where(exc: httpx.HTTPError, url: str) -> str:
    """
    The URL that failed: after a redirect, not the one first asked for.
    """
    try:
        return shown(str(exc.request.url))
    except RuntimeError:  # httpx raised it before there was a request
        return shown(url)


def _failure(exc: httpx.HTTPError) -> str:
    """
    What went wrong, in words a user can act on.
    """
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy refused the request ({reason}); check HTTPS_PROXY"
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting; is the host reachable?"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the server"
    if isinstance(exc, httpx.ConnectError):
        return (
            f"cannot connect ({reason}); check the address, the network "
            f"and any proxy (HTTPS_PROXY)"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return (
            f"the server broke off the transfer ({reason}); the download "
            f"was cut short"
        )
    return reason


def _next_hop(url: httpx.URL, response: httpx.Response) -> httpx.URL:
    target = url.join(response.headers["Location"])
    if target.scheme not in {"http", "https"}:
        msg = f"{_at(url)}: refusing a redirect to {target.scheme}: ({_at(target)})"
        raise RegistryUnavailableError(msg)
    if url.scheme == "https" and target.scheme != "https":
        msg = f"{_at(url)}: refusing a redirect from HTTPS to plain HTTP ({_at(target)})"
        raise RegistryUnavailableError(msg)
    return target


def _body(
    response: httpx.Response,
    url: httpx.URL,
    max_bytes: int,
    progress: Progress | None,
    until: float,
) -> bytes:
    encoding = response.headers.get("Content-Encoding", "identity")
    encoding = encoding.strip().lower()
    declared = response.headers.get("Content-Length")
    # A Content-Length counts the encoded bytes; only undecoded it is ours.
    total = None
    if encoding == "identity" and declared and declared.isdigit():
        total = int(declared)
    chunks = _timed(response.iter_raw(), url, until)
    return read_capped(
        _decoded(chunks, encoding, url), _at(url), max_bytes, total, progress
    )


def _timed(
    chunks: Iterator[bytes], url: httpx.URL, until: float
) -> Iterator[bytes]:
    for chunk in chunks:
        if time.monotonic() > until:
            msg = f"{_at(url)}: the transfer took too long; giving up"
            raise RegistryUnavailableError(msg)
        yield chunk


def _decoded(
    chunks: Iterator[bytes], encoding: str, url: httpx.URL
) -> Iterator[bytes]:
    """
    *chunks* with their Content-Encoding undone, in slices of at most
    ``_SLICE`` bytes, so the caller's cap applies before memory fills.
    """
    if encoding == "identity":
        yield from chunks
        return
    if encoding not in _WBITS:
        msg = (
            f"{_at(url)}: served with Content-Encoding {encoding!r}, which "
            f"acc-plugins does not read; serve the files as they are"
        )
        raise RegistryUnavailableError(msg)
    inflater = zlib.decompressobj(_WBITS[encoding])
    try:
        for chunk in chunks:
            pending = chunk
            while pending and not inflater.eof:
                yield inflater.decompress(pending, _SLICE)
                pending = inflater.unconsumed_tail
            if inflater.eof:  # what follows the stream is not read
                return
        if not inflater.eof:
            msg = f"{_at(url)}: the compressed body ends early; cut short"
            raise RegistryUnavailableError(msg)
    except zlib.error as exc:
        msg = f"{_at(url)}: the {encoding} body is corrupt ({exc})"
        raise RegistryUnavailableError(msg) from None
