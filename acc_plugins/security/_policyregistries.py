"""
The ``[registries]`` table of a policy: the registries plugins may be
installed from::

    [registries]
    allow = ["corp", "https://plugins.corp.example/*", "/srv/registries/*"]

An entry is a registry name pattern (as ``acc-plugins registry add``
named it) or a location pattern: an ``http(s)://`` URL or an absolute
folder, with shell-style wildcards.  Why both: a name is the user's
label, so a user could call any registry ``corp``; a location is where
the plugins really come from.  An administrator who cannot trust the
users' labels lists locations only.

The table governs installs from registries.  Local folders and archive
files are not registries; to keep them out, require signatures or allow
publishers only (a local plugin has no publisher).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import Final
from urllib.parse import urlsplit

import attrs


_NAME_PATTERN: Final = re.compile(r"[a-z0-9._*?\[\]!-]+")
_URL: Final = re.compile(r"https?://", re.IGNORECASE)


def _is_location(text: str) -> bool:
    return "/" in text or ":" in text or "\\" in text


def _normal(location: str) -> str | None:
    """
    *location* in the one spelling patterns are matched against: a URL
    as ``scheme://host[:port]/path`` in lowercase up to the path, a
    folder without ``..`` or ``.``, either without a trailing ``/``.
    None for a location that no pattern may match: a URL with user
    information or a backslash, which browsers and HTTP clients read
    differently (``https://corp.example@evil.example/``).

    Why: ``*`` crosses ``/``, so ``/srv/registries/*`` would match
    ``/srv/registries/../../home/me/evil`` were ``..`` left in.
    """
    if not _URL.match(location):
        return posixpath.normpath(location).rstrip("/") or "/"
    if "\\" in location:
        return None
    parts = urlsplit(location)
    if parts.username is not None or parts.password is not None:
        return None
    path = posixpath.normpath(parts.path) if parts.path else ""
    head = f"{parts.scheme}://{parts.netloc}".lower()
    return (head + path).rstrip("/")


@attrs.frozen
class RegistryRules:
    """
    The ``[registries]`` table.

    Attributes:
        allow: Registry name and location patterns plugins may be
            installed from; None for any registry.
    """

    allow: tuple[str, ...] | None = None

    @staticmethod
    def check(text: str) -> str | None:
        """
        Why *text* cannot be an ``allow`` entry, or None.
        """
        if not _is_location(text):
            if _NAME_PATTERN.fullmatch(text):
                return None
            return f"{text!r} is not a registry name pattern"
        if (_URL.match(text) and _normal(text)) or text.startswith("/"):
            return None
        return (
            f"{text!r} is neither a registry name nor an http(s) URL or "
            f"absolute folder"
        )

    def allows(self, name: str | None, location: str | None) -> bool:
        """
        Whether the registry called *name* at *location* (either None
        when unknown) may be installed from.
        """
        if self.allow is None:
            return True
        for pattern in self.allow:
            if _is_location(pattern):
                normal = None if location is None else _normal(location)
                wanted = _normal(pattern)
                if normal and wanted and fnmatch.fnmatchcase(normal, wanted):
                    return True
            elif name is not None and fnmatch.fnmatchcase(name, pattern):
                return True
        return False

    def refusal(self, name: str | None, location: str | None) -> str | None:
        """
        Why the registry may not be installed from, in words; None if it
        may.
        """
        if self.allows(name, location):
            return None
        where = f" at {location}" if location else ""
        label = f"registry {name!r}{where}" if name else f"the registry{where}"
        return f"[registries] allow does not list {label}"
