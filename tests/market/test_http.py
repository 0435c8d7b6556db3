"""
The HTTP transport against real servers on 127.0.0.1: a registry served
as a static host serves it, and every way a server, a network or an
attacker on the path can misbehave — redirects, downgrades, short and
long bodies, stalls, compression bombs, proxies — ends in one clear
error naming the URL, or in the right bytes.
"""

import gzip
import tracemalloc
import zlib

import httpx
import pytest
from packaging.version import Version
from tests.market._httpserve import (
    HANG_GUARD,
    Handler,
    ProxyHandler,
    Server,
    certificate,
    free_port,
)
from tests.market._regkit import MemorySeen, RegistryFolder, demo_registry

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._http import MAX_REDIRECTS, HttpTransport
from acc_plugins.market._layout import INDEX
from acc_plugins.market._registry import (
    RegistryClient,
    RegistryUnavailableError,
)


ARCHIVE = bytes(range(256)) * 40
ARCHIVE_PATH = "archives/demo/demo-1.0.0.accp"
# Hang guards only: a healthy test finishes long before any of these.
GUARD = httpx.Timeout(HANG_GUARD)
SHORT = httpx.Timeout(HANG_GUARD, read=0.5)
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch):
    """Tests choose their own proxies and certificate authorities."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(name="registry")
def _registry(tmp_path) -> RegistryFolder:
    return demo_registry(tmp_path / "registry", ARCHIVE)


@pytest.fixture(name="server")
def _server(registry):
    with Server(registry.root).running() as server:
        yield server


def _transport(base, **kwargs) -> HttpTransport:
    return HttpTransport(base, timeout=kwargs.pop("timeout", GUARD), **kwargs)


def _client(registry, base, **kwargs) -> RegistryClient:
    return RegistryClient(
        "web",
        _transport(base, **kwargs),
        registry.owner_key,
        MemorySeen(),
    )


def _fetch(client):
    listing = client.index().index.plugins["demo"]
    return client.fetch(listing, Version("1.0.0"))


def _redirect(location, status=302):
    def route(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def _raw(status_line_and_headers: bytes, body: bytes = b""):
    """A route that writes exactly these bytes, then hangs up."""

    def route(handler):
        handler.wfile.write(status_line_and_headers + b"\r\n" + body)
        handler.close_connection = True

    return route


def test_a_registry_is_read_from_a_static_http_host(registry, server):
    """Index and archive come over HTTP, checked as from a folder."""
    told = []
    client = _client(registry, server.url)
    listing = client.index().index.plugins["demo"]

    fetched = client.fetch(
        listing, Version("1.0.0"), progress=lambda *p: told.append(p)
    )

    assert fetched.data == ARCHIVE
    assert fetched.verified
    assert told[-1] == (len(ARCHIVE), len(ARCHIVE))
    path, headers = server.requests[0]
    assert path == "/index.json"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["User-Agent"] == "acc-plugins"


def test_a_missing_file_is_file_not_found(server):
    """A 404 is FileNotFoundError: the caller says what was missing."""
    with pytest.raises(FileNotFoundError, match=r"nothing\.json"):
        _transport(server.url).read("nothing.json", max_bytes=10)


def test_a_url_that_is_not_a_registry_says_so(registry, server):
    """A base URL with no index.json asks whether it is a registry."""
    client = _client(registry, server.url + "/elsewhere")

    with pytest.raises(RegistryUnavailableError, match="is this a registry"):
        client.index()


@pytest.mark.parametrize("status", [403, 500, 503])
def test_a_server_error_names_the_status_and_url(server, status):
    """Errors other than 404 are one line with the status and URL."""
    server.routes["/index.json"] = lambda h: h.send_error(status)

    with pytest.raises(
        RegistryUnavailableError, match=rf"/index\.json: HTTP {status} "
    ):
        _transport(server.url).read(INDEX, max_bytes=MIB)


def test_relative_and_absolute_path_redirects_are_followed(registry, server):
    """A moved registry still reads, through both kinds of Location."""
    server.routes["/moved/index.json"] = _redirect("/index.json", 301)
    server.routes[f"/moved/{ARCHIVE_PATH}"] = _redirect(
        f"../../../{ARCHIVE_PATH}", 307
    )

    fetched = _fetch(_client(registry, server.url + "/moved"))

    assert fetched.data == ARCHIVE
    assert [path for path, _ in server.requests] == [
        "/moved/index.json",
        "/index.json",
        f"/moved/{ARCHIVE_PATH}",
        f"/{ARCHIVE_PATH}",
    ]


def test_a_redirect_to_another_host_is_followed(registry, server):
    """A CDN handing downloads to another host is normal, and allowed."""
    with Server(registry.root).running() as cdn:
        port = cdn.server_address[1]
        server.routes[f"/{ARCHIVE_PATH}"] = _redirect(
            f"http://localhost:{port}/{ARCHIVE_PATH}"
        )

        fetched = _fetch(_client(registry, server.url))

    assert fetched.data == ARCHIVE
    assert [path for path, _ in cdn.requests] == [f"/{ARCHIVE_PATH}"]


def test_a_chain_of_redirects_up_to_the_limit_is_followed(server):
    """MAX_REDIRECTS hops are taken."""
    for hop in range(MAX_REDIRECTS - 1):
        server.routes[f"/hop{hop}"] = _redirect(f"/hop{hop + 1}")
    server.routes[f"/hop{MAX_REDIRECTS - 1}"] = _redirect("/index.json")

    data = _transport(server.url).read("hop0", max_bytes=MIB)

    assert data.startswith(b"{")


def test_a_longer_chain_of_redirects_is_refused(server):
    """One hop more than MAX_REDIRECTS is refused, naming the first URL."""
    for hop in range(MAX_REDIRECTS):
        server.routes[f"/hop{hop}"] = _redirect(f"/hop{hop + 1}")
    server.routes[f"/hop{MAX_REDIRECTS}"] = _redirect("/index.json")

    with pytest.raises(
        RegistryUnavailableError, match=rf"/hop0: more than {MAX_REDIRECTS}"
    ):
        _transport(server.url).read("hop0", max_bytes=MIB)


def test_a_redirect_loop_is_refused(server):
    """A Location pointing back at itself ends, with an error."""
    server.routes["/index.json"] = _redirect("/index.json")

    with pytest.raises(RegistryUnavailableError, match="redirects"):
        _transport(server.url).read(INDEX, max_bytes=MIB)
    assert len(server.requests) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.1/index.json"]
)
def test_a_redirect_to_another_scheme_is_refused(server, location):
    """Only http and https are followed."""
    server.routes["/index.json"] = _redirect(location)

    with pytest.raises(RegistryUnavailableError, match="refusing a redirect"):
        _transport(server.url).read(INDEX, max_bytes=MIB)


@pytest.fixture(name="tls")
def _tls(tmp_path, monkeypatch):
    context, ca_file = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    return context


def test_https_with_a_certificate_authority_from_the_environment(
    registry, tls
):
    """SSL_CERT_FILE (a corporate CA, here the test's own) is honoured."""
    with Server(registry.root, tls=tls).running() as secure:
        fetched = _fetch(_client(registry, secure.url))

    assert fetched.data == ARCHIVE


def test_an_untrusted_certificate_is_refused(registry, tls, monkeypatch):
    """Without its CA, the test server's certificate is not accepted."""
    monkeypatch.delenv("SSL_CERT_FILE")
    with Server(registry.root, tls=tls).running() as secure:
        client = _client(registry, secure.url)
        with pytest.raises(
            RegistryUnavailableError, match=r"cannot connect.*CERTIFICATE"
        ) as caught:
            client.index()

    assert secure.url in str(caught.value)


def test_a_redirect_from_https_to_plain_http_is_refused(registry, server, tls):
    """A downgrade is refused before anything is asked of the HTTP host."""
    with Server(registry.root, tls=tls).running() as secure:
        secure.routes["/index.json"] = _redirect(f"{server.url}/index.json")

        with pytest.raises(
            RegistryUnavailableError, match="from HTTPS to plain HTTP"
        ):
            _transport(secure.url).read(INDEX, max_bytes=MIB)

    assert server.requests == []


def test_a_body_cut_short_is_refused(server):
    """Content-Length promises more than arrives before the hang-up."""
    server.routes["/index.json"] = _raw(
        b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n", b"x" * 10
    )

    with pytest.raises(RegistryUnavailableError, match="cut short"):
        _transport(server.url).read(INDEX, max_bytes=MIB)


def test_a_truncated_archive_download_is_refused(registry, server):
    """The client refuses an archive whose transfer broke off."""
    server.routes[f"/{ARCHIVE_PATH}"] = _raw(
        f"HTTP/1.0 200 OK\r\nContent-Length: {len(ARCHIVE)}\r\n".encode(),
        ARCHIVE[:100],
    )

    with pytest.raises(RegistryUnavailableError, match="cut short"):
        _fetch(_client(registry, server.url))


def test_bytes_past_the_declared_length_are_not_read(registry, server):
    """A body longer than its Content-Length is cut at the length."""
    server.routes[f"/{ARCHIVE_PATH}"] = _raw(
        b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n", ARCHIVE
    )
    transport = _transport(server.url)

    assert transport.read(ARCHIVE_PATH, max_bytes=MIB) == ARCHIVE[:10]
    with pytest.raises(MarketplaceError, match="cut short"):
        _fetch(_client(registry, server.url))


def test_a_declared_length_past_the_cap_is_refused_unread(server):
    """An archive longer than the index says is refused at the header."""
    server.routes["/big"] = _raw(
        b"HTTP/1.0 200 OK\r\nContent-Length: 5000000\r\n", b"x" * 100
    )

    with pytest.raises(
        RegistryUnavailableError, match="5000000 bytes, more than the 4096"
    ):
        _transport(server.url).read("big", max_bytes=4096)


def test_an_undeclared_body_past_the_cap_is_cut_off(registry, server):
    """A body without a length stops being read at the cap."""
    server.routes[f"/{ARCHIVE_PATH}"] = _raw(
        b"HTTP/1.0 200 OK\r\n", ARCHIVE + b"and more"
    )

    with pytest.raises(RegistryUnavailableError, match="more than the"):
        _fetch(_client(registry, server.url))


def _stall(handler):
    handler.server.stopping.wait(HANG_GUARD)


def _headers_then_stall(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    handler.wfile.write(b"x")
    handler.server.stopping.wait(HANG_GUARD)


@pytest.mark.parametrize("route", [_stall, _headers_then_stall])
def test_a_server_that_stalls_is_given_up_on(server, route):
    """No answer, or half an answer, within the read timeout: an error."""
    server.routes["/index.json"] = route

    with pytest.raises(RegistryUnavailableError, match="timed out"):
        _transport(server.url, timeout=SHORT).read(INDEX, max_bytes=MIB)


def _trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not handler.server.stopping.wait(0.02):
        handler.wfile.write(b"x")


def test_a_server_that_trickles_is_given_up_on(server):
    """A byte at a time beats the read timeout, not the deadline."""
    server.routes["/index.json"] = _trickle

    with pytest.raises(RegistryUnavailableError, match="took too long"):
        _transport(server.url, timeout=SHORT, deadline=0.3).read(
            INDEX, max_bytes=MIB
        )


def test_a_refused_connection_names_the_url(registry):
    """Nothing listening: one line naming the URL, with advice."""
    base = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(RegistryUnavailableError) as caught:
        _client(registry, base).index()

    message = str(caught.value)
    assert message.startswith(f"{base}/index.json: cannot connect")
    assert "HTTPS_PROXY" in message


def test_an_unknown_host_names_the_url():
    """A name that does not resolve is a connection failure, named."""
    with pytest.raises(
        RegistryUnavailableError,
        match=r"^http://registry\.invalid/index\.json: cannot connect",
    ):
        _transport("http://registry.invalid").read(INDEX, max_bytes=MIB)


def test_an_invalid_url_is_named():
    """A base URL httpx cannot parse is one error, not a traceback."""
    with pytest.raises(RegistryUnavailableError, match="not a valid URL"):
        _transport("http://[::1").read(INDEX, max_bytes=MIB)


def _encoded(body: bytes, encoding: str):
    def route(handler):
        handler.send_body(body, Content_Encoding=encoding)

    return route


@pytest.fixture(scope="module", name="bomb")
def _bomb() -> bytes:
    """256 MiB of zeros in about 250 kB of gzip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MIB)
    return b"".join([packer.compress(block) for _ in range(256)]) + (
        packer.flush()
    )


def test_a_gzip_bomb_stops_at_the_cap_without_filling_memory(server, bomb):
    """Decoded bytes are counted, and decoded a slice at a time."""
    server.routes["/index.json"] = _encoded(bomb, "gzip")
    transport = _transport(server.url)

    tracemalloc.start()
    try:
        with pytest.raises(RegistryUnavailableError, match="more than the"):
            transport.read(INDEX, max_bytes=MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 16 * MIB


def test_a_compressed_registry_is_still_read(registry, server):
    """A host that gzips despite 'identity' serves a usable registry."""
    raw = (registry.root / INDEX).read_bytes()
    server.routes["/index.json"] = _encoded(gzip.compress(raw), "gzip")
    server.routes[f"/{ARCHIVE_PATH}"] = _encoded(
        zlib.compress(ARCHIVE), "deflate"
    )

    assert _fetch(_client(registry, server.url)).data == ARCHIVE


@pytest.mark.parametrize(
    ("body", "encoding", "message"),
    [
        (b"not gzip at all", "gzip", "the gzip body is corrupt"),
        (gzip.compress(b"x" * 1000)[:-12], "gzip", "ends early"),
        (b"\x1b\x00", "br", "Content-Encoding 'br'"),
    ],
)
def test_a_badly_encoded_body_is_refused(server, body, encoding, message):
    """Corrupt, cut or unknown encodings are one error each."""
    server.routes["/index.json"] = _encoded(body, encoding)

    with pytest.raises(RegistryUnavailableError, match=message):
        _transport(server.url).read(INDEX, max_bytes=MIB)


@pytest.fixture(name="proxy")
def _proxy(registry):
    with Server(registry.root, handler=ProxyHandler).running() as proxy:
        yield proxy


def test_http_proxy_from_the_environment_is_used(registry, proxy, monkeypatch):
    """HTTP_PROXY carries plain requests, even to names DNS cannot find."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)

    fetched = _fetch(_client(registry, "http://registry.example"))

    assert fetched.data == ARCHIVE
    assert proxy.requests[0][0] == "http://registry.example/index.json"


def test_https_proxy_from_the_environment_tunnels(
    registry, proxy, tls, monkeypatch
):
    """HTTPS_PROXY tunnels TLS with CONNECT, as corporate proxies need."""
    with Server(registry.root, tls=tls).running() as secure:
        proxy.upstream = ("127.0.0.1", secure.server_address[1])
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)

        fetched = _fetch(_client(registry, "https://registry.example"))

    assert fetched.data == ARCHIVE
    assert proxy.requests[0][0] == "CONNECT registry.example:443"
    assert [path for path, _ in secure.requests][:1] == ["/index.json"]


def test_a_proxy_that_is_down_is_named(registry, monkeypatch):
    """A dead proxy is reported as a connection failure, with advice."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")

    with pytest.raises(RegistryUnavailableError, match="HTTPS_PROXY"):
        _client(registry, "http://registry.example").index()


def test_a_password_in_the_url_is_sent_but_never_reported(server):
    """Basic credentials reach the host; error messages hide them."""
    server.routes["/index.json"] = lambda h: h.send_error(500)
    port = server.server_address[1]
    transport = _transport(f"http://me:s3cret@127.0.0.1:{port}")

    with pytest.raises(RegistryUnavailableError) as caught:
        transport.read(INDEX, max_bytes=MIB)

    assert "s3cret" not in str(caught.value)
    assert f"me:***@127.0.0.1:{port}/index.json: HTTP 500" in str(caught.value)
    assert "s3cret" not in transport.location
    assert server.requests[0][1]["Authorization"].startswith("Basic ")


def test_credentials_do_not_follow_a_redirect_to_another_host(
    registry, server
):
    """The CDN a registry redirects to never sees the registry's password."""
    with Server(registry.root).running() as cdn:
        other = cdn.server_address[1]
        server.routes["/index.json"] = _redirect(
            f"http://localhost:{other}/index.json"
        )
        port = server.server_address[1]

        _transport(f"http://me:s3cret@127.0.0.1:{port}").read(
            INDEX, max_bytes=MIB
        )

    assert "Authorization" in server.requests[0][1]
    assert "Authorization" not in cdn.requests[0][1]


class _KeepAlive(Handler):
    """HTTP/1.1, so a client may keep the connection; counts them."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.server.requests.append(("<connection>", {}))


def test_one_transport_reuses_its_connection(tmp_path):
    """An index and several files over one transport: one connection."""
    (tmp_path / "a").write_bytes(b"a" * 10)
    (tmp_path / "b").write_bytes(b"b" * 10)
    with Server(tmp_path, handler=_KeepAlive).running() as server:
        transport = HttpTransport(server.url)
        for name in ("a", "b", "a"):
            assert transport.read(name, max_bytes=10) == name.encode() * 10
    connections = [p for p, _ in server.requests if p == "<connection>"]
    assert len(connections) == 1
