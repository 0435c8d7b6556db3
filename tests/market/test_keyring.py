"""
The user's own keys: written 0600, never overwritten, encrypted with a
passphrase when asked, and refused clearly when damaged.
"""

import stat
import subprocess
import sys
import textwrap

import pytest

from acc_plugins.errors import KeyringError
from acc_plugins.market import Keyring, PublicKey, sign, verify


@pytest.fixture(name="keyring")
def _keyring(tmp_path) -> Keyring:
    return Keyring(tmp_path / "keys")


def _files(folder):
    return sorted(
        (path.name, path.read_bytes())
        for path in folder.iterdir()
        if path.name != ".lock"
    )


def test_generate_writes_a_0600_private_key_that_signs(keyring):
    """A new key's file is 0600 in a 0700 folder, and it signs."""
    own = keyring.generate("release")
    private_key = keyring.private_key("release")

    assert stat.S_IMODE(own.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keyring.folder.stat().st_mode) == 0o700
    assert own.path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert not own.encrypted
    assert PublicKey.of(private_key) == own.public_key
    verify(b"x", sign(b"x", private_key), own.public_key)
    assert keyring.entries() == [own]
    assert keyring.get("release") == own


def test_an_existing_name_is_never_overwritten(keyring):
    """Generating a taken name fails and leaves the key as it was."""
    keyring.generate("release")
    before = _files(keyring.folder)

    with pytest.raises(KeyringError, match="exists already"):
        keyring.generate("release")
    assert _files(keyring.folder) == before


@pytest.mark.parametrize(
    "name", ["", ".hidden", "../escape", "a/b", "-flag", "x" * 65, "tab\t"]
)
def test_invalid_names_are_refused_and_nothing_is_written(keyring, name):
    """Names that are not plain file names are refused before any write."""
    with pytest.raises(KeyringError, match="invalid key name"):
        keyring.generate(name)
    assert not keyring.folder.exists()


def test_a_passphrase_encrypts_the_private_key(keyring):
    """An encrypted key needs its passphrase, and only that one."""
    own = keyring.generate("release", b"correct horse")

    assert own.encrypted
    assert b"ENCRYPTED PRIVATE KEY" in own.path.read_bytes()
    assert keyring.get("release").public_key == own.public_key
    assert (
        PublicKey.of(keyring.private_key("release", b"correct horse"))
        == own.public_key
    )
    with pytest.raises(KeyringError, match="is encrypted"):
        keyring.private_key("release")
    with pytest.raises(KeyringError, match="wrong passphrase"):
        keyring.private_key("release", b"battery staple")


def test_a_passphrase_for_a_plain_key_and_an_empty_one_are_refused(keyring):
    """Giving a passphrase a key does not have, or an empty one, fails."""
    keyring.generate("plain")

    with pytest.raises(KeyringError, match="not encrypted"):
        keyring.private_key("plain", b"secret")
    with pytest.raises(KeyringError, match="empty"):
        keyring.generate("other", b"")
    assert [key.name for key in keyring.entries()] == ["plain"]


def test_unknown_names_are_clear_errors(keyring):
    """Asking for a key that does not exist names it."""
    assert keyring.entries() == []
    with pytest.raises(KeyringError, match="no key named 'nope'"):
        keyring.get("nope")


def test_a_lost_public_file_is_derived_again_for_a_plain_key(keyring):
    """Without NAME.pub, a plain key still lists; an encrypted one says
    what is missing, and still signs with its passphrase."""
    plain = keyring.generate("plain")
    locked = keyring.generate("locked", b"pw")
    (keyring.folder / "plain.pub").unlink()
    (keyring.folder / "locked.pub").unlink()

    assert keyring.get("plain").public_key == plain.public_key
    with pytest.raises(KeyringError, match=r"locked\.pub: missing"):
        keyring.get("locked")
    signing = keyring.private_key("locked", b"pw")
    assert PublicKey.of(signing) == locked.public_key


def test_a_swapped_public_file_is_detected_before_signing(keyring):
    """A .pub replaced by another key's is caught when the key is used."""
    keyring.generate("mine")
    theirs = keyring.generate("theirs")
    (keyring.folder / "mine.pub").write_text(theirs.public_key.text)

    with pytest.raises(KeyringError, match="does not match its public key"):
        keyring.private_key("mine")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        b"x" * 100_000,
    ],
)
def test_a_damaged_private_key_file_is_refused(keyring, content):
    """A private key file that is not an ed25519 PEM key is refused."""
    keyring.generate("mine")
    (keyring.folder / "mine.pem").write_bytes(content)

    with pytest.raises(KeyringError, match=r"mine\.pem"):
        keyring.private_key("mine")


def test_a_key_of_another_kind_is_refused(keyring):
    """A PEM file holding an EC key is not taken for an ed25519 key."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    keyring.generate("mine")
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    (keyring.folder / "mine.pem").write_bytes(other)

    with pytest.raises(KeyringError, match="not ed25519"):
        keyring.private_key("mine")


def test_private_key_text_is_in_no_repr_or_error(keyring):
    """Reprs and errors name keys by id and path, never by secret."""
    own = keyring.generate("mine")
    secret = own.path.read_text().splitlines()[1]

    with pytest.raises(KeyringError) as caught:
        keyring.private_key("mine", b"pw")
    assert secret not in str(caught.value)
    assert secret not in repr(own)
    assert secret not in repr(keyring)


_GENERATE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from acc_plugins.errors import KeyringError
    from acc_plugins.market import Keyring

    try:
        Keyring(Path(sys.argv[1])).generate("release")
    except KeyringError:
        sys.exit(3)
    """
)


def test_racing_generates_of_one_name_make_one_key(keyring):
    """Four processes generating the same name: one wins, the others are
    refused, and the .pem and .pub that remain belong together."""
    processes = [
        subprocess.Popen(  # noqa: S603 -- our own test program
            [sys.executable, "-c", _GENERATE, str(keyring.folder)]
        )
        for _ in range(4)
    ]
    codes = sorted(process.wait(timeout=120) for process in processes)

    assert codes == [0, 3, 3, 3]
    private_key = keyring.private_key("release")
    assert PublicKey.of(private_key) == keyring.get("release").public_key
