"""
A registry's ``index.json``: every plugin, its versions and where their
archives are, as frozen attrs classes, and the one canonical byte form
the registry owner signs.

Why its own module: the index is the one document every other part reads
(install, search, the site, policy) and only the publishing side writes,
so its shape and its validation live in one place.  The file is::

    {"signed": {<Index>}, "key": "ed25519:...", "signature": "<base64>"}

The signature covers `canonical` of the ``signed`` object: sorted keys,
no spaces, UTF-8.  A client checks the signature before it believes one
byte of what is inside (`acc_plugins.market._indexfile`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any, Final

import attrs
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import KeyringError, MarketplaceError

from ._indexfields import check as _check
from ._indexfields import check_time as _check_time
from ._keys import PublicKey
from ._strict import StructureProblems, lines, strict_converter


if TYPE_CHECKING:
    from collections.abc import Iterator

FORMAT: Final = 1
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_KEY_ID: Final = re.compile(r"[0-9a-f]{16}")
_NAME: Final = re.compile(r"[a-z][a-z0-9-]{0,63}")
_ARCHIVE: Final = re.compile(
    r"archives/[a-z][a-z0-9-]{0,63}/[A-Za-z0-9._+-]+\.accp"
)


class IndexFormatError(MarketplaceError, ValueError):
    """
    An ``index.json`` that is not a registry index: each problem names the
    field, as ``$.plugins.name.versions.1.0.0.sha256``.

    Attributes:
        where: The index (a path or URL).

        problems: One line per problem.
    """

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{where}: not a valid registry index:\n{lines}")


@attrs.frozen(kw_only=True)
class Rating:
    """
    What reviewers thought of a plugin, summed up.

    Attributes:
        count: How many reviews.

        average: Their mean number of stars (1 to 5), 0 without reviews.
    """

    count: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    average: float = attrs.field(
        default=0.0,
        validator=[attrs.validators.ge(0.0), attrs.validators.le(5.0)],
    )


@attrs.frozen(kw_only=True)
class Release:
    """
    One published version of a plugin.

    Attributes:
        archive: Where its ``.accp`` is, relative to the registry's root.

        sha256: The archive's digest, hex.

        size: The archive's size in bytes.

        key_id: The key that signed the archive.

        signature: The archive's signature (base64), checked against the
            key of that id in `Index.publishers`.

        published_at: When, ISO 8601 in UTC.

        requires_acc: The host versions it runs on, a PEP 440 specifier;
            empty for any.

        dependencies: The plugins it needs: name to specifier.

        permissions: What it asks for, canonical strings.

        tools: The tools it adds, by name.

        agents: The agents it adds, by name.

        workflows: The workflows it adds, by name.

        hooks: The hooks it adds, by event pattern.

        settings: Its settings: key to type.

        isolation: The tier its manifest asks for.

        yanked: Why it must not be installed any more; None while it may.
    """

    archive: str = attrs.field(
        validator=_check(_ARCHIVE, "archives/<name>/<file>.accp")
    )
    sha256: str = attrs.field(validator=_check(_SHA256, "64 hex digits"))
    size: int = attrs.field(validator=attrs.validators.ge(1))
    key_id: str = attrs.field(validator=_check(_KEY_ID, "16 hex digits"))
    signature: str
    published_at: str = attrs.field(validator=_check_time)
    requires_acc: str = ""
    dependencies: dict[str, str] = attrs.Factory(dict)
    permissions: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()
    hooks: tuple[str, ...] = ()
    settings: dict[str, str] = attrs.Factory(dict)
    isolation: str = "in-process"
    yanked: str | None = None


@attrs.frozen(kw_only=True)
class Listing:
    """
    One plugin in the registry, with every version published.

    Attributes:
        name: The plugin's name.

        description: One line about it, from its newest manifest.

        kind: Its category: agent, tool, workflow or mixed.

        keywords: Words to find it by.

        publisher: Who publishes it (a name in `Index.publishers`).

        homepage: Its home page, if it has one.

        license: Its licence, if it says.

        downloads: How many times it was fetched, as the owner counts.

        rating: The reviews, summed up.

        reports: How many open reports administrators have on it.

        versions: Each release by its version text.
    """

    name: str = attrs.field(validator=_check(_NAME, "a plugin name"))
    description: str = ""
    kind: str = "mixed"
    keywords: tuple[str, ...] = ()
    publisher: str
    homepage: str | None = None
    license: str | None = None
    downloads: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    rating: Rating = attrs.Factory(Rating)
    reports: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    versions: dict[str, Release] = attrs.Factory(dict)

    def ordered(self) -> list[tuple[Version, Release]]:
        """
        Every release, oldest first.
        """
        return sorted(
            (
                (Version(text), release)
                for text, release in self.versions.items()
            ),
            key=lambda pair: pair[0],
        )

    def latest(
        self, *, prereleases: bool = False
    ) -> tuple[Version, Release] | None:
        """
        The newest release that is not yanked (a pre-release only when
        asked for); None when there is none.
        """
        for version, release in reversed(self.ordered()):
            if release.yanked is None and (
                prereleases or not version.is_prerelease
            ):
                return version, release
        return None

    @property
    def updated_at(self) -> str:
        """
        When its newest release was published.
        """
        return max(
            (release.published_at for release in self.versions.values()),
            default="",
        )


@attrs.frozen(kw_only=True)
class Publisher:
    """
    Someone who publishes to the registry, and their keys.

    Attributes:
        keys: Their public keys (``ed25519:<base64>``), by key id.

        vouched: Whether the registry's owner vouches for these keys:
            what makes a release "verified".
    """

    keys: dict[str, str] = attrs.Factory(dict)
    vouched: bool = False


@attrs.frozen(kw_only=True)
class Index:
    """
    Everything a registry holds.

    Attributes:
        format: The index format, 1.

        registry: The name its owner gave the registry.

        serial: Grows by one with every change; a client refuses an index
            whose serial is lower than the highest it has seen.

        updated_at: When it was last signed.

        expires_at: After this a client refuses it, so that an attacker
            cannot keep serving a stale but once-valid index forever.

        publishers: Who may publish, by name, with their keys.

        plugins: Every plugin, by name.
    """

    format: int = attrs.field(
        default=FORMAT, validator=attrs.validators.in_([FORMAT])
    )
    registry: str
    serial: int = attrs.field(validator=attrs.validators.ge(0))
    updated_at: str = attrs.field(validator=_check_time)
    expires_at: str = attrs.field(validator=_check_time)
    publishers: dict[str, Publisher] = attrs.Factory(dict)
    plugins: dict[str, Listing] = attrs.Factory(dict)

    def releases(self) -> Iterator[tuple[Listing, Version, Release]]:
        """
        Every release of every plugin.
        """
        for listing in self.plugins.values():
            for version, release in listing.ordered():
                yield listing, version, release

    def expired(self, now: dt.datetime | None = None) -> bool:
        """
        Whether the index is past its expiry.
        """
        moment = now or dt.datetime.now(dt.UTC)
        return dt.datetime.fromisoformat(self.expires_at) <= moment

    def key_of(self, key_id: str) -> tuple[str, str, bool] | None:
        """
        The publisher that holds key *key_id*: (publisher, key text,
        vouched); None when no publisher does.
        """
        for name, publisher in self.publishers.items():
            text = publisher.keys.get(key_id)
            if text is not None:
                return name, text, publisher.vouched
        return None


_converter: Final = strict_converter()


def index_from_json(data: object, *, where: str) -> Index:
    """
    The index that *data* (the ``signed`` object) describes.

    Raises:
        IndexFormatError: Naming every field that is wrong.
    """
    try:
        index = _converter.structure(data, Index)
    except StructureProblems as exc:
        raise IndexFormatError(where, lines(exc.problems)) from None
    problems = list(_consistency(index))
    if problems:
        raise IndexFormatError(where, problems)
    return index


def _consistency(index: Index) -> Iterator[str]:
    holders: dict[str, str] = {}
    for name, publisher in index.publishers.items():
        for key_id, text in publisher.keys.items():
            where = f"$.publishers.{name}.keys.{key_id}"
            try:
                key = PublicKey.parse(text)
            except KeyringError as exc:
                yield f"{where}: {exc}"
                continue
            if key.key_id != key_id:
                yield f"{where}: the key's id is {key.key_id}"
            if holders.setdefault(key_id, name) != name:
                yield f"{where}: also listed for {holders[key_id]!r}"
    for name, listing in index.plugins.items():
        at = f"$.plugins.{name}"
        if listing.name != name:
            yield f"{at}.name: {listing.name!r} under the key {name!r}"
        if listing.publisher not in index.publishers:
            yield f"{at}.publisher: {listing.publisher!r} is not in $.publishers"
        seen: set[Version] = set()
        for text, release in listing.versions.items():
            where = f"{at}.versions.{text}"
            try:
                version = Version(text)
            except InvalidVersion:
                yield f"{where}: {text!r} is not a version"
            else:
                if str(version) != text or version in seen:
                    yield f"{where}: write version {version} once, as {version}"
                seen.add(version)
            if not release.archive.startswith(f"archives/{name}/"):
                yield f"{where}.archive: must be under archives/{name}/"


def index_to_json(index: Index) -> dict[str, Any]:
    """
    *index* as plain JSON data.
    """
    data: dict[str, Any] = _converter.unstructure(index)
    return data


def canonical(data: object) -> bytes:
    """
    The bytes that are signed for *data*: JSON with sorted keys and no
    spaces, UTF-8.
    """
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")
