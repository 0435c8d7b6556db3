"""
The user's own signing keys: one ed25519 private key per name in a
``keys/`` folder of the data folder.

Why files rather than a database: a private key is a secret the user may
want to back up or move with ordinary tools, so each is a plain PKCS#8
PEM file (``NAME.pem``, 0600 from birth, optionally encrypted with a
passphrase) beside its public key (``NAME.pub``, the ``ed25519:`` text),
which lets `Keyring.entries` list encrypted keys without the passphrase.
The private key is never logged, printed or put in an error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from typing import TYPE_CHECKING, Final

import attrs
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from acc_plugins.errors import KeyringError
from acc_plugins.host.config._atomic import sweep, write_atomic

from ._keys import PublicKey, generate_private_key


if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_ENCRYPTED: Final = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_MAX_FILE: Final = 64 * 1024


def check_key_name(name: str) -> str:
    """
    *name* if it can name a key file, else a `KeyringError` saying why.
    """
    if not _NAME.fullmatch(name):
        msg = (
            f"invalid key name {name!r}: use 1 to 64 letters, digits, "
            f"'.', '_' or '-', starting with a letter or digit"
        )
        raise KeyringError(msg)
    return name


@attrs.frozen
class OwnKey:
    """
    One of the user's signing keys, as listed (no secret in it).

    Attributes:
        name: The name it was generated under.

        public_key: Its public half, to share.

        path: The private key file.

        encrypted: Whether the file needs a passphrase.
    """

    name: str
    public_key: PublicKey
    path: Path
    encrypted: bool


@attrs.define
class Keyring:
    """
    The user's signing keys in one folder.

    Attributes:
        folder: The ``keys/`` folder; created 0700 on the first key.
    """

    folder: Path

    def __repr__(self) -> str:
        return f"<Keyring {self.folder}>"

    def generate(self, name: str, passphrase: bytes | None = None) -> OwnKey:
        """
        Make a new key called *name* and write it.

        Args:
            name: The key's name; one that exists is never overwritten.

            passphrase: Encrypt the private key file with it, if given.

        Raises:
            KeyringError: If *name* is invalid or taken, or the
                passphrase is empty.

            OSError: Naming the file, if it cannot be written.
        """
        check_key_name(name)
        if passphrase is not None and not passphrase:
            msg = "the passphrase is empty"
            raise KeyringError(msg)
        private_key = generate_private_key()
        public_key = PublicKey.of(private_key)
        encryption = (
            NoEncryption()
            if passphrase is None
            else BestAvailableEncryption(passphrase)
        )
        pem = private_key.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, encryption
        )
        with self._locked():
            if self._pem(name).exists():
                msg = (
                    f"a key named {name!r} exists already "
                    f"({self._pem(name)}); choose another name"
                )
                raise KeyringError(msg)
            # The public half first: the key exists once its .pem does,
            # and a .pub left alone by a crash is simply overwritten.
            write_atomic(
                self._pub(name), f"{public_key.text}\n".encode(), mode=0o644
            )
            write_atomic(self._pem(name), pem, mode=0o600)
        return OwnKey(
            name, public_key, self._pem(name), passphrase is not None
        )

    def entries(self) -> list[OwnKey]:
        """
        Every key in the folder, sorted by name.

        Raises:
            KeyringError: Naming the file, if a key's files are damaged.
        """
        try:
            names = sorted(
                path.name.removesuffix(".pem")
                for path in self.folder.iterdir()
                if path.name.endswith(".pem")
                and _NAME.fullmatch(path.name.removesuffix(".pem"))
            )
        except FileNotFoundError:
            return []
        return [self.get(name) for name in names]

    def get(self, name: str) -> OwnKey:
        """
        The key called *name*.

        Raises:
            KeyringError: If there is none, or its files are damaged.
        """
        pem = self._read(self._pem(check_key_name(name)), name)
        encrypted = pem.lstrip().startswith(_ENCRYPTED)
        public_key = self._public(name)
        if public_key is None and not encrypted:  # lost: derive it again
            public_key = PublicKey.of(self._load(name, pem, None))
        if public_key is None:
            msg = (
                f"{self._pub(name)}: missing; the public key of the "
                f"encrypted key {name!r} is needed to list it"
            )
            raise KeyringError(msg)
        return OwnKey(name, public_key, self._pem(name), encrypted)

    def private_key(
        self, name: str, passphrase: bytes | None = None
    ) -> Ed25519PrivateKey:
        """
        The private key called *name*, to sign with.

        Args:
            name: The key's name.

            passphrase: Its passphrase, if it was generated with one.

        Raises:
            KeyringError: If there is no such key, the passphrase is
                wrong or missing, or the file does not hold an ed25519 key
                matching its public key.
        """
        pem = self._read(self._pem(check_key_name(name)), name)
        private_key = self._load(name, pem, passphrase)
        public_key = self._public(name)
        if public_key is not None and PublicKey.of(private_key) != public_key:
            msg = (
                f"{self._pem(name)}: does not match its public key "
                f"{self._pub(name)}; one of them was replaced"
            )
            raise KeyringError(msg)
        return private_key

    def _public(self, name: str) -> PublicKey | None:
        """
        The key in ``NAME.pub``, or ``None`` if that file is gone.
        """
        path = self._pub(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{path}: unreadable: {exc}"
            raise KeyringError(msg) from None
        try:
            return PublicKey.parse(text)
        except KeyringError as exc:
            msg = f"{path}: {exc}"
            raise KeyringError(msg) from None

    def _load(
        self, name: str, pem: bytes, passphrase: bytes | None
    ) -> Ed25519PrivateKey:
        path = self._pem(name)
        try:
            private_key = load_pem_private_key(pem, passphrase)
        except TypeError:  # encrypted without a passphrase, or the reverse
            if passphrase is None:
                msg = f"key {name!r} is encrypted: give its passphrase"
            else:
                msg = f"key {name!r} is not encrypted: give no passphrase"
            raise KeyringError(msg) from None
        except ValueError:
            msg = (
                f"{path}: cannot be read: wrong passphrase, or not a "
                f"PEM private key"
            )
            raise KeyringError(msg) from None
        if not isinstance(private_key, Ed25519PrivateKey):
            msg = f"{path}: holds a key of another kind, not ed25519"
            raise KeyringError(msg)
        return private_key

    def _read(self, path: Path, name: str) -> bytes:
        try:
            with path.open("rb") as file:
                data = file.read(_MAX_FILE + 1)
        except FileNotFoundError:
            msg = f"no key named {name!r} in {self.folder}"
            raise KeyringError(msg) from None
        if len(data) > _MAX_FILE:
            msg = f"{path}: too large to be a private key"
            raise KeyringError(msg)
        return data

    def _pem(self, name: str) -> Path:
        return self.folder / f"{name}.pem"

    def _pub(self, name: str) -> Path:
        return self.folder / f"{name}.pub"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            sweep(self.folder)  # what killed writers left behind
            yield
        finally:
            os.close(fd)
