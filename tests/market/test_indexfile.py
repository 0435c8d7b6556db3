"""
The signed envelope of ``index.json``: what the owner seals opens, and a
changed byte, another signer, a replay, a fork or an expired index is
refused with a clear error.
"""

import base64
import datetime as dt
import json

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from hypothesis import given
from hypothesis import strategies as st
from tests.market._indexes import indexes, places

from acc_plugins.errors import MarketplaceError, SignatureError
from acc_plugins.market._index import (
    Index,
    IndexFormatError,
    canonical,
    index_to_json,
)
from acc_plugins.market._indexfile import (
    MAX_INDEX_BYTES,
    Seen,
    SignedIndex,
    StaleIndexError,
    check_fresh,
    open_index,
    seal_index,
)
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._signing import sign


OWNER = Ed25519PrivateKey.generate()
OWNER_KEY = PublicKey.of(OWNER)
MALLORY = Ed25519PrivateKey.generate()
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _index(serial=1, *, expires="2027-01-01T00:00:00+00:00", name="team"):
    return Index(
        registry=name,
        serial=serial,
        updated_at="2026-01-01T00:00:00+00:00",
        expires_at=expires,
    )


def _open(raw, owner=OWNER_KEY):
    return open_index(raw, where="index.json", owner=owner)


@given(indexes())
def test_a_sealed_index_opens_to_the_same_index(index):
    """What the owner seals, a client pinned to the owner's key opens."""
    raw = seal_index(index, OWNER)

    signed = _open(raw)

    assert signed.index == index
    assert signed.key == OWNER_KEY
    assert signed.seen == Seen(index.serial, signed.digest)


def test_without_a_pinned_key_the_index_names_its_signer():
    """Adding a registry learns the owner's key from the index."""
    assert _open(seal_index(_index(), OWNER), owner=None).key == OWNER_KEY


@given(st.data())
def test_any_changed_byte_is_refused_or_changes_nothing_signed(data):
    """
    A byte changed anywhere in index.json is refused, unless it only
    changed the layout (whitespace) around the signed content.
    """
    raw = seal_index(_index(serial=7), OWNER)
    original = _open(raw)
    position = data.draw(st.integers(0, len(raw) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]))
    changed = raw[:position] + bytes([byte]) + raw[position + 1 :]

    try:
        outcome: SignedIndex | str = _open(changed)
    except MarketplaceError as exc:
        outcome = str(exc)

    if isinstance(outcome, str):
        assert outcome.startswith("index.json: ")
    else:
        assert outcome.digest == original.digest
        assert outcome.index == original.index


def _flip(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return "x"


@given(indexes().filter(lambda i: i.plugins), st.data())
def test_any_changed_value_of_the_signed_index_is_refused(index, data):
    """Changing any one value inside 'signed' breaks its signature."""
    envelope = json.loads(seal_index(index, OWNER))
    leaves = [
        where
        for where, value in places(envelope["signed"])
        if where and not isinstance(value, dict | list)
    ]
    where = data.draw(st.sampled_from(leaves))
    node = envelope["signed"]
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = _flip(node[where[-1]])

    with pytest.raises(SignatureError, match="changed after it was signed"):
        _open(json.dumps(envelope).encode())


def test_an_index_signed_by_another_key_than_the_pinned_one_is_refused():
    """Mallory's valid signature is still not the owner's."""
    raw = seal_index(_index(serial=99), MALLORY)

    with pytest.raises(SignatureError, match="not by the registry owner") as e:
        _open(raw)

    assert e.value.key_id == PublicKey.of(MALLORY).key_id
    assert OWNER_KEY.key_id in str(e.value)


def test_the_owner_key_swapped_in_the_envelope_does_not_verify():
    """Naming the owner's key over Mallory's signature is refused."""
    envelope = json.loads(seal_index(_index(), MALLORY))
    envelope["key"] = OWNER_KEY.text

    with pytest.raises(SignatureError, match="changed after it was signed"):
        _open(json.dumps(envelope).encode())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "not JSON"),
        (b"<html>404</html>", "not JSON"),
        (b"[]", "expected the keys 'signed', 'key' and 'signature'"),
        (b'{"signed": {}}', "expected the keys"),
        (
            b'{"signed": {}, "key": 1, "signature": "x", "extra": 2}',
            "expected the keys",
        ),
        (
            b'{"signed": {}, "key": 1, "signature": "x"}',
            "'key' and 'signature' must be strings",
        ),
        (
            b'{"signed": {}, "key": "ed25519:AAAA", "signature": "x"}',
            "the index's key: not an ed25519 public key",
        ),
    ],
)
def test_what_is_not_a_signed_index_is_refused(raw, message):
    """Every malformed envelope is one clear error naming the file."""
    with pytest.raises(MarketplaceError, match=message) as caught:
        _open(raw, owner=None)

    assert str(caught.value).startswith("index.json: ")


def test_a_malformed_signature_is_refused():
    """A signature that is not 64 bytes of base64 is refused."""
    envelope = json.loads(seal_index(_index(), OWNER))
    envelope["signature"] = base64.b64encode(b"short").decode()

    with pytest.raises(SignatureError, match="malformed signature"):
        _open(json.dumps(envelope).encode())


def test_a_validly_signed_but_malformed_index_is_a_format_error():
    """The owner's signature does not make a broken index readable."""
    signed = {**index_to_json(_index()), "serial": "1"}
    envelope = {
        "signed": signed,
        "key": OWNER_KEY.text,
        "signature": sign(canonical(signed), OWNER),
    }

    with pytest.raises(IndexFormatError, match=r"\$\.serial: expected"):
        _open(json.dumps(envelope).encode())


def test_a_signed_object_that_is_not_an_object_is_a_format_error():
    """A signed list is refused as an index, not a crash."""
    envelope = {
        "signed": [1, 2],
        "key": OWNER_KEY.text,
        "signature": sign(canonical([1, 2]), OWNER),
    }

    with pytest.raises(IndexFormatError, match=r"\$: expected an object"):
        _open(json.dumps(envelope).encode())


def test_an_oversized_index_is_refused_before_parsing():
    """More than MAX_INDEX_BYTES is not an index."""
    with pytest.raises(MarketplaceError, match="larger than"):
        _open(b" " * (MAX_INDEX_BYTES + 1))


def _fresh(signed, seen):
    check_fresh(signed, seen, where="index.json", now=NOW)


def test_a_newer_or_the_same_index_is_fresh():
    """Serial 2 after 1, and the very same serial-2 index again, pass."""
    first = _open(seal_index(_index(serial=1), OWNER))
    second = _open(seal_index(_index(serial=2), OWNER))

    _fresh(first, None)
    _fresh(second, first.seen)
    _fresh(second, second.seen)


def test_a_replayed_older_index_is_refused():
    """Serial 1 after serial 2 was seen is a replay."""
    old = _open(seal_index(_index(serial=1), OWNER))
    new = _open(seal_index(_index(serial=2), OWNER))

    with pytest.raises(
        StaleIndexError, match="serial 1 is older than serial 2"
    ):
        _fresh(old, new.seen)


def test_another_index_under_a_seen_serial_is_refused():
    """Same serial, other content: a forked history."""
    seen = _open(seal_index(_index(serial=5), OWNER)).seen
    fork = _open(seal_index(_index(serial=5, name="forked"), OWNER))

    with pytest.raises(StaleIndexError, match="forked index"):
        _fresh(fork, seen)


def test_an_expired_index_is_refused():
    """Past expires_at, even a fresh serial is a freeze attack."""
    frozen = _open(
        seal_index(_index(expires="2026-05-31T23:59:59+00:00"), OWNER)
    )

    with pytest.raises(StaleIndexError, match="expired at 2026-05-31"):
        _fresh(frozen, None)


def test_expiry_is_compared_across_time_zones():
    """An expiry written in another zone is compared as an instant."""
    index = attrs.evolve(_index(), expires_at="2026-06-01T01:30:00+02:00")

    with pytest.raises(StaleIndexError, match="expired"):
        _fresh(_open(seal_index(index, OWNER)), None)
