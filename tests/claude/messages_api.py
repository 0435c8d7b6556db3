"""
A local stand-in for Anthropic's Messages API, on a real HTTP server
(pytest-httpserver), for the real ``anthropic`` SDK to talk to: answers
in JSON or as a server-sent event stream, the count endpoint, scripted
failures, and a record of every request.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from werkzeug import Response


if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer
    from werkzeug import Request


class MessagesApi:
    """
    Answers ``POST /v1/messages`` and ``/v1/messages/count_tokens``.

    Each answer is the next scripted one (``answer``, ``fail``) or else
    ``"echo: "`` and the prompt; its usage counts a token per word.

    Attributes:
        requests: The JSON body and headers of every request, in order.
    """

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self._script: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server.expect_request(
            "/v1/messages", method="POST"
        ).respond_with_handler(self._messages)
        server.expect_request(
            "/v1/messages/count_tokens", method="POST"
        ).respond_with_handler(self._count)

    @property
    def url(self) -> str:
        """
        The base URL to give the SDK.
        """
        return self.server.url_for("/").rstrip("/")

    def answer(
        self,
        text: str,
        *,
        input_tokens: int = 10,
        output_tokens: int = 5,
        cache_writes: int = 0,
        cache_reads: int = 0,
    ) -> None:
        """
        Answer the next query with *text* and this usage.
        """
        self._script.append(
            {
                "text": text,
                "usage": {
                    "input_tokens": input_tokens,
                    "output_tokens": output_tokens,
                    "cache_creation_input_tokens": cache_writes,
                    "cache_read_input_tokens": cache_reads,
                },
            }
        )

    def fail(self, status: int, kind: str, message: str) -> None:
        """
        Answer the next request with an API error.
        """
        self._script.append(
            {"status": status, "kind": kind, "message": message}
        )

    def _next(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._script:
                return self._script.pop(0)
        prompt = str(body["messages"][-1]["content"])
        return {
            "text": f"echo: {prompt}",
            "usage": {
                "input_tokens": len(prompt.split()),
                "output_tokens": len(prompt.split()) + 1,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }

    def _record(self, path: str, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(request.get_data())
        with self._lock:
            self.requests.append((path, body, dict(request.headers)))
        return body

    def _count(self, request: Request) -> Response:
        body = self._record("count_tokens", request)
        words = len(str(body["messages"][-1]["content"]).split())
        return _json(
            {"input_tokens": words + len(str(body.get("system", "")).split())}
        )

    def _messages(self, request: Request) -> Response:
        body = self._record("messages", request)
        step = self._next(body)
        if "status" in step:
            error = {"type": step["kind"], "message": step["message"]}
            return _json({"type": "error", "error": error}, step["status"])
        message = {
            "id": "msg_local",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": step["text"]}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": step["usage"],
        }
        if body.get("stream"):
            return Response(_events(message), content_type="text/event-stream")
        return _json(message)


def _json(data: object, status: int = 200) -> Response:
    return Response(
        json.dumps(data), status=status, content_type="application/json"
    )


def _events(message: dict[str, Any]) -> str:
    text = message["content"][0]["text"]
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "usage": {**usage, "output_tokens": 1},
    }
    pieces = [text[i : i + 4] for i in range(0, len(text), 4)] or [""]
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        *(
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
            for piece in pieces
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(
        f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events
    )


def claude_code_environment(home: Path, url: str) -> dict[str, str]:
    """
    Environment variables that run the real Claude Code against the
    Messages API at *url*, with its files in *home* and no other traffic.
    """
    return {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": "sk-local",
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(home / ".claude"),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
