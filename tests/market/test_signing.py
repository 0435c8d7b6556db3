"""
Signing and verifying: a signature holds for exactly the data and the key
it was made with, and every other signature is refused with a
SignatureError.
"""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import MarketplaceError, SignatureError
from acc_plugins.market import PublicKey, sign, verify
from acc_plugins.market._curve import L


PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = PublicKey.of(PRIVATE)
OTHER = PublicKey.of(Ed25519PrivateKey.from_private_bytes(bytes([9] * 32)))


@given(st.binary(max_size=4096))
def test_a_signature_verifies_for_its_data_and_key(data):
    """sign then verify holds for any data; the signature is 64 bytes."""
    signature = sign(data, PRIVATE)

    verify(data, signature, PUBLIC)
    assert len(base64.b64decode(signature, validate=True)) == 64


@given(st.binary(min_size=1, max_size=512), st.data())
def test_any_flipped_bit_in_the_data_is_refused(data, draw):
    """Changing one bit anywhere in the signed data is detected."""
    signature = sign(data, PRIVATE)
    index = draw.draw(st.integers(0, len(data) * 8 - 1))
    tampered = bytearray(data)
    tampered[index // 8] ^= 1 << (index % 8)

    with pytest.raises(SignatureError, match="bad signature") as caught:
        verify(bytes(tampered), signature, PUBLIC)
    assert caught.value.key_id == PUBLIC.key_id


@given(st.binary(max_size=64), st.binary(min_size=1, max_size=8))
def test_appended_or_dropped_bytes_are_refused(data, extra):
    """Data that grew or was cut after signing is refused."""
    signature = sign(data + extra, PRIVATE)

    with pytest.raises(SignatureError, match="bad signature"):
        verify(data, signature, PUBLIC)
    with pytest.raises(SignatureError, match="bad signature"):
        verify(data + extra + extra, signature, PUBLIC)


def test_a_signature_by_another_key_is_refused():
    """Checked against another key, a good signature is refused."""
    signature = sign(b"archive bytes", PRIVATE)

    with pytest.raises(SignatureError, match=OTHER.key_id) as caught:
        verify(b"archive bytes", signature, OTHER)
    assert caught.value.key_id == OTHER.key_id


@given(st.data())
def test_any_flipped_bit_in_the_signature_is_refused(draw):
    """No bit of a signature can change and still verify."""
    raw = bytearray(base64.b64decode(sign(b"index", PRIVATE)))
    index = draw.draw(st.integers(0, 64 * 8 - 1))
    raw[index // 8] ^= 1 << (index % 8)

    with pytest.raises(SignatureError, match="bad signature"):
        verify(b"index", base64.b64encode(raw).decode(), PUBLIC)


def test_a_malleated_signature_with_s_plus_l_is_refused():
    """S + L is the same scalar; accepting it would make signatures
    malleable, so it is refused."""
    raw = base64.b64decode(sign(b"index", PRIVATE))
    s = int.from_bytes(raw[32:], "little") + L
    malleated = raw[:32] + s.to_bytes(32, "little")

    with pytest.raises(SignatureError, match="bad signature"):
        verify(b"index", base64.b64encode(malleated).decode(), PUBLIC)


def _good() -> str:
    return sign(b"data", PRIVATE)


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "not base64 at all!",
        _good()[:-4],
        _good()[:40],
        _good().rstrip("="),
        _good() + "AAAA",
        base64.b64encode(bytes(63)).decode(),
        base64.b64encode(bytes(65)).decode(),
        base64.b64encode(base64.b64decode(_good()) * 2).decode(),
        _good().replace("+", "-").replace("/", "_"),
        _good()[:30] + "\n" + _good()[30:],
        "A" * 100_000,
    ],
)
def test_malformed_signatures_are_refused(signature):
    """Anything but base64 of exactly 64 bytes is malformed."""
    with pytest.raises(SignatureError, match="malformed signature"):
        verify(b"data", signature, PUBLIC)


def test_an_all_zero_signature_is_refused():
    """The zero signature (a forgery for weak keys) fails for real ones."""
    with pytest.raises(SignatureError, match="bad signature"):
        verify(b"data", base64.b64encode(bytes(64)).decode(), PUBLIC)


def test_surrounding_whitespace_is_allowed():
    """A signature read from a file with its newline still verifies."""
    verify(b"data", f" {_good()}\n", PUBLIC)


def test_signature_error_is_a_marketplace_error():
    """Signature errors sit under MarketplaceError in the error tree."""
    assert issubclass(SignatureError, MarketplaceError)
