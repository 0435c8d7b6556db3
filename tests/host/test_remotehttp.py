"""
An isolated plugin's HTTP request sent by its host: checked again
against the plugin's grants, its body carried as base64, a failed
connection told as text.
"""

import pytest

from acc_plugins.errors import PermissionDenied
from acc_plugins.host.capabilities._observed import ObservedGrants
from acc_plugins.host.isolation._remotehttp import RemoteHttp, send_for_worker
from acc_plugins.manifest import parse_permission
from acc_plugins.security import Grants, Roots
from acc_plugins.testing import FakeHttp, HttpRequest


@pytest.fixture(name="grants")
def _grants(tmp_path):
    roots = Roots(tmp_path, tmp_path, tmp_path)
    granted = [parse_permission("net:https://api.example.com")]
    return Grants.from_permissions(granted, roots, plugin="demo")


def test_a_request_crosses_as_json_and_is_sent_by_the_host(grants):
    """What the worker's transport sends, the host's fake receives."""
    http = FakeHttp()
    http.respond("POST", "https://api.example.com/x", text="ok")
    messages = []

    def to_host(op, **message):
        messages.append((op, message))
        return send_for_worker(http, grants, message, lambda _: None)

    answer = RemoteHttp(to_host)(
        "POST",
        "https://API.example.com/x",
        body=b"\x00\xffdata",
        headers={"Accept": "text/plain"},
        timeout=2.0,
        max_bytes=100,
        check=lambda url: url,
    )

    assert answer["text"] == "ok"
    assert messages[0][0] == "http"
    assert messages[0][1]["body"] == "AP9kYXRh"
    assert http.requests == [
        HttpRequest(
            "POST",
            "https://api.example.com/x",
            {"Accept": "text/plain"},
            b"\x00\xffdata",
        )
    ]


def test_the_host_refuses_a_url_the_grants_do_not_cover(grants):
    """A worker that skipped its own check is refused here, and told."""
    denied: list[str] = []
    message = {"method": "GET", "url": "https://evil.example.org/"}

    with pytest.raises(PermissionDenied):
        send_for_worker(FakeHttp(), grants, message, denied.append)

    assert denied == ["net:https://evil.example.org"]


def test_a_failed_connection_becomes_its_text(grants):
    """The fake's ConnectionError reaches the worker as a RuntimeError."""
    message = {"method": "GET", "url": "https://api.example.com/"}

    with pytest.raises(RuntimeError, match="no response scripted"):
        send_for_worker(FakeHttp(), grants, message, lambda _: None)


def test_observed_grants_tell_the_narrowest_permission(grants):
    """An allowed use is told with the exact host, not the grant used."""
    used: list[str] = []
    wide = ObservedGrants(
        "demo",
        grants.roots,
        frozenset([parse_permission("net:https://*.example.com")]),
        used=used.append,
    )

    url = wide.check_url("https://api.example.com/v1?q=1")

    assert url == "https://api.example.com/v1?q=1"
    assert used == ["net:https://api.example.com"]
