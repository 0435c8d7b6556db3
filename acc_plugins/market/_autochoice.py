"""
Which release an automatic update may move a plugin to: the newest,
not yanked, made for this host, and within what the mode admits.

Why pure: the rule is the part of automatic updates most worth testing
against arbitrary versions, and it needs no disk, network or lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from acc_plugins.security._updatemode import UpdateMode

from ._resolver import ResolutionError, choose


if TYPE_CHECKING:
    from ._index import Listing, Release


def admitted(mode: UpdateMode, installed: Version, candidate: Version) -> bool:
    """
    Whether *mode* lets *installed* move to *candidate*: newer, and within
    the same major.minor (``patch``) or major (``minor``); a pre-release
    only if *installed* is one.
    """
    if mode is UpdateMode.OFF or candidate <= installed:
        return False
    if candidate.is_prerelease and not installed.is_prerelease:
        return False
    if mode is UpdateMode.PATCH:
        same = (candidate.major, candidate.minor)
        return same == (installed.major, installed.minor)
    if mode is UpdateMode.MINOR:
        return candidate.major == installed.major
    return True


def newest_admitted(
    listing: Listing, installed: Version, mode: UpdateMode, host: Version
) -> tuple[Version, Release] | None:
    """
    The newest release of *listing* that *mode* admits from *installed*,
    not yanked, and made for this *host* version; None if there is none.
    """
    versions = {}
    for text, release in listing.versions.items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if admitted(mode, installed, version):
            versions[text] = release
    if not versions:
        return None
    try:
        return choose(
            attrs.evolve(listing, versions=versions),
            SpecifierSet(),
            acc_version=host,
            prereleases=installed.is_prerelease,
        )
    except ResolutionError:
        return None
