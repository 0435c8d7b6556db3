"""
A plugin made ready to install: fetched and checked (or read from a
folder or an ``.accp`` file), extracted into the install root's staging
area, its manifest read and its origin written beside it.

Why a step of its own: everything that can refuse an install (a digest,
a signature, an unsafe archive, a manifest that is not what the index
promised) happens here, before the user is asked anything and before
one folder of the install root moves.  A refused candidate leaves only
its staging folder, which is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import attrs

from acc_plugins.errors import ArchiveError, MarketplaceError

from ._archive import build_archive
from ._extract import extract_archive
from ._limits import DEFAULT_LIMITS
from ._origin import ORIGIN_FILE, Origin, origin_bytes
from ._updatediff import Summary


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.manifest import Manifest

    from ._index import Release
    from ._installroot import InstallRoot
    from ._registry import FetchedArchive


@attrs.frozen
class Candidate:
    """
    A plugin extracted into staging, checked, waiting to be swapped in.

    Attributes:
        manifest: Its manifest.

        folder: The extracted plugin, in the staging area.

        origin: Where it came from (written into *folder* already).

        release: Its entry in the registry's index; None for a local
            folder or archive.

        location: The registry's folder or URL, for a policy's
            ``[registries]`` patterns; None for a local one.
    """

    manifest: Manifest
    folder: Path
    origin: Origin
    release: Release | None = None
    location: str | None = None

    @property
    def name(self) -> str:
        """
        The plugin's name.
        """
        return self.manifest.plugin.name

    @property
    def version(self) -> str:
        """
        The plugin's version.
        """
        return str(self.manifest.plugin.version)

    @property
    def permissions(self) -> frozenset[str]:
        """
        What it asks for, canonical.
        """
        return frozenset(p.canonical for p in self.manifest.permissions.all)

    @property
    def trust(self) -> str:
        """
        ``verified``, ``signed`` (by a key nobody vouches for) or
        ``unsigned``.
        """
        if self.origin.verified:
            return "verified"
        return "signed" if self.origin.signed else "unsigned"

    def summary(self) -> Summary:
        """
        What it asks for and offers: from the index for a release, else
        from its manifest (tools and the like are known once loaded).
        """
        if self.release is not None:
            return Summary.of_release(self.version, self.release)
        return Summary.of_manifest(self.manifest)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _extracted(
    root: InstallRoot,
    data: bytes,
    label: str,
    origin_of: Callable[[Manifest], Origin],
) -> Candidate:
    """
    Extract *data* into a new staging folder, its origin written in the
    same flush; the staging folder goes if anything is refused.
    """
    stage = root.stage()
    made: list[Origin] = []

    def extra(manifest: Manifest) -> dict[str, bytes]:
        made.append(origin_of(manifest))
        return {ORIGIN_FILE: origin_bytes(made[0])}

    try:
        manifest = extract_archive(data, stage / "plugin", extra=extra)
    except ArchiveError as exc:
        root.discard(stage)
        reason = str(exc).removeprefix(f"{exc.archive}: ")
        raise ArchiveError(label, None, reason) from None
    except BaseException:
        root.discard(stage)
        raise
    return Candidate(manifest, stage / "plugin", made[0])


def from_fetched(
    root: InstallRoot,
    fetched: FetchedArchive,
    registry: str,
    location: str | None = None,
) -> Candidate:
    """
    The candidate for an archive fetched (and checked) from *registry*.

    Raises:
        ArchiveError: If the archive is unsafe.

        MarketplaceError: If its manifest is not the plugin and version
            the index lists it as.
    """
    label = (
        f"{fetched.listing.name} {fetched.version} from registry {registry!r}"
    )

    def origin_of(manifest: Manifest) -> Origin:
        meta = manifest.plugin
        if (
            meta.name != fetched.listing.name
            or meta.version != fetched.version
        ):
            msg = (
                f"{label}: the archive holds {meta.name} {meta.version}, "
                f"not what the index lists it as; refusing it"
            )
            raise MarketplaceError(msg)
        return Origin(
            name=meta.name,
            version=str(meta.version),
            source=f"registry:{registry}",
            sha256=fetched.release.sha256,
            publisher=fetched.listing.publisher,
            key_id=fetched.release.key_id,
            verified=fetched.verified,
            installed_at=_now(),
        )

    candidate = _extracted(root, fetched.data, label, origin_of)
    return attrs.evolve(candidate, release=fetched.release, location=location)


def from_archive(root: InstallRoot, path: Path) -> Candidate:
    """
    The candidate for a local ``.accp`` file: unsigned, whatever it holds.

    Raises:
        ArchiveError: If the archive is unsafe.

        MarketplaceError: If it cannot be read.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(DEFAULT_LIMITS.max_archive_bytes + 1)
    except OSError as exc:
        msg = f"{path}: cannot read: {exc.strerror}"
        raise MarketplaceError(msg) from None
    if len(data) > DEFAULT_LIMITS.max_archive_bytes:
        msg = f"{path}: larger than {DEFAULT_LIMITS.max_archive_bytes} bytes"
        raise MarketplaceError(msg)
    return _local(root, data, str(path))


def from_folder(root: InstallRoot, path: Path) -> Candidate:
    """
    The candidate for a plugin folder: packaged first, so that what is
    installed is exactly what an archive of it would hold; unsigned.

    Raises:
        ManifestError: If its manifest is invalid.

        ArchiveError: If it cannot be packaged.
    """
    return _local(root, build_archive(path), str(path))


def _local(root: InstallRoot, data: bytes, source: str) -> Candidate:
    digest = hashlib.sha256(data).hexdigest()

    def origin_of(manifest: Manifest) -> Origin:
        return Origin(
            name=manifest.plugin.name,
            version=str(manifest.plugin.version),
            source=source,
            sha256=digest,
            installed_at=_now(),
        )

    return _extracted(root, data, source, origin_of)
