"""
A directory registry as its owner writes it: created, changed and signed
again, one change at a time.

Why every change goes through `RegistryOwner.change`: it is the one
place that reads the index (refusing one whose signature does not check,
so that a tampered local index is never re-signed into legitimacy),
applies a pure change (`acc_plugins.market._changes`), counts reviews
and reports into the listings, raises the serial, signs, and writes the
new files and then the index atomically, all under the registry's lock.
A change that fails anywhere leaves the folder as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import MarketplaceError

from ._changes import (
    with_downloads,
    with_publisher,
    with_tallies,
    with_vouch,
    with_yank,
    without_publisher,
)
from ._index import Index, canonical, index_to_json
from ._indexfile import Seen, StaleIndexError, seal_index
from ._layout import INDEX, LOCK
from ._regfolder import SHARED, RegistryFolder
from ._reports import ReportBook
from ._reviews import ReviewBook


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
    )

    from ._indexfile import SignedIndex
    from ._keyring import Keyring, OwnKey
    from ._keys import PublicKey
    from ._registry import SeenMemory

    Passphrase = Callable[[OwnKey], bytes]
    """Asked for the passphrase of an encrypted key, when one is needed."""

DEFAULT_EXPIRY_DAYS: Final = 90
_MAX_EXPIRY_DAYS: Final = 3660
_REGISTRY_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}")
_FOLDERS: Final = ("archives", "docs", "reviews")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _check_days(days: int) -> dt.timedelta:
    if not 1 <= days <= _MAX_EXPIRY_DAYS:
        msg = f"the expiry must be 1 to {_MAX_EXPIRY_DAYS} days, not {days}"
        raise MarketplaceError(msg)
    return dt.timedelta(days=days)


@attrs.define
class RegistryOwner:
    """
    The owner's side of a directory registry.

    Args:
        root: The registry's folder.

        keyring: The owner's keys: the one that signed the index must be
            among them for any change.

        passphrase: Asked for the passphrase of an encrypted key (once
            per key and owner object).

        memory: Where the last index signed is remembered, so that an
            older signed index put back in the folder is refused.

        clock: The time now (a parameter so that tests can move it).
    """

    root: Path
    keyring: Keyring
    passphrase: Passphrase | None = None
    memory: SeenMemory | None = None
    clock: Callable[[], dt.datetime] = _now
    _unlocked: dict[str, Ed25519PrivateKey] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @property
    def folder(self) -> RegistryFolder:
        """
        The registry's files.
        """
        return RegistryFolder(self.root)

    def init(
        self,
        name: str,
        key_name: str,
        expires_days: int = DEFAULT_EXPIRY_DAYS,
    ) -> Index:
        """
        Create the registry: its folders and an empty index, serial 1,
        signed by the key *key_name* of the keyring.

        Raises:
            MarketplaceError: If the folder holds a registry already, or
                is not empty, or *name* or *expires_days* is invalid.

            KeyringError: If there is no such key or its passphrase is
                wrong.
        """
        if not _REGISTRY_NAME.fullmatch(name):
            msg = (
                f"invalid registry name {name!r}: 1 to 64 letters, digits, "
                f"spaces, '.', '_' or '-', starting with a letter or digit"
            )
            raise MarketplaceError(msg)
        period = _check_days(expires_days)
        if (self.root / INDEX).exists():
            msg = f"{self.root}: holds a registry already ({INDEX})"
            raise MarketplaceError(msg)
        if self.root.exists() and any(self.root.iterdir()):
            msg = (
                f"{self.root}: not empty; a registry starts in an empty folder"
            )
            raise MarketplaceError(msg)
        own = self.keyring.get(key_name)
        private_key = self._unlock(own)
        moment = self.clock()
        index = Index(
            registry=name,
            serial=1,
            updated_at=_stamp(moment),
            expires_at=_stamp(moment + period),
        )
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in _FOLDERS:
            (self.root / folder).mkdir(exist_ok=True)
        (self.root / LOCK).touch(mode=SHARED)
        self._write(index, private_key, {})
        return index

    def index(self) -> Index:
        """
        The current index, its signature checked.
        """
        return self.folder.signed().index

    def owner_key(self) -> PublicKey:
        """
        The key that signs the registry's index.
        """
        return self.folder.signed().key

    def holds_owner_key(self) -> bool:
        """
        Whether the keyring holds the registry owner's key.
        """
        return self._own(self.owner_key()) is not None

    def change(
        self,
        change: Callable[[Index], Index],
        *,
        files: Mapping[str, bytes] | None = None,
        expires_days: int | None = None,
    ) -> Index:
        """
        Apply *change* to the index, sign it again and write it, with
        *files* beside it, under the registry's lock.

        Reviews and reports are counted into the listings at the same
        time, and the expiry moves on by the same period as before
        (or *expires_days*).

        Args:
            change: A pure function of the current index; raise
                `MarketplaceError` to refuse.

            files: Other files to write first (relative path to bytes),
                such as an archive and its documentation page.

            expires_days: A new validity period.

        Returns:
            The index written.

        Raises:
            MarketplaceError: If the index is tampered with, the keyring
                lacks the owner's key, or *change* refuses.
        """
        period = None if expires_days is None else _check_days(expires_days)
        key = self.owner_key()
        own = self._own(key)
        if own is None:
            msg = (
                f"only the registry's owner can change it; the owner key "
                f"is {key.key_id}, and your keyring does not hold it"
            )
            raise MarketplaceError(msg)
        private_key = self._unlock(own)
        folder = self.folder
        with folder.locked():
            # Pinned to the key unlocked above: a swap since is refused.
            signed = folder.signed(owner=key)
            self._check_latest(signed)
            current = signed.index
            changed = with_tallies(
                change(current),
                ReviewBook(self.root).ratings(current.plugins),
                ReportBook(self.root).counts(),
            )
            moment = max(self.clock(), _parse(current.updated_at))
            if period is None:
                period = _parse(current.expires_at) - _parse(
                    current.updated_at
                )
            new = attrs.evolve(
                changed,
                serial=current.serial + 1,
                updated_at=_stamp(moment),
                expires_at=_stamp(moment + period),
            )
            self._write(new, private_key, files or {})
        return new

    def _write(
        self,
        index: Index,
        private_key: Ed25519PrivateKey,
        files: Mapping[str, bytes],
    ) -> None:
        self.folder.write({**files, INDEX: seal_index(index, private_key)})
        if self.memory is not None:
            digest = hashlib.sha256(canonical(index_to_json(index)))
            seen = Seen(index.serial, digest.hexdigest())
            self.memory.remember(self._memory_key, seen)

    @property
    def _memory_key(self) -> str:
        return str(self.root.resolve())

    def _check_latest(self, signed: SignedIndex) -> None:
        last = (
            None if self.memory is None else self.memory.seen(self._memory_key)
        )
        if last is None:
            return
        serial = signed.index.serial
        if serial < last.serial or (
            serial == last.serial and signed.digest != last.digest
        ):
            msg = (
                f"{self.folder.where}: serial {serial}, but you signed "
                f"serial {last.serial} last; an older index was put back "
                f"(restore the newest from a backup)"
            )
            raise StaleIndexError(msg)

    def refresh(
        self,
        expires_days: int | None = None,
        *,
        downloads: Mapping[str, int] | None = None,
    ) -> Index:
        """
        Sign the index again with a new expiry, recounting every plugin's
        rating and reports, and setting the download counts given.
        """
        return self.change(
            lambda index: with_downloads(index, downloads or {}),
            expires_days=expires_days,
        )

    def add_publisher(
        self, name: str, key: PublicKey, *, vouch: bool | None = None
    ) -> Index:
        """
        List *key* under publisher *name* (created if new); *vouch* says
        whether the owner vouches for them (None: unchanged).
        """
        return self.change(
            lambda index: with_publisher(index, name, key, vouched=vouch)
        )

    def remove_publisher(self, name: str, key_id: str | None = None) -> Index:
        """
        Remove publisher *name*, or only its key *key_id*, when no release
        needs it.
        """
        return self.change(
            lambda index: without_publisher(index, name, key_id)
        )

    def vouch(self, name: str) -> Index:
        """
        Vouch for publisher *name*: their releases become verified.
        """
        return self.change(lambda index: with_vouch(index, name, vouched=True))

    def unvouch(self, name: str) -> Index:
        """
        Stop vouching for publisher *name*.
        """
        return self.change(
            lambda index: with_vouch(index, name, vouched=False)
        )

    def yank(self, name: str, version: str, reason: str) -> Index:
        """
        Mark release *version* of *name* as not to be installed.
        """
        return self.change(
            lambda index: with_yank(index, name, version, reason)
        )

    def unyank(self, name: str, version: str) -> Index:
        """
        Put a yanked release back in service.
        """
        return self.change(lambda index: with_yank(index, name, version, None))

    def signing_key(self, key_name: str) -> Ed25519PrivateKey:
        """
        The keyring's private key *key_name*, unlocked (asking for its
        passphrase if it is encrypted).

        Raises:
            KeyringError: If there is no such key, or it cannot be
                unlocked.
        """
        return self._unlock(self.keyring.get(key_name))

    def _own(self, key: PublicKey) -> OwnKey | None:
        for own in self.keyring.entries():
            if own.public_key == key:
                return own
        return None

    def _unlock(self, own: OwnKey) -> Ed25519PrivateKey:
        cached = self._unlocked.get(own.name)
        if cached is not None:
            return cached
        secret = None
        if own.encrypted and self.passphrase is not None:
            secret = self.passphrase(own)
        private_key = self.keyring.private_key(own.name, secret)
        self._unlocked[own.name] = private_key
        return private_key


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
