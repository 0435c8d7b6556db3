"""
Where an installed plugin came from: ``.accp-origin.json`` beside its
``plugin.toml``, written by the installer in the same staged rename as
the plugin's files.

Why a file in the plugin's own folder: the host's policy gate must know,
at every load, who published a plugin and which key signed it (a policy
may block a publisher or require signatures), and a plugin folder copied
or moved by hand keeps its origin with it.  A folder without one was not
installed from a registry or archive: a local plugin, unsigned.  Plugin
code cannot write it: the sandbox grants no write access to the plugin's
own folder unless the manifest asks, and the archive builder leaves the
file out, so an origin never travels inside an archive.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import MarketplaceError
from acc_plugins.host.config._atomic import write_atomic

from ._names import RESERVED


if TYPE_CHECKING:
    from pathlib import Path

ORIGIN_FILE: Final = RESERVED
_MAX_BYTES: Final = 64 * 1024


@attrs.frozen
class Origin:
    """
    How one installed plugin got here.

    Attributes:
        name: The plugin's name.

        version: Its version.

        source: Where it was installed from: ``registry:<name>``, or the
            archive or folder it was installed from.

        sha256: The hex digest of the archive that was installed
            (for a folder, of the archive built from it).

        publisher: Who published it, as the registry names them; None
            when not from a registry.

        key_id: The key that signed the archive; None when unsigned.

        verified: Whether that key was vouched for by the registry's
            owner or trusted by the user when it was installed.

        installed_at: When, ISO 8601 in UTC.
    """

    name: str
    version: str
    source: str
    sha256: str
    publisher: str | None = None
    key_id: str | None = None
    verified: bool = False
    installed_at: str = ""

    @property
    def signed(self) -> bool:
        """
        Whether the installed archive carried a signature that checked.
        """
        return self.key_id is not None

    def to_json(self) -> dict[str, Any]:
        """
        The origin as plain JSON data.
        """
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: object, *, where: str) -> Origin:
        """
        An origin read from JSON data.

        Raises:
            MarketplaceError: If *data* is not an origin; the message
                names *where*.
        """
        fields = {f.name: f for f in attrs.fields(cls)}
        if not isinstance(data, dict) or not set(data) <= set(fields):
            msg = f"{where}: not an install origin"
            raise MarketplaceError(msg)
        for key in ("name", "version", "source", "sha256"):
            if not isinstance(data.get(key), str):
                msg = f"{where}: {key!r} must be a string"
                raise MarketplaceError(msg)
        for key in ("publisher", "key_id"):
            if not isinstance(data.get(key), str | None):
                msg = f"{where}: {key!r} must be a string or null"
                raise MarketplaceError(msg)
        if not isinstance(data.get("verified", False), bool):
            msg = f"{where}: 'verified' must be true or false"
            raise MarketplaceError(msg)
        if not isinstance(data.get("installed_at", ""), str):
            msg = f"{where}: 'installed_at' must be a string"
            raise MarketplaceError(msg)
        return cls(**data)


def read_origin(folder: Path) -> Origin | None:
    """
    The origin of the plugin in *folder*; None when it has none (a local
    plugin).

    Raises:
        MarketplaceError: If the origin file exists but cannot be read or
            is not an origin.
    """
    path = folder / ORIGIN_FILE
    try:
        with path.open("rb") as stream:
            raw = stream.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        msg = f"{path}: cannot read: {exc.strerror}"
        raise MarketplaceError(msg) from None
    if len(raw) > _MAX_BYTES:
        msg = f"{path}: larger than {_MAX_BYTES} bytes"
        raise MarketplaceError(msg)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{path}: not JSON: {exc}"
        raise MarketplaceError(msg) from None
    return Origin.from_json(data, where=str(path))


def origin_bytes(origin: Origin) -> bytes:
    """
    The content of the origin file for *origin*.
    """
    payload = json.dumps(origin.to_json(), indent=2, sort_keys=True) + "\n"
    return payload.encode()


def write_origin(folder: Path, origin: Origin) -> None:
    """
    Write *origin* into *folder* (atomically; 0644, it holds no secret).
    """
    write_atomic(folder / ORIGIN_FILE, origin_bytes(origin), mode=0o644)
