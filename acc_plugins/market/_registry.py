"""
Reading a registry as a client: the signed index, checked for freshness,
and archives checked against it.  How the bytes travel is a `Transport`'s
business (a folder here; HTTP in ``_http``), so every check below applies
to both the same way.

An archive is believed only when its size and sha256 match the index,
and its signature checks against a key that the index lists for the
plugin's own publisher.  "Verified" adds that the registry's owner
vouches for that publisher, or that the user trusts the key.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Final, Protocol

import attrs

from acc_plugins.errors import KeyringError, MarketplaceError, SignatureError

from ._indexfile import MAX_INDEX_BYTES, check_fresh, open_index
from ._keys import PublicKey
from ._layout import INDEX
from ._signing import verify


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from packaging.version import Version

    from ._index import Listing, Release
    from ._indexfile import Seen, SignedIndex
    from ._trust import TrustStore

    Progress = Callable[[int, int | None], None]
    """Told (bytes so far, bytes in all when known) as a download goes."""

_CHUNK: Final = 256 * 1024
_O_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)


class RegistryUnavailableError(MarketplaceError):
    """
    A registry could not be read: a missing folder, a network failure, an
    HTTP error, a file larger than allowed.  The message names the file or
    URL and the reason.
    """


class Transport(Protocol):
    """
    How a registry's files are read.
    """

    @property
    def location(self) -> str:
        """
        The registry's folder or base URL, as the user gave it.
        """
        ...

    def read(
        self, path: str, *, max_bytes: int, progress: Progress | None = None
    ) -> bytes:
        """
        The file at *path* (relative, ``/``-separated), at most
        *max_bytes* long.

        Raises:
            FileNotFoundError: If the registry has no such file.

            RegistryUnavailableError: For any other failure, or a file
                longer than *max_bytes*.
        """
        ...


@attrs.frozen
class DirectoryTransport:
    """
    A registry in a folder: local, or a shared network folder.

    Attributes:
        root: The registry's folder.
    """

    root: Path

    @property
    def location(self) -> str:
        """
        The folder.
        """
        return str(self.root)

    def read(
        self, path: str, *, max_bytes: int, progress: Progress | None = None
    ) -> bytes:
        """
        See `Transport.read`.
        """
        target = self.root.joinpath(*path.split("/"))
        try:
            fd = os.open(target, os.O_RDONLY | _O_NOFOLLOW)
        except FileNotFoundError:
            raise
        except OSError as exc:
            msg = f"{target}: cannot read: {exc.strerror}"
            raise RegistryUnavailableError(msg) from None
        with os.fdopen(fd, "rb") as stream:
            try:
                total = os.fstat(fd).st_size
                chunks = iter(lambda: stream.read(_CHUNK), b"")
                return read_capped(
                    chunks, str(target), max_bytes, total, progress
                )
            except OSError as exc:
                msg = f"{target}: cannot read: {exc.strerror}"
                raise RegistryUnavailableError(msg) from None


def read_capped(
    chunks: Iterable[bytes],
    where: str,
    max_bytes: int,
    total: int | None,
    progress: Progress | None,
) -> bytes:
    """
    Join *chunks*, refusing more than *max_bytes* (*total*, when the
    source declares it, is checked first and handed to *progress*).

    Raises:
        RegistryUnavailableError: If there are more bytes than allowed.
    """
    if total is not None and total > max_bytes:
        msg = f"{where}: {total} bytes, more than the {max_bytes} expected"
        raise RegistryUnavailableError(msg)
    parts: list[bytes] = []
    done = 0
    for chunk in chunks:
        parts.append(chunk)
        done += len(chunk)
        if done > max_bytes:
            msg = f"{where}: more than the {max_bytes} bytes expected"
            raise RegistryUnavailableError(msg)
        if progress is not None:
            progress(done, total)
    return b"".join(parts)


class SeenMemory(Protocol):
    """
    Where a client remembers the newest index seen from each registry.
    """

    def seen(self, registry: str) -> Seen | None:
        """
        The newest index accepted from *registry*, if any.
        """
        ...

    def remember(self, registry: str, seen: Seen) -> None:
        """
        Record that *seen* was accepted from *registry*.
        """
        ...


@attrs.frozen
class FetchedArchive:
    """
    An archive whose size, digest and signature checked.

    Attributes:
        data: Its bytes.

        listing: The plugin it is a release of.

        version: Which release.

        release: The release's entry in the index.

        verified: Whether the signing key is vouched for by the registry's
            owner or trusted by the user.
    """

    data: bytes = attrs.field(repr=False)
    listing: Listing
    version: Version
    release: Release
    verified: bool


@attrs.define
class RegistryClient:
    """
    One registry, read and checked.

    Attributes:
        name: The name the user gave the registry (what `SeenMemory` is
            keyed by).

        transport: How its files are read.

        owner: The owner's key, pinned when the registry was added.

        memory: Where the newest index seen is remembered.

        trust: The user's trusted keys: a release signed by one is
            verified even if the owner does not vouch for it.
    """

    name: str
    transport: Transport
    owner: PublicKey | None
    memory: SeenMemory
    trust: TrustStore | None = None
    _signed: SignedIndex | None = attrs.field(default=None, init=False)

    def index(self, *, refresh: bool = False) -> SignedIndex:
        """
        The registry's index, signed by its owner and fresh.

        Fetched once per client unless *refresh*; accepting it raises the
        remembered serial, so an older index is refused from then on.

        Raises:
            RegistryUnavailableError: If the index cannot be read.

            SignatureError, StaleIndexError, MarketplaceError: If it must
                not be believed.
        """
        if self._signed is not None and not refresh:
            return self._signed
        where = f"registry {self.name!r} ({self.transport.location})"
        try:
            raw = self.transport.read(INDEX, max_bytes=MAX_INDEX_BYTES)
        except FileNotFoundError:
            msg = f"{where}: no {INDEX}; is this a registry?"
            raise RegistryUnavailableError(msg) from None
        signed = open_index(raw, where=where, owner=self.owner)
        check_fresh(signed, self.memory.seen(self.name), where=where)
        self.memory.remember(self.name, signed.seen)
        self._signed = signed
        return signed

    def fetch(
        self,
        listing: Listing,
        version: Version,
        *,
        progress: Progress | None = None,
    ) -> FetchedArchive:
        """
        Release *version* of *listing*, checked against the index.

        Raises:
            RegistryUnavailableError: If the archive cannot be read, or is
                longer than the index says.

            MarketplaceError: If it is shorter (truncated) or its digest
                differs (tampered).

            SignatureError: If its signature does not check against a key
                of the plugin's publisher.
        """
        where = f"{listing.name} {version} from registry {self.name!r}"
        release = listing.versions.get(str(version))
        if release is None:
            msg = f"{where}: the index lists no such release"
            raise MarketplaceError(msg)
        try:
            data = self.transport.read(
                release.archive, max_bytes=release.size, progress=progress
            )
        except FileNotFoundError:
            msg = f"{where}: the registry has no {release.archive}"
            raise RegistryUnavailableError(msg) from None
        if len(data) != release.size:
            msg = (
                f"{where}: {len(data)} bytes, but the index says "
                f"{release.size}; the download was cut short"
            )
            raise MarketplaceError(msg)
        digest = hashlib.sha256(data).hexdigest()
        if digest != release.sha256:
            msg = (
                f"{where}: sha256 {digest} does not match the index's "
                f"{release.sha256}; the archive was changed"
            )
            raise MarketplaceError(msg)
        vouched = self._check_signature(data, listing, release, where)
        trusted = self.trust is not None and self.trust.is_trusted(
            release.key_id
        )
        return FetchedArchive(
            data, listing, version, release, vouched or trusted
        )

    def _check_signature(
        self, data: bytes, listing: Listing, release: Release, where: str
    ) -> bool:
        index = self.index().index
        holder = index.key_of(release.key_id)
        if holder is None or holder[0] != listing.publisher:
            msg = (
                f"{where}: signed by key {release.key_id}, which the "
                f"registry does not list for publisher {listing.publisher!r}"
            )
            raise SignatureError(msg, release.key_id)
        _, key_text, vouched = holder
        try:
            key = PublicKey.parse(key_text)
        except KeyringError as exc:
            msg = f"{where}: the publisher's key: {exc}"
            raise SignatureError(msg, release.key_id) from None
        if key.key_id != release.key_id:
            msg = f"{where}: the index files key {key.key_id} under id {release.key_id}"
            raise SignatureError(msg, release.key_id)
        try:
            verify(data, release.signature, key)
        except SignatureError as exc:
            msg = f"{where}: {exc}"
            raise SignatureError(msg, release.key_id) from None
        return vouched
