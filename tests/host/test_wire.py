"""
The isolated tier's wire format: whatever a worker sends, the host gets a
message or a ValueError, never anything else.
"""

import json
import os
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.host.isolation import _wire


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_a_message_survives_the_round_trip_on_one_line(message):
    line = _wire.encode(message)
    assert line.count(b"\n") == 1
    assert line.endswith(b"\n")
    assert _wire.decode(line) == message


@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_raise_value_error(data):
    try:
        message = _wire.decode(data)
    except ValueError:
        return
    assert isinstance(message, dict)


@pytest.mark.parametrize(
    "line",
    [
        b"[" * 200_000 + b"]" * 200_000 + b"\n",
        b'{"a":' * 200_000 + b"1" + b"}" * 200_000 + b"\n",
        b"[1, 2]\n",
        b"not json\n",
        b"\xff\xfe\n",
    ],
    ids=["deep-list", "deep-object", "not-an-object", "not-json", "not-utf8"],
)
def test_hostile_lines_are_value_errors(line):
    with pytest.raises(ValueError):
        _wire.decode(line)


def test_the_reader_gives_up_at_its_deadline():
    read_end, write_end = os.pipe()
    reader = _wire.LineReader(read_end)
    try:
        os.write(write_end, b'{"partial":')
        deadline = time.monotonic() + 0.2
        with pytest.raises(TimeoutError):
            reader.read(deadline)
        # Not before its deadline, and never long after it: a loose upper
        # bound, since a busy machine may wake the reader late.
        assert deadline <= time.monotonic() < deadline + 5
        os.write(write_end, b' 1}\n{"next": 2}\n')
        assert reader.read(time.monotonic() + 1) == {"partial": 1}
        assert reader.read(time.monotonic() + 1) == {"next": 2}
        os.close(write_end)
        write_end = -1
        assert reader.read(time.monotonic() + 1) is None
    finally:
        reader.close()
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def test_json_is_the_only_encoding():
    with pytest.raises(ValueError):
        _wire.encode({"x": float("nan")})
    assert json.loads(_wire.encode({"x": 1})) == {"x": 1}
