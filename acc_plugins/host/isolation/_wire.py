"""
The isolated tier's wire format: one JSON object per line, nothing else.

Only JSON crosses between the host and a worker process: never pickle, so
nothing a plugin produces can make the host run code by being read.
"""

from __future__ import annotations

import json
import os
import selectors
import time
from typing import IO, Any, Final


# A message larger than this is a protocol error, not data to buffer.
MAX_MESSAGE: Final = 64 * 2**20


def encode(message: dict[str, Any]) -> bytes:
    """
    One message as one line of UTF-8 JSON.
    """
    return (
        json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
        + b"\n"
    )


def decode(line: bytes) -> dict[str, Any]:
    """
    One line back into a message.

    Raises:
        ValueError: If the line is not a JSON object.
    """
    try:
        message = json.loads(line)
    except RecursionError:  # a hostile worker's [[[[...]]]]
        msg = "a message is nested too deeply"
        raise ValueError(msg) from None
    if not isinstance(message, dict):
        msg = "a message must be a JSON object"
        raise ValueError(msg)  # noqa: TRY004 -- bad input, not a bad type of ours
    return message


def write(stream: IO[bytes], message: dict[str, Any]) -> None:
    """
    Send one message and flush it.
    """
    stream.write(encode(message))
    stream.flush()


def read_blocking(stream: IO[bytes]) -> dict[str, Any] | None:
    """
    The next message, waiting as long as it takes; None at end of input.
    """
    line = stream.readline(MAX_MESSAGE + 1)
    if not line:
        return None
    if len(line) > MAX_MESSAGE:
        msg = "message too large"
        raise ValueError(msg)
    return decode(line)


class LineReader:
    """
    Reads messages from a pipe with a deadline, without ever blocking past
    it: the host must never wait forever on a dead or stuck worker.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()
        self._selector = selectors.DefaultSelector()
        self._selector.register(fd, selectors.EVENT_READ)

    def close(self) -> None:
        """
        Stop watching the pipe.
        """
        self._selector.close()

    def read(self, deadline: float) -> dict[str, Any] | None:
        """
        The next message, or None at end of input.

        Raises:
            TimeoutError: If no whole message arrived by *deadline*
                (a ``time.monotonic()`` value).
        """
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[: end + 1])
                del self._buffer[: end + 1]
                return decode(line)
            if len(self._buffer) > MAX_MESSAGE:
                msg = "message too large"
                raise ValueError(msg)
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                msg = "no answer in time"
                raise TimeoutError(msg)
            chunk = os.read(self._fd, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
