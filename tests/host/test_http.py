"""
ctx.http against a server on loopback: granted hosts only, redirects
checked, bodies capped, requests counted.
"""

import http.server
import textwrap
import threading

import pytest

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect-out":
            self.send_response(302)
            self.send_header("Location", self.server.elsewhere + "/hello")  # type: ignore[attr-defined]
            self.end_headers()
            return
        body = (
            b"x" * 5000
            if self.path == "/big"
            else b"hello " + self.path.encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(name="servers", scope="module")
def _servers():
    started = []
    for _ in range(2):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append(server)
    granted, other = started
    granted.elsewhere = f"http://127.0.0.1:{other.server_port}"  # type: ignore[attr-defined]
    yield [f"http://127.0.0.1:{s.server_port}" for s in started]
    for server in started:
        server.shutdown()
        server.server_close()


SOURCE = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def fetch(self, url: str) -> dict:
        return self.ctx.http.get(url)

    @tool
    def send(self, url: str, value: int) -> dict:
        return self.ctx.http.post(url, json={"value": value})

    @tool
    def many(self, url: str, times: int) -> int:
        for _ in range(times):
            self.ctx.http.get(url)
        return times
"""


@pytest.fixture(name="host")
def _host(tmp_path, servers):
    granted, _ = servers
    folder = tmp_path / "plugins" / "web"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        textwrap.dedent(
            f"""\
            [plugin]
            name = "web"
            version = "1.0.0"
            description = "Talks HTTP."
            entry = "main:Main"
            kind = "tool"

            [permissions]
            network = ["{granted}"]

            [limits]
            output-bytes = 1000
            network-requests = 3
            """
        )
    )
    (folder / "main.py").write_text(textwrap.dedent(SOURCE))
    host = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )
    host.start()
    yield host
    host.stop()


def test_a_granted_host_answers(host, servers):
    """GET and POST reach the granted server."""
    granted, _ = servers

    got = host.call_tool("web.fetch", url=f"{granted}/hello")
    posted = host.call_tool("web.send", url=f"{granted}/echo", value=7)

    assert (got["status"], got["text"]) == (200, "hello /hello")
    assert (posted["status"], posted["text"]) == (201, '{"value": 7}')


def test_other_hosts_and_ports_are_denied(host, servers):
    """A different port is a different host; the plugin is quarantined."""
    _, other = servers

    with pytest.raises(
        PluginCallError, match=r"lacks permission 'net:http://127\.0\.0\.1:"
    ):
        host.call_tool("web.fetch", url=f"{other}/hello")

    assert host.state("web") is State.QUARANTINED


def test_redirects_out_of_the_grant_are_refused(host, servers):
    """Every hop is checked before it is followed."""
    granted, _ = servers

    with pytest.raises(PluginCallError, match="lacks permission"):
        host.call_tool("web.fetch", url=f"{granted}/redirect-out")


def test_bodies_and_request_counts_are_capped(host, servers):
    """output-bytes and network-requests from [limits] hold."""
    granted, _ = servers

    with pytest.raises(
        PluginCallError, match="larger than the output limit of 1000"
    ):
        host.call_tool("web.fetch", url=f"{granted}/big")
    with pytest.raises(PluginCallError, match="more than 3 network requests"):
        host.call_tool("web.many", url=f"{granted}/a", times=4)
    assert host.call_tool("web.many", url=f"{granted}/a", times=3) == 3
