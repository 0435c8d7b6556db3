"""
Registries for the tests of search, show and the site: listings built in
memory, sealed with a real owner key, written to a real folder.
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from acc_plugins.market._index import (
    Index,
    Listing,
    Publisher,
    Rating,
    Release,
)
from acc_plugins.market._indexfile import SignedIndex, seal_index
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._layout import archive_path, docs_path, reviews_path
from acc_plugins.market._signing import sign


OWNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLISHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))
REVIEWER = Ed25519PrivateKey.from_private_bytes(bytes(range(3, 35)))
PUBLISHER_ID = PublicKey.of(PUBLISHER).key_id
STRANGER_ID = PublicKey.of(STRANGER).key_id
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def release(
    name: str,
    version: str,
    *,
    day: int = 0,
    key_id: str = PUBLISHER_ID,
    permissions: tuple[str, ...] = (),
    yanked: str | None = None,
    tools: tuple[str, ...] = (),
) -> Release:
    """
    A release of *name* whose archive does not need to exist.
    """
    return Release(
        archive=archive_path(name, version),
        sha256=hashlib.sha256(f"{name}{version}".encode()).hexdigest(),
        size=1000 + day,
        key_id=key_id,
        signature="c2ln",
        published_at=(BASE + dt.timedelta(days=day)).isoformat(),
        permissions=permissions,
        yanked=yanked,
        tools=tools,
    )


def listing(
    name: str,
    *,
    description: str = "",
    kind: str = "tool",
    keywords: tuple[str, ...] = (),
    publisher: str = "acme",
    downloads: int = 0,
    rating: tuple[float, int] = (0.0, 0),
    versions: dict[str, Release] | None = None,
) -> Listing:
    """
    A listing with one release 1.0.0 unless *versions* says otherwise.
    """
    return Listing(
        name=name,
        description=description,
        kind=kind,
        keywords=keywords,
        publisher=publisher,
        downloads=downloads,
        rating=Rating(average=rating[0], count=rating[1]),
        versions=versions or {"1.0.0": release(name, "1.0.0")},
    )


def index(listings: list[Listing], *, serial: int = 1) -> Index:
    """
    An index of *listings*, published by "acme" (vouched for, with the
    publisher key) and "nobody" (not vouched for, with the stranger key).
    """
    return Index(
        registry="test",
        serial=serial,
        updated_at=BASE.isoformat(),
        expires_at=(
            dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        ).isoformat(),
        publishers={
            "acme": Publisher(
                keys={PUBLISHER_ID: PublicKey.of(PUBLISHER).text},
                vouched=True,
            ),
            "nobody": Publisher(
                keys={STRANGER_ID: PublicKey.of(STRANGER).text},
                vouched=False,
            ),
        },
        plugins={item.name: item for item in listings},
    )


def signed(value: Index, registry: str = "test") -> SignedIndex:
    """
    *value* as if read and checked (its digest unique to its content).
    """
    digest = hashlib.sha256(repr(value).encode() + registry.encode())
    return SignedIndex(value, PublicKey.of(OWNER), digest.hexdigest())


def review(
    plugin: str,
    stars: int,
    comment: str,
    *,
    reviewer: str = "Ann",
    key: Ed25519PrivateKey = REVIEWER,
    day: int = 0,
) -> dict[str, object]:
    """
    A review as stored, signed by *key*.
    """
    fields = {
        "plugin": plugin,
        "key": PublicKey.of(key).text,
        "stars": stars,
        "comment": comment,
        "reviewer": reviewer,
        "written_at": (BASE + dt.timedelta(days=day)).isoformat(
            timespec="seconds"
        ),
    }
    canonical = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    return {**fields, "signature": sign(canonical, key)}


def write_registry(
    root: Path,
    value: Index,
    *,
    reviews: dict[str, list[dict[str, object]]] | None = None,
    docs: dict[str, str] | None = None,
) -> Path:
    """
    A registry folder holding *value* sealed by the owner key, with
    *reviews* and documentation pages *docs* by plugin name.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.json").write_bytes(seal_index(value, OWNER))
    for name, entries in (reviews or {}).items():
        path = root / reviews_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(entries))
    for name, text in (docs or {}).items():
        path = root / docs_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
