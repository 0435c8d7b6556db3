"""
Real HTTP servers on 127.0.0.1 for the transport's tests: a registry
folder served as a static host would, routes that misbehave on purpose,
TLS with a certificate of the test's own, and a forward proxy (plain
requests and CONNECT tunnels) as a corporate network has.
"""

import contextlib
import datetime as dt
import ipaddress
import select
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


Route = Callable[["Handler"], None]
HANG_GUARD = 30.0  # seconds a stalling route waits at most


class Handler(BaseHTTPRequestHandler):
    """
    Serves the server's routes, else the files of its folder.
    """

    server: "Server"

    def log_message(self, *_: object) -> None:
        """Quiet: the tests read `Server.requests`."""

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        path = urlsplit(self.path).path
        route = self.server.routes.get(path)
        if route is not None:
            route(self)
            return
        self.send_file(path)

    def send_file(self, path: str) -> None:
        """The file at URL *path* under the folder, or a 404."""
        root = self.server.root
        target = root / path.lstrip("/") if root else None
        if target is None or not target.is_file():
            self.send_error(404)
            return
        self.send_body(target.read_bytes())

    def send_body(self, body: bytes, **headers: str) -> None:
        """A 200 with *body*, its length and *headers*."""
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


class ProxyHandler(Handler):
    """
    A forward proxy: absolute-URL requests are answered from the folder,
    CONNECT opens a tunnel to the server's *upstream*.
    """

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        self.send_file(urlsplit(self.path).path)

    def do_CONNECT(self) -> None:
        self.server.requests.append((f"CONNECT {self.path}", {}))
        upstream = socket.create_connection(self.server.upstream, timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        ends = [self.connection, upstream]
        with upstream:
            while not self.server.stopping.is_set():
                ready, _, _ = select.select(ends, [], [], 0.2)
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    other = (
                        upstream if end is self.connection else self.connection
                    )
                    other.sendall(data)


class Server(ThreadingHTTPServer):
    """
    A server in a thread of the test.

    Attributes:
        root: The folder served, if any.

        routes: Handlers by URL path, before the folder.

        requests: Each request's path and headers, in order.

        stopping: Set when the test ends: stalling routes give up.

        upstream: Where a proxy's CONNECT tunnels go.
    """

    daemon_threads = True

    def __init__(
        self,
        root: Path | None = None,
        *,
        tls: ssl.SSLContext | None = None,
        handler: type[Handler] = Handler,
    ) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.root = root
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self.upstream: tuple[str, int] = ("127.0.0.1", 0)

    @property
    def url(self) -> str:
        """The base URL, as 127.0.0.1."""
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, *_: object) -> None:
        """A client that hung up mid-answer is part of these tests."""

    @contextlib.contextmanager
    def running(self) -> Iterator["Server"]:
        """Serve until the block ends."""
        thread = threading.Thread(
            target=self.serve_forever, args=(0.02,), daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self.stopping.set()
            self.shutdown()
            self.server_close()
            thread.join(HANG_GUARD)


def certificate(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """
    A server TLS context for 127.0.0.1, localhost and registry.example,
    and the file a client must trust for it (``SSL_CERT_FILE``).
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    now = dt.datetime.now(dt.UTC)
    names = [
        x509.DNSName("localhost"),
        x509.DNSName("registry.example"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    cert_file = folder / "cert.pem"
    key_file = folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
