"""
A local stand-in for the Messages API that answers the way Claude would
in a tool-using turn, streaming, for the real Claude Code to talk to: it
asks for the ``slugify`` tool it is offered, then answers with the tool's
result.  A fixture, ``messages_api``, serves it on a free port.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest


if TYPE_CHECKING:
    from collections.abc import Iterator


def _sse(blocks: list[dict[str, object]], stop: str) -> bytes:
    """
    One streamed Messages API response holding *blocks*.
    """
    events: list[dict[str, object]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_test",
                "type": "message",
                "role": "assistant",
                "model": "claude-test",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 10, "output_tokens": 1},
            },
        }
    ]
    for index, block in enumerate(blocks):
        start: dict[str, object]
        delta: dict[str, object]
        if block["type"] == "text":
            start = {"type": "text", "text": ""}
            delta = {"type": "text_delta", "text": block["text"]}
        else:
            start = {**block, "input": {}}
            partial = json.dumps(block["input"])
            delta = {"type": "input_json_delta", "partial_json": partial}
        events += [
            {
                "type": "content_block_start",
                "index": index,
                "content_block": start,
            },
            {"type": "content_block_delta", "index": index, "delta": delta},
            {"type": "content_block_stop", "index": index},
        ]
    events += [
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": 5},
        },
        {"type": "message_stop"},
    ]
    text = "".join(
        f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
        for event in events
    )
    return text.encode()


class _Claude(BaseHTTPRequestHandler):
    """
    Asks for the first offered tool whose name ends in ``slugify`` while
    the conversation has no tool result, then answers with the result;
    any other request gets a 404.
    """

    requests: list[dict[str, object]]

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self.path.startswith("/v1/messages?") and self.path != (
            "/v1/messages"
        ):
            self.send_error(404)
            return
        self.requests.append(body)
        names = [tool.get("name") for tool in body.get("tools", [])]
        results = [
            block
            for message in body.get("messages", [])
            if isinstance(message.get("content"), list)
            for block in message["content"]
            if block.get("type") == "tool_result"
        ]
        if results:
            answer = f"Done: {json.dumps(results[-1]['content'])}"
            data = _sse([{"type": "text", "text": answer}], "end_turn")
        elif slugify := [n for n in names if str(n).endswith("slugify")]:
            call: dict[str, object] = {
                "type": "tool_use",
                "id": "toolu_test",
                "name": slugify[0],
                "input": {"text": "Hello End To End"},
            }
            data = _sse([call], "tool_use")
        else:
            data = _sse([{"type": "text", "text": "ok"}], "end_turn")
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.send_error(404)


@pytest.fixture
def messages_api() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """
    The stand-in's base URL, and the request bodies it was sent.
    """
    requests: list[dict[str, object]] = []
    handler = type("Handler", (_Claude,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
