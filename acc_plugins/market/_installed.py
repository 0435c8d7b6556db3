"""
What is installed in an install root: each plugin's folder, manifest,
origin and the version kept for rollback, and who needs whom.

Why apart from the installer: reading the installed plugins is what
``outdated``, ``uninstall`` and the health check's folder list need,
and it never changes anything.  An unreadable manifest or origin is
reported as missing rather than raised, so one damaged folder does not
stop the user from looking after the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from packaging.version import InvalidVersion, Version

from acc_plugins.errors import ManifestError, MarketplaceError
from acc_plugins.manifest import load_manifest

from ._origin import read_origin


if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from acc_plugins.manifest import Manifest

    from ._installroot import InstallRoot
    from ._origin import Origin


@attrs.frozen
class Installed:
    """
    A plugin in the install root.

    Attributes:
        name: Its name.

        folder: Its folder.

        manifest: Its manifest; None if unreadable.

        origin: Where it came from; None for a plugin put there by hand.

        previous: The version kept for rollback, if any.
    """

    name: str
    folder: Path
    manifest: Manifest | None
    origin: Origin | None
    previous: str | None = None

    @property
    def version(self) -> str:
        """
        Its version (``"?"`` if its manifest is unreadable).
        """
        return (
            "?" if self.manifest is None else str(self.manifest.plugin.version)
        )

    @property
    def dependencies(self) -> frozenset[str]:
        """
        The plugins it needs.
        """
        if self.manifest is None:
            return frozenset()
        return frozenset(d.name for d in self.manifest.dependencies)


def _manifest(folder: Path) -> Manifest | None:
    try:
        return load_manifest(folder / "plugin.toml")
    except (ManifestError, OSError):
        return None


def _origin(folder: Path) -> Origin | None:
    try:
        return read_origin(folder)
    except MarketplaceError:
        return None


def survey(root: InstallRoot) -> dict[str, Installed]:
    """
    Every plugin in *root*, by name.
    """
    found: dict[str, Installed] = {}
    for name, folder in root.installed().items():
        previous = None
        if root.has_previous(name):
            old = _manifest(root.previous(name))
            previous = "?" if old is None else str(old.plugin.version)
        found[name] = Installed(
            name, folder, _manifest(folder), _origin(folder), previous
        )
    return found


def dependents(installed: Mapping[str, Installed], name: str) -> list[str]:
    """
    The plugins of *installed* that need *name*, directly or not.
    """
    found: list[str] = []
    todo = [name]
    while todo:
        wanted = todo.pop()
        for other in sorted(installed.values(), key=lambda i: i.name):
            if wanted in other.dependencies and other.name not in found:
                found.append(other.name)
                todo.append(other.name)
    return [n for n in found if n != name]


def needed_folders(
    installed: Mapping[str, Installed], name: str
) -> list[Path]:
    """
    The folders of *name* and of the plugins it needs, directly or not:
    what a host needs to activate it.
    """
    wanted: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current in wanted or current not in installed:
            continue
        wanted.append(current)
        todo.extend(sorted(installed[current].dependencies))
    return [installed[n].folder for n in wanted]


def installed_versions(found: Mapping[str, Installed]) -> dict[str, Version]:
    """
    The version of each installed plugin, as the resolver compares them;
    a plugin whose version cannot be read is left out.
    """
    versions: dict[str, Version] = {}
    for name, item in found.items():
        try:
            versions[name] = Version(item.version)
        except InvalidVersion:
            continue
    return versions
