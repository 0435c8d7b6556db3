"""
The trust store: trusting is idempotent, untrusting an unknown key is an
error, signatures by untrusted keys are refused, a damaged file is named,
and concurrent processes lose no key.
"""

import json
import stat
import subprocess
import sys
import textwrap

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from acc_plugins.errors import KeyringError, SignatureError
from acc_plugins.market import PublicKey, TrustStore, sign


def _new_key() -> tuple[Ed25519PrivateKey, PublicKey]:
    private = Ed25519PrivateKey.generate()
    return private, PublicKey.of(private)


@pytest.fixture(name="store")
def _store(tmp_path) -> TrustStore:
    return TrustStore(tmp_path / "data" / "trusted-keys.json")


def test_trust_writes_a_0600_entry(store):
    """A trusted key is stored with its name and time, in a 0600 file."""
    _, key = _new_key()

    entry, added = store.trust(key, "  Alice  ")

    assert added
    assert entry.name == "Alice"
    assert entry.key_id == key.key_id
    assert store.trusted() == [entry]
    assert store.is_trusted(key.key_id)
    assert store.is_trusted(key.fingerprint.upper())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    stored = json.loads(store.path.read_text())
    assert stored[key.key_id]["public_key"] == key.text


def test_trusting_twice_changes_nothing(store):
    """The second trust of a key is a no-op that keeps the first name."""
    _, key = _new_key()
    first, _ = store.trust(key, "Alice")
    before = store.path.read_bytes()

    again, added = store.trust(key, "Mallory")

    assert not added
    assert again == first
    assert store.path.read_bytes() == before


def test_untrust_removes_and_unknown_ids_are_errors(store):
    """Untrusting removes the key; an unknown or malformed id is an error
    and changes nothing."""
    _, key = _new_key()
    _, kept = _new_key()
    store.trust(key, "Alice")
    store.trust(kept, "Bob")

    removed = store.untrust(key.key_id)

    assert removed.name == "Alice"
    assert not store.is_trusted(key.key_id)
    before = store.path.read_bytes()
    with pytest.raises(KeyringError, match="no trusted key has id"):
        store.untrust(key.key_id)
    with pytest.raises(KeyringError, match="invalid key id"):
        store.untrust("../../etc/passwd")
    # A fingerprint that shares the id prefix but not the rest.
    impostor = kept.key_id + "0" * 48
    with pytest.raises(KeyringError, match="no trusted key has id"):
        store.untrust(impostor)
    assert store.path.read_bytes() == before
    assert [k.name for k in store.trusted()] == ["Bob"]


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 81, "bell\a"])
def test_invalid_names_are_refused(store, name):
    """A name must be short printable text; nothing is written otherwise."""
    _, key = _new_key()

    with pytest.raises(KeyringError, match="invalid name"):
        store.trust(key, name)
    assert not store.path.exists()


def test_verify_needs_a_trusted_key_and_a_good_signature(store):
    """Signatures by trusted keys pass; untrusted keys and bad
    signatures are refused."""
    private, key = _new_key()
    stranger_private, stranger = _new_key()
    store.trust(key, "Alice")

    assert store.verify(b"data", sign(b"data", private), key).name == "Alice"
    with pytest.raises(SignatureError, match="not trusted") as caught:
        store.verify(b"data", sign(b"data", stranger_private), stranger)
    assert caught.value.key_id == stranger.key_id
    with pytest.raises(SignatureError, match="bad signature"):
        store.verify(b"data!", sign(b"data", private), key)
    with pytest.raises(SignatureError, match="bad signature"):
        store.verify(b"data", sign(b"data", stranger_private), key)


def test_a_stranger_cannot_borrow_a_trusted_entry(store):
    """An entry moved under a stranger's id (a hand-edited file) is
    refused, not taken as trust in the stranger's key."""
    _, key = _new_key()
    stranger_private, stranger = _new_key()
    store.trust(key, "Alice")
    data = json.loads(store.path.read_text())
    data[stranger.key_id] = data.pop(key.key_id)
    store.path.write_text(json.dumps(data))

    with pytest.raises(KeyringError, match="id of another key"):
        store.verify(b"x", sign(b"x", stranger_private), stranger)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "must hold a JSON object"),
        ("{", "unreadable"),
        ('{"0011223344556677": 5}', "needs text public_key"),
        (
            (
                '{"0011223344556677": {"public_key": "ed25519:AAAA", '
                '"name": "x", "added_at": "t"}}'
            ),
            "truncated",
        ),
    ],
)
def test_a_damaged_file_is_named_and_left_alone(store, content, reason):
    """A damaged trust file makes every use fail, naming it; trusting
    does not overwrite it."""
    store.path.parent.mkdir(parents=True)
    store.path.write_text(content)
    _, key = _new_key()

    with pytest.raises((KeyringError, OSError), match=reason) as caught:
        store.trusted()
    assert "trusted-keys.json" in str(caught.value)
    with pytest.raises((KeyringError, OSError), match=reason):
        store.trust(key, "Alice")
    assert store.path.read_text() == content


_TRUST_MANY = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from acc_plugins.market import PublicKey, TrustStore

    store = TrustStore(Path(sys.argv[1]))
    for text in sys.argv[3:]:
        store.trust(PublicKey.parse(text), sys.argv[2])
    """
)


def test_concurrent_processes_lose_no_key(store):
    """Four processes trusting keys at once (one key shared by all) end
    with every key trusted exactly once."""
    shared = _new_key()[1].text
    batches = [[_new_key()[1].text for _ in range(10)] for _ in range(4)]

    processes = [
        subprocess.Popen(  # noqa: S603 -- our own test program
            [
                sys.executable,
                "-c",
                _TRUST_MANY,
                str(store.path),
                f"writer {n}",
                shared,
                *batch,
            ]
        )
        for n, batch in enumerate(batches)
    ]
    codes = [process.wait(timeout=120) for process in processes]

    assert codes == [0, 0, 0, 0]
    trusted = {key.public_key.text for key in store.trusted()}
    assert trusted == {shared, *(text for b in batches for text in b)}
    assert len(json.loads(store.path.read_text())) == 41
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "trusted-keys.json",
        "trusted-keys.lock",
    ]
