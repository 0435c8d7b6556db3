"""
The publisher keys a user trusts: ``trusted-keys.json``, a map from key
id to public key, the name the user gave it, and when it was added.

Why a `JsonStore`: trusting is a read-change-write of one small file
that several CLI runs or hosts may do at once; the store's file lock and
atomic, 0600 writes mean none of them loses another's key.  A later
slice lets an administrator's policy require trusted keys; it asks
`TrustStore.is_trusted`, and `TrustStore.verify` checks a signature and
the trust in its key in one call.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import KeyringError, SignatureError
from acc_plugins.host.config._jsonstore import JsonStore

from ._keys import PublicKey
from ._signing import verify


if TYPE_CHECKING:
    from pathlib import Path

_ID: Final = re.compile(r"[0-9a-f]{16}|[0-9a-f]{64}")
_MAX_NAME: Final = 80


@attrs.frozen
class TrustedKey:
    """
    A key the user trusts.

    Attributes:
        public_key: The key.

        name: Who the user says it belongs to.

        added_at: When it was trusted, ISO 8601 in UTC.
    """

    public_key: PublicKey
    name: str
    added_at: str

    @property
    def key_id(self) -> str:
        """
        The key's short id.
        """
        return self.public_key.key_id


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > _MAX_NAME or not name.isprintable():
        msg = (
            f"invalid name {name!r} for a trusted key: give 1 to "
            f"{_MAX_NAME} printable characters"
        )
        raise KeyringError(msg)
    return name


def _check_id(key_id: str) -> str:
    """
    The short id that *key_id* (a short id or a full fingerprint) means.
    """
    normal = key_id.strip().lower()
    if not _ID.fullmatch(normal):
        msg = (
            f"invalid key id {key_id!r}: give the 16 hex digits that "
            f"`acc-plugins keys list` shows, or the full fingerprint"
        )
        raise KeyringError(msg)
    return normal[:16]


class TrustStore:
    """
    The user's trusted publisher keys.

    Args:
        path: The ``trusted-keys.json`` file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store = JsonStore(path)

    def __repr__(self) -> str:
        return f"<TrustStore {self.path}>"

    def trust(
        self, public_key: PublicKey, name: str
    ) -> tuple[TrustedKey, bool]:
        """
        Trust *public_key*, known as *name*.

        Trusting a key that is trusted already changes nothing, not even
        its name.

        Returns:
            The entry, and whether it is new.

        Raises:
            KeyringError: If *name* is invalid, or the file is damaged.

            OSError: Naming the file, if it cannot be written.
        """
        name = _check_name(name)
        entry = TrustedKey(public_key, name, _now())
        outcome: list[tuple[TrustedKey, bool]] = []

        def change(data: dict[str, Any]) -> None:
            known = self._entries(data).get(public_key.key_id)
            if known is not None:
                outcome.append((known, False))
                return
            data[public_key.key_id] = {
                "public_key": public_key.text,
                "name": entry.name,
                "added_at": entry.added_at,
            }
            outcome.append((entry, True))

        self._store.update(change)
        return outcome[0]

    def untrust(self, key_id: str) -> TrustedKey:
        """
        Stop trusting the key with *key_id* (its id or fingerprint).

        Returns:
            The entry removed.

        Raises:
            KeyringError: If no trusted key has that id, or the file is
                damaged.
        """
        short = _check_id(key_id)
        removed: list[TrustedKey] = []

        def change(data: dict[str, Any]) -> None:
            known = self._entries(data).get(short)
            if known is None or (
                len(key_id.strip()) == 64  # noqa: PLR2004 -- a fingerprint
                and known.public_key.fingerprint != key_id.strip().lower()
            ):
                msg = (
                    f"no trusted key has id {key_id!r} "
                    f"(see `acc-plugins keys list`)"
                )
                raise KeyringError(msg)
            del data[short]
            removed.append(known)

        self._store.update(change)
        return removed[0]

    def trusted(self) -> list[TrustedKey]:
        """
        Every trusted key, oldest first (then by id).

        Raises:
            KeyringError: Naming the entry, if the file is damaged.
        """
        entries = self._entries(self._store.read()).values()
        return sorted(entries, key=lambda k: (k.added_at, k.key_id))

    def get(self, key_id: str) -> TrustedKey | None:
        """
        The trusted key with *key_id*, or ``None``.
        """
        return self._entries(self._store.read()).get(_check_id(key_id))

    def is_trusted(self, key_id: str) -> bool:
        """
        Whether the key with *key_id* (id or fingerprint) is trusted.
        """
        return self.get(key_id) is not None

    def verify(
        self, data: bytes, signature: str, public_key: PublicKey
    ) -> TrustedKey:
        """
        Check *signature* of *data* by *public_key*, and that the user
        trusts exactly that key.

        Returns:
            The trust entry of the key.

        Raises:
            SignatureError: If the key is not trusted, or the signature is
                malformed or does not match.
        """
        known = self.get(public_key.key_id)
        # The whole key is compared, not only its 64-bit id.
        if known is None or known.public_key != public_key:
            msg = (
                f"key {public_key.key_id} is not trusted; trust it with "
                f"`acc-plugins keys trust` if you know whose it is"
            )
            raise SignatureError(msg, public_key.key_id)
        verify(data, signature, public_key)
        return known

    def _entries(self, data: dict[str, Any]) -> dict[str, TrustedKey]:
        entries = {}
        for key_id, value in data.items():
            entries[key_id] = self._entry(key_id, value)
        return entries

    def _entry(self, key_id: str, value: object) -> TrustedKey:
        where = f"{self.path}: entry {key_id!r}"
        if not isinstance(value, dict) or not all(
            isinstance(value.get(field), str)
            for field in ("public_key", "name", "added_at")
        ):
            msg = f"{where}: needs text public_key, name and added_at"
            raise KeyringError(msg)
        try:
            public_key = PublicKey.parse(value["public_key"])
        except KeyringError as exc:
            msg = f"{where}: {exc}"
            raise KeyringError(msg) from None
        if public_key.key_id != key_id:
            msg = f"{where}: is the id of another key ({public_key.key_id})"
            raise KeyringError(msg)
        return TrustedKey(public_key, value["name"], value["added_at"])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
