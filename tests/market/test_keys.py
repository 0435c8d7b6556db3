"""
Public keys as text: one canonical spelling, strict parsing, and no weak
key (small order, non-canonical) ever accepted.
"""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import KeyringError, MarketplaceError, PluginError
from acc_plugins.market import PublicKey
from acc_plugins.market._curve import L, P, decode, encode, multiply


# libsodium's list of small-order encodings (ed25519_is_small_order).
SMALL_ORDER = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]
# The same points spelled with y >= p, which RFC 8032 forbids.
NON_CANONICAL = [
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


def _text(raw: bytes) -> str:
    return "ed25519:" + base64.b64encode(raw).decode()


@pytest.fixture(name="key")
def _key() -> PublicKey:
    # A fixed key whose text has both '+' and '/' in it.
    return PublicKey.of(Ed25519PrivateKey.from_private_bytes(bytes([2] * 32)))


def test_text_round_trips_and_ids_come_from_the_raw_key(key):
    """The text parses back to the key; the id prefixes the sha256."""
    fingerprint = hashlib.sha256(key.raw).hexdigest()

    assert PublicKey.parse(key.text) == key
    assert PublicKey.parse(f"  {key.text}\n") == key
    assert key.fingerprint == fingerprint
    assert key.key_id == fingerprint[:16]
    assert key.key_id in repr(key)


@given(st.binary(min_size=32, max_size=32))
def test_any_32_bytes_parse_to_a_strong_key_or_a_keyring_error(raw):
    """Arbitrary bytes never get past parsing as something else."""
    try:
        key = PublicKey.parse(_text(raw))
    except KeyringError:
        return

    point = decode(raw)
    assert key.raw == raw
    assert point is not None
    assert multiply(8, point) != (0, 1)


@given(st.text(max_size=120))
def test_any_text_parses_or_raises_keyring_error(text):
    """Arbitrary text gives a key or one KeyringError, never another."""
    try:
        PublicKey.parse(text)
    except KeyringError as exc:
        message = str(exc)
    else:
        message = "not an ed25519 public key, yet parsed"

    assert "not an ed25519 public key" in message or "usable" in message


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda t: t[:-5], "truncated"),
        (lambda t: t[:20], "truncated"),
        (lambda t: t.replace("ed25519:", "ed448:"), "expected ed25519"),
        (lambda t: t.replace("ed25519:", "ED25519:"), "expected ed25519"),
        (lambda t: t.removeprefix("ed25519:"), "expected ed25519"),
        (lambda t: t[:20] + "\n" + t[20:], "truncated"),
        (lambda t: t.rstrip("="), "truncated"),
        (lambda t: t[:-1] + "==", "truncated"),
        (lambda t: t + "AAAA", "truncated"),
        (lambda t: t + "A" * 500, "expected ed25519"),
        (lambda t: t.replace("+", "-").replace("/", "_"), "truncated"),
    ],
)
def test_mangled_key_text_is_refused(key, mangle, reason):
    """Cut, re-prefixed, padded or re-alphabeted key text is refused."""
    text = mangle(key.text)

    assert text != key.text
    with pytest.raises(KeyringError, match=reason):
        PublicKey.parse(text)


def test_non_canonical_base64_of_the_same_key_is_refused():
    """Setting the unused low bits spells the same bytes: refused."""
    key = PublicKey.of(Ed25519PrivateKey.generate())
    alphabet = (
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    )
    last = key.text[-2]
    sibling = alphabet[alphabet.index(last) ^ 1]
    text = key.text[:-2] + sibling + "="

    assert base64.b64decode(text[8:]) == key.raw
    with pytest.raises(KeyringError, match="truncated"):
        PublicKey.parse(text)


@pytest.mark.parametrize("hex_key", SMALL_ORDER + NON_CANONICAL)
def test_small_order_and_non_canonical_keys_are_refused(hex_key):
    """Keys for which signatures can be forged are refused as text and
    as bytes."""
    raw = bytes.fromhex(hex_key)

    with pytest.raises(KeyringError, match="small order"):
        PublicKey.parse(_text(raw))
    with pytest.raises(ValueError, match="small order"):
        PublicKey(raw)


def test_the_identity_key_would_accept_a_forged_signature_in_openssl():
    """Why weak keys are refused: OpenSSL verifies the identity key's
    universal forgery, so only our parser stands in the way."""
    identity = bytes.fromhex(SMALL_ORDER[1])
    forged = identity + bytes(32)

    Ed25519PublicKey.from_public_bytes(identity).verify(forged, b"any data")
    with pytest.raises(KeyringError):
        PublicKey.parse(_text(identity))


@given(st.integers(min_value=2, max_value=P - 1))
def test_every_small_order_point_is_refused(y):
    """[L]Q of a random curve point Q is a point of order dividing 8;
    each such point, with either sign, is refused."""
    raw = y.to_bytes(32, "little")
    point = decode(raw)
    if point is None:
        return
    torsion = multiply(L, point)
    for sign in (0, 1 << 255):
        spelled = (int.from_bytes(encode(torsion), "little") | sign).to_bytes(
            32, "little"
        )

        with pytest.raises(ValueError, match="small order"):
            PublicKey(spelled)


def test_wrong_sizes_are_caller_errors():
    """A PublicKey built from the wrong number of bytes is a ValueError."""
    with pytest.raises(ValueError, match="32 bytes, not 31"):
        PublicKey(bytes(31))


def test_keyring_error_is_a_marketplace_error():
    """Keyring errors sit in the plugin error tree and are ValueErrors."""
    assert issubclass(KeyringError, MarketplaceError)
    assert issubclass(KeyringError, PluginError)
    assert issubclass(KeyringError, ValueError)


def test_a_pasted_private_key_is_refused_without_quoting_it():
    """A private key given where a public one belongs is refused with a
    warning, and no part of it is repeated in the error."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode()
    )

    with pytest.raises(KeyringError, match="PRIVATE key") as caught:
        PublicKey.parse(pem)
    assert "MC4C" not in str(caught.value)
