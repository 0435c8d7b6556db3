"""
FakeHttp and FakeClaude on their own: scripted answers in order, each
request recorded.
"""

import pytest

from acc_plugins.testing import FakeClaude, FakeHttp, HttpRequest


def send(http, method="GET", url="https://x.org/", body=None, max_bytes=100):
    return http(
        method,
        url,
        body=body,
        headers={"Accept": "text/plain"},
        timeout=1.0,
        max_bytes=max_bytes,
        check=lambda u: u,
    )


def test_responses_are_used_in_turn_and_the_last_stays():
    http = FakeHttp()
    http.respond("GET", "https://x.org/", text="first", times=1)
    http.respond("GET", "https://x.org/", status=503)

    answers = [send(http)["text"], send(http)["status"], send(http)["status"]]

    assert answers == ["first", 503, 503]
    assert (
        http.requests_to("https://x.org/")
        == [HttpRequest("GET", "https://x.org/", {"Accept": "text/plain"})] * 3
    )


def test_a_json_response_and_a_json_request():
    http = FakeHttp()
    http.respond("POST", "https://x.org/api", json={"ok": True})

    response = send(http, "POST", "https://x.org/api", body=b'{"n": 1}')

    assert response == {
        "status": 200,
        "url": "https://x.org/api",
        "headers": {"content-type": "application/json"},
        "text": '{"ok": true}',
    }
    assert http.requests[0].json() == {"n": 1}


def test_unscripted_and_oversized_responses_are_refused():
    http = FakeHttp()
    http.respond("GET", "https://x.org/big", text="x" * 101)

    with pytest.raises(
        ConnectionError, match=r"scripted: GET https://x.org/big"
    ):
        send(http)
    with pytest.raises(ValueError, match="larger than the output limit"):
        send(http, url="https://x.org/big")


def test_fake_claude_answers_scripted_prompts_once_then_as_usual():
    claude = FakeClaude()
    claude.answer("about cats", when="cat")
    claude.answer("anything")

    answers = [
        claude.query("a dog"),
        claude.query("a cat"),
        claude.query("a cat"),
    ]

    assert answers[:2] == ["anything", "about cats"]
    assert answers[2].startswith("[fake-claude]")
    assert claude.prompts == ["a dog", "a cat", "a cat"]
