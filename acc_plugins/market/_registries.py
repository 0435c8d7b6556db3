"""
The registries a user (or a team, through a shared config folder) reads
plugins from: ``registries.json`` in the user config folder, with each
registry's location, its owner's pinned key, and the newest index seen
from it.

Why the seen serials live here, beside the pinned keys: both are what a
client must remember about a registry to refuse what an attacker serves
it, and both are dropped together when the user removes the registry.
The file is a `JsonStore`, so concurrent CLI runs and hosts never lose
an entry.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import KeyringError, MarketplaceError
from acc_plugins.host.config._jsonstore import JsonStore

from ._indexfile import Seen
from ._keys import PublicKey
from ._registry import DirectoryTransport, RegistryClient


if TYPE_CHECKING:
    from ._registry import Transport
    from ._trust import TrustStore

_NAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_URL: Final = re.compile(r"https?://", re.IGNORECASE)
# The user information of a URL: everything before the host's "@".
_PASSWORD: Final = re.compile(r"^(https?://[^/@:]*):[^/]*@", re.IGNORECASE)


class RegistryNotFoundError(MarketplaceError, LookupError):
    """
    A registry name the user has not added.
    """


@attrs.frozen
class RegistryEntry:
    """
    One registry the user reads from.

    Attributes:
        name: The name the user gave it.

        location: Its folder (absolute) or base URL.

        key: Its owner's key, pinned when it was added.

        added_at: When, ISO 8601 in UTC.

        seen: The newest index accepted from it, if any.
    """

    name: str
    location: str
    key: PublicKey
    added_at: str
    seen: Seen | None = None

    @property
    def is_url(self) -> bool:
        """
        Whether it is read over HTTP(S).
        """
        return is_url(self.location)


def is_url(location: str) -> bool:
    """
    Whether *location* is an HTTP(S) URL rather than a folder.
    """
    return bool(_URL.match(location))


def shown(location: str) -> str:
    """
    *location* as it may be printed or logged: a password written in a
    URL (``https://user:token@host/``) is replaced by ``***``.
    """
    if not is_url(location):
        return location
    return _PASSWORD.sub(r"\1:***@", location, count=1)


def check_registry_name(name: str) -> str:
    """
    *name*, if it may name a registry.

    Raises:
        MarketplaceError: If it may not, saying what may.
    """
    if not _NAME.fullmatch(name):
        msg = (
            f"invalid registry name {name!r}: use 1 to 64 lowercase "
            f"letters, digits, '.', '_' or '-', starting with a letter or "
            f"digit"
        )
        raise MarketplaceError(msg)
    return name


def normal_location(location: str) -> str:
    """
    *location* as stored: a URL without a trailing ``/``, or an absolute
    folder path.
    """
    if is_url(location):
        return location.rstrip("/")
    return str(Path(location).expanduser().absolute())


def transport_for(location: str) -> Transport:
    """
    How to read the registry at *location*.
    """
    if is_url(location):
        from ._http import HttpTransport  # noqa: PLC0415 -- httpx only when used

        return HttpTransport(location)
    return DirectoryTransport(Path(location))


class Registries:
    """
    The user's registries, in the order they were added (the order in
    which they are searched).

    Args:
        path: The ``registries.json`` file.
    """

    def __init__(self, path: Path) -> None:
        self._store = JsonStore(path)

    def __repr__(self) -> str:
        return f"<Registries {self._store.path}>"

    @property
    def path(self) -> Path:
        """
        The file.
        """
        return self._store.path

    def entries(self) -> list[RegistryEntry]:
        """
        Every registry, in order.

        Raises:
            MarketplaceError: If the file is damaged, naming it.
        """
        data = self._store.read()
        table = _table(data, "registries", self.path)
        # The store writes sorted keys; "position" keeps the order added.
        ordered = sorted(table.items(), key=lambda item: _position(item[1]))
        return [self._entry(name, value, data) for name, value in ordered]

    def get(self, name: str) -> RegistryEntry:
        """
        The registry called *name*.

        Raises:
            RegistryNotFoundError: If there is none, listing those there are.
        """
        for entry in self.entries():
            if entry.name == name:
                return entry
        known = ", ".join(e.name for e in self.entries()) or "none yet"
        msg = (
            f"no registry called {name!r} (added: {known}); add it with "
            f"`acc-plugins registry add {name} LOCATION`"
        )
        raise RegistryNotFoundError(msg)

    def add(
        self,
        name: str,
        location: str,
        key: PublicKey,
        *,
        seen: Seen | None = None,
    ) -> RegistryEntry:
        """
        Add a registry, pinning its owner's *key*; *seen* is the index
        read to add it, remembered in the same write.

        Raises:
            MarketplaceError: If the name is invalid or taken.
        """
        check_registry_name(name)
        location = normal_location(location)
        added = _now()

        def change(data: dict[str, Any]) -> None:
            table = data.setdefault("registries", {})
            if name in table:
                msg = (
                    f"a registry called {name!r} is already added "
                    f"({shown(str(table[name].get('location')))}); remove it "
                    f"first"
                )
                raise MarketplaceError(msg)
            table[name] = {
                "position": 1 + max(map(_position, table.values()), default=0),
                "location": location,
                "key": key.text,
                "added_at": added,
            }
            if seen is not None:
                data.setdefault("seen", {})[name] = _seen_json(seen)

        self._store.update(change)
        return RegistryEntry(name, location, key, added, seen)

    def remove(self, name: str) -> RegistryEntry:
        """
        Remove a registry, and forget the serials seen from it.

        Raises:
            RegistryNotFoundError: If there is none.
        """
        entry = self.get(name)

        def change(data: dict[str, Any]) -> None:
            data.get("registries", {}).pop(name, None)
            data.get("seen", {}).pop(name, None)

        self._store.update(change)
        return entry

    def seen(self, registry: str) -> Seen | None:
        """
        The newest index accepted from *registry* (`SeenMemory`).
        """
        data = self._store.read()
        return _seen(_table(data, "seen", self.path).get(registry), self.path)

    def remember(self, registry: str, seen: Seen) -> None:
        """
        Record *seen* for *registry*, unless a newer one is recorded
        (`SeenMemory`): two runs that race never lower the serial.
        """

        def change(data: dict[str, Any]) -> None:
            table = data.setdefault("seen", {})
            old = _seen(table.get(registry), self.path)
            if old is None or seen.serial > old.serial:
                table[registry] = _seen_json(seen)

        self._store.update(change)

    def client(
        self, name: str, *, trust: TrustStore | None = None
    ) -> RegistryClient:
        """
        A client for the registry called *name*.
        """
        entry = self.get(name)
        return RegistryClient(
            entry.name, transport_for(entry.location), entry.key, self, trust
        )

    def clients(
        self, *, trust: TrustStore | None = None
    ) -> list[RegistryClient]:
        """
        A client for every registry, in order.
        """
        return [
            RegistryClient(
                e.name, transport_for(e.location), e.key, self, trust
            )
            for e in self.entries()
        ]

    def _entry(
        self, name: str, value: object, data: dict[str, Any]
    ) -> RegistryEntry:
        where = f"{self.path}: registries.{name}"
        if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) for k in ("location", "key")
        ):
            msg = f"{where}: expected a table with 'location' and 'key'"
            raise MarketplaceError(msg)
        try:
            key = PublicKey.parse(value["key"])
        except KeyringError as exc:
            msg = f"{where}.key: {exc}"
            raise MarketplaceError(msg) from None
        seen = _seen(_table(data, "seen", self.path).get(name), self.path)
        return RegistryEntry(
            name,
            value["location"],
            key,
            str(value.get("added_at", "")),
            seen,
        )


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        msg = f"{path}: {key!r} must be an object"
        raise MarketplaceError(msg)
    return table


def _seen(value: object, path: Path) -> Seen | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("serial"), int)
        or not isinstance(value.get("digest"), str)
    ):
        msg = (
            f"{path}: a 'seen' entry must have an integer serial and a digest"
        )
        raise MarketplaceError(msg)
    return Seen(value["serial"], value["digest"])


def _position(value: object) -> int:
    found = value.get("position") if isinstance(value, dict) else None
    return found if isinstance(found, int) else 0


def _seen_json(seen: Seen) -> dict[str, Any]:
    return {"serial": seen.serial, "digest": seen.digest}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
