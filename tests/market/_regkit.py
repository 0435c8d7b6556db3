"""
Signed registries built by hand for the client's tests: an owner key, a
publisher key, archives and an index, every field the test's to choose,
so that an attack can change exactly one thing.
"""

import datetime as dt
import hashlib
from pathlib import Path

import attrs
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from acc_plugins.market._index import Index, Listing, Publisher, Release
from acc_plugins.market._indexfile import Seen, seal_index
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._layout import INDEX, archive_path
from acc_plugins.market._signing import sign


NOW = "2026-12-01T00:00:00+00:00"


def later(days: float = 30) -> str:
    """
    An ISO 8601 time *days* from now (in the past when negative).
    """
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return moment.isoformat(timespec="seconds")


def release_of(
    name: str, version: str, data: bytes, key: Ed25519PrivateKey
) -> Release:
    """
    The index entry of *data* as release *version* of *name*, signed by
    *key*.
    """
    return Release(
        archive=archive_path(name, version),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        key_id=PublicKey.of(key).key_id,
        signature=sign(data, key),
        published_at=NOW,
        permissions=("network:example.org",),
        tools=("fetch",),
    )


class MemorySeen:
    """
    A `SeenMemory` in a dict.
    """

    def __init__(self) -> None:
        self.table: dict[str, Seen] = {}

    def seen(self, registry: str) -> Seen | None:
        return self.table.get(registry)

    def remember(self, registry: str, seen: Seen) -> None:
        self.table[registry] = seen


@attrs.define
class RegistryFolder:
    """
    A registry in a folder, written as a test wants it.

    Attributes:
        root: The folder.

        owner: The owner's private key (signs the index).

        publisher: The publisher ``acme``'s private key (signs archives).

        serial: The serial the next `seal` writes.

        plugins: What the next `seal` lists.

        publishers: Who may publish, with their keys.
    """

    root: Path
    owner: Ed25519PrivateKey = attrs.Factory(Ed25519PrivateKey.generate)
    publisher: Ed25519PrivateKey = attrs.Factory(Ed25519PrivateKey.generate)
    serial: int = 1
    plugins: dict[str, Listing] = attrs.Factory(dict)
    publishers: dict[str, Publisher] = attrs.Factory(dict)

    def __attrs_post_init__(self) -> None:
        key = PublicKey.of(self.publisher)
        self.publishers["acme"] = Publisher(
            keys={key.key_id: key.text}, vouched=True
        )
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def owner_key(self) -> PublicKey:
        """
        The owner's public key, as a client pins it.
        """
        return PublicKey.of(self.owner)

    def publish(
        self,
        name: str,
        version: str,
        data: bytes,
        *,
        key: Ed25519PrivateKey | None = None,
        publisher: str = "acme",
    ) -> Release:
        """
        Write *data* as the archive of *name* *version* and list it.
        """
        release = release_of(name, version, data, key or self.publisher)
        target = self.root / release.archive
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        listing = self.plugins.get(name) or Listing(
            name=name, publisher=publisher, description=f"the {name} plugin"
        )
        versions = {**listing.versions, version: release}
        self.plugins[name] = attrs.evolve(listing, versions=versions)
        return release

    def index(self, *, expires_at: str | None = None) -> Index:
        """
        The index the next `seal` signs.
        """
        return Index(
            registry="test",
            serial=self.serial,
            updated_at=NOW,
            expires_at=expires_at or later(30),
            publishers=dict(self.publishers),
            plugins=dict(self.plugins),
        )

    def seal(
        self,
        *,
        key: Ed25519PrivateKey | None = None,
        expires_at: str | None = None,
    ) -> bytes:
        """
        Sign the index (by *key*, else the owner), write it as
        ``index.json``, and step the serial; returns its bytes.
        """
        raw = seal_index(self.index(expires_at=expires_at), key or self.owner)
        (self.root / INDEX).write_bytes(raw)
        self.serial += 1
        return raw


def demo_registry(root: Path, archive: bytes) -> RegistryFolder:
    """
    A registry at *root* listing *archive* as ``demo`` 1.0.0, sealed.
    """
    registry = RegistryFolder(root)
    registry.publish("demo", "1.0.0", archive)
    registry.seal()
    return registry
