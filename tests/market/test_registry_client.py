"""
A client reading a directory registry: it believes a signed, fresh index
and archives that match it, and refuses every substitution an attacker
with write access to the registry folder (or a mirror) could make.
"""

import os
import shutil

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from packaging.version import Version
from tests.market._regkit import (
    MemorySeen,
    RegistryFolder,
    demo_registry,
    later,
)

from acc_plugins.errors import MarketplaceError, SignatureError
from acc_plugins.market._index import Publisher
from acc_plugins.market._indexfile import StaleIndexError
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._layout import INDEX
from acc_plugins.market._registry import (
    DirectoryTransport,
    RegistryClient,
    RegistryUnavailableError,
    read_capped,
)
from acc_plugins.market._trust import TrustStore


ARCHIVE = b"PK\x03\x04 an archive " * 100


@pytest.fixture(name="registry")
def _registry(tmp_path) -> RegistryFolder:
    return demo_registry(tmp_path / "registry", ARCHIVE)


@pytest.fixture(name="memory")
def _memory() -> MemorySeen:
    return MemorySeen()


def _client(registry, memory, **kwargs):
    owner = kwargs.pop("owner", registry.owner_key)
    return RegistryClient(
        "team", DirectoryTransport(registry.root), owner, memory, **kwargs
    )


def _fetch(client, name="demo", version="1.0.0", **kwargs):
    listing = client.index().index.plugins[name]
    return client.fetch(listing, Version(version), **kwargs)


def test_a_signed_index_is_read_and_remembered(registry, memory):
    """The index is believed and its serial remembered."""
    signed = _client(registry, memory).index()

    assert list(signed.index.plugins) == ["demo"]
    assert memory.seen("team") == signed.seen


def test_the_index_is_read_once_per_client_unless_refreshed(registry, memory):
    """A second call reuses the index; refresh reads the new one."""
    client = _client(registry, memory)
    first = client.index()
    registry.publish("other", "1.0.0", b"other")
    registry.seal()

    assert client.index() is first
    assert set(client.index(refresh=True).index.plugins) == {"demo", "other"}
    assert memory.seen("team").serial == 2


def test_a_verified_archive_is_fetched_with_progress(registry, memory):
    """The archive matches the index; progress ends at its size."""
    told = []

    fetched = _fetch(
        _client(registry, memory), progress=lambda *p: told.append(p)
    )

    assert fetched.data == ARCHIVE
    assert fetched.verified
    assert fetched.version == Version("1.0.0")
    assert told[-1] == (len(ARCHIVE), len(ARCHIVE))


def test_a_folder_without_an_index_is_not_a_registry(tmp_path, memory):
    """No index.json: one error asking whether this is a registry."""
    client = RegistryClient("team", DirectoryTransport(tmp_path), None, memory)

    with pytest.raises(RegistryUnavailableError, match="is this a registry"):
        client.index()


def test_an_index_replaced_by_another_signer_is_refused(registry, memory):
    """Someone with write access re-signs the index with their own key."""
    registry.seal(key=Ed25519PrivateKey.generate())

    with pytest.raises(SignatureError, match="not by the registry owner"):
        _client(registry, memory).index()
    assert memory.seen("team") is None


def test_a_tampered_index_is_refused(registry, memory):
    """A sha256 edited in index.json breaks the owner's signature."""
    path = registry.root / INDEX
    text = path.read_text()
    digest = registry.plugins["demo"].versions["1.0.0"].sha256
    path.write_text(text.replace(digest, "0" * 64))

    with pytest.raises(SignatureError, match="changed after it was signed"):
        _client(registry, memory).index()


def test_a_replayed_older_index_is_refused(registry, memory):
    """A mirror serving yesterday's index after today's was seen."""
    old = (registry.root / INDEX).read_bytes()
    registry.seal()
    _client(registry, memory).index()
    (registry.root / INDEX).write_bytes(old)

    with pytest.raises(StaleIndexError, match="serial 1 is older than"):
        _client(registry, memory).index()
    assert memory.seen("team").serial == 2


def test_another_index_under_the_same_serial_is_refused(registry, memory):
    """The owner's key signing two histories under one serial."""
    _client(registry, memory).index()
    registry.serial = 1
    registry.publish("other", "1.0.0", b"other")
    registry.seal()

    with pytest.raises(StaleIndexError, match="forked index"):
        _client(registry, memory).index()


def test_an_expired_index_is_refused(registry, memory):
    """An index past its expiry is not believed, however well signed."""
    registry.seal(expires_at=later(-1))

    with pytest.raises(StaleIndexError, match="expired"):
        _client(registry, memory).index()


def test_a_tampered_archive_is_refused(registry, memory):
    """One byte changed in the archive: its digest differs."""
    path = registry.root / "archives/demo/demo-1.0.0.accp"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))

    with pytest.raises(MarketplaceError, match="the archive was changed"):
        _fetch(_client(registry, memory))


def test_a_truncated_archive_is_refused(registry, memory):
    """A download cut short is named as such."""
    path = registry.root / "archives/demo/demo-1.0.0.accp"
    path.write_bytes(ARCHIVE[:-10])

    with pytest.raises(MarketplaceError, match="the download was cut short"):
        _fetch(_client(registry, memory))


def test_an_archive_longer_than_the_index_says_is_refused(registry, memory):
    """Bytes past the indexed size are not read, let alone believed."""
    path = registry.root / "archives/demo/demo-1.0.0.accp"
    path.write_bytes(ARCHIVE + b"more")

    with pytest.raises(RegistryUnavailableError, match="more than the"):
        _fetch(_client(registry, memory))


def test_a_release_the_index_does_not_list_is_named(registry, memory):
    """Asking for a version that is not there is an error, not a KeyError."""
    client = _client(registry, memory)
    listing = client.index().index.plugins["demo"]

    with pytest.raises(MarketplaceError, match="lists no such release"):
        client.fetch(listing, Version("9.9"))


def test_a_missing_archive_is_named(registry, memory):
    """The index lists an archive the folder does not have."""
    (registry.root / "archives/demo/demo-1.0.0.accp").unlink()

    with pytest.raises(RegistryUnavailableError, match="has no archives/"):
        _fetch(_client(registry, memory))


def test_an_archive_signed_by_another_publisher_is_refused(registry, memory):
    """A release signed by a key the index lists for someone else."""
    rival = Ed25519PrivateKey.generate()
    key = PublicKey.of(rival)
    registry.publishers["rival"] = Publisher(keys={key.key_id: key.text})
    registry.publish("demo", "2.0.0", b"evil", key=rival)
    registry.seal()

    with pytest.raises(SignatureError, match="does not list for publisher"):
        _fetch(_client(registry, memory), version="2.0.0")


def test_an_archive_signed_by_an_unlisted_key_is_refused(registry, memory):
    """A release signed by a key the index does not list at all."""
    registry.publish(
        "demo", "2.0.0", b"evil", key=Ed25519PrivateKey.generate()
    )
    registry.seal()

    with pytest.raises(SignatureError, match="does not list") as caught:
        _fetch(_client(registry, memory), version="2.0.0")
    release = registry.plugins["demo"].versions["2.0.0"]
    assert caught.value.key_id == release.key_id


def test_an_archive_whose_signature_is_for_other_bytes_is_refused(
    registry, memory
):
    """
    The index's digest matches, but the signature is the publisher's
    signature of another archive.
    """
    other = registry.plugins["demo"].versions["1.0.0"].signature
    registry.publish("demo", "2.0.0", b"new bytes")
    listing = registry.plugins["demo"]
    forged = attrs.evolve(listing.versions["2.0.0"], signature=other)
    registry.plugins["demo"] = attrs.evolve(
        listing, versions={**listing.versions, "2.0.0": forged}
    )
    registry.seal()

    with pytest.raises(SignatureError, match="bad signature"):
        _fetch(_client(registry, memory), version="2.0.0")


def test_an_unvouched_publisher_is_unverified_unless_trusted(
    registry, memory, tmp_path
):
    """Verified: vouched for by the owner, or a key the user trusts."""
    registry.publishers["acme"] = attrs.evolve(
        registry.publishers["acme"], vouched=False
    )
    registry.seal()
    trust = TrustStore(tmp_path / "trusted-keys.json")

    assert not _fetch(_client(registry, memory, trust=trust)).verified
    trust.trust(PublicKey.of(registry.publisher), "acme")
    assert _fetch(_client(registry, memory, trust=trust)).verified


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlinked_archive_is_not_followed(registry, memory, tmp_path):
    """An archive path that is a symlink is refused, not followed."""
    path = registry.root / "archives/demo/demo-1.0.0.accp"
    outside = tmp_path / "outside.accp"
    shutil.move(path, outside)
    path.symlink_to(outside)

    with pytest.raises(RegistryUnavailableError, match="cannot read"):
        _fetch(_client(registry, memory))


def test_read_capped_refuses_a_declared_size_above_the_cap():
    """A declared total past the cap is refused before reading."""
    chunks = iter([b"never read"])

    with pytest.raises(RegistryUnavailableError, match="11 bytes, more"):
        read_capped(chunks, "x", 10, 11, None)
    assert next(chunks) == b"never read"
