"""
What the user asks to install: ``NAME``, ``NAME==1.2.0``, ``NAME>=1.2``
(PEP 440 specifiers), a plugin folder, or a ``.accp`` file.

Why a parser of its own: one string on a command line, or in a team's
list, can name three kinds of source, and a typo in any of them must be
one clear error before anything is read or written.  A name never looks
like a path: a folder is given with a ``/`` in it (``./hello``), an
archive by its ``.accp`` suffix, so that a folder called ``hello`` in the
current directory never shadows the registry's ``hello``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

import attrs
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from acc_plugins.errors import MarketplaceError

from ._archive import SUFFIX


_REQUIREMENT: Final = re.compile(
    r"\s*(?P<name>[A-Za-z][A-Za-z0-9-]{0,63})\s*(?P<spec>[<>=!~].*)?\s*"
)
_SEPARATORS: Final = tuple({"/", os.sep, os.altsep or "/"})


@attrs.frozen
class Requirement:
    """
    One thing to install.

    Attributes:
        text: What the user wrote.

        name: The plugin's name, for a registry requirement; None for a
            folder or archive (the manifest inside names it).

        specifier: The versions that will do (empty: any).

        path: The folder or ``.accp`` file, for a local requirement.
    """

    text: str
    name: str | None = None
    specifier: SpecifierSet = attrs.Factory(SpecifierSet)
    path: Path | None = None

    @property
    def is_local(self) -> bool:
        """
        Whether it names a folder or an archive rather than a registry
        plugin.
        """
        return self.path is not None

    @property
    def is_archive(self) -> bool:
        """
        Whether it names a ``.accp`` file.
        """
        return self.path is not None and self.path.suffix == SUFFIX

    def wants_prereleases(self) -> bool:
        """
        Whether the specifier itself names a pre-release (``==2.0rc1``,
        ``>=2.0b1``): then pre-releases may be chosen.
        """
        return bool(self.specifier.prereleases)


def parse_requirement(text: str) -> Requirement:
    """
    The requirement *text* spells.

    Example:
        >>> parse_requirement("hello>=1.2").specifier
        <SpecifierSet('>=1.2')>

    Raises:
        MarketplaceError: If it is none of a name with an optional
            specifier, an existing plugin folder or an existing ``.accp``
            file; the message says which form was meant and what is wrong.
    """
    stripped = text.strip()
    if stripped.endswith(SUFFIX) or any(
        sep in stripped for sep in _SEPARATORS
    ):
        return _local(text, Path(stripped).expanduser())
    match = _REQUIREMENT.fullmatch(text)
    if match is None:
        msg = (
            f"invalid requirement {text!r}: expected NAME, NAME==VERSION "
            f"or NAME>=VERSION, a plugin folder (with a '/', like "
            f"./{stripped or 'plugin'}) or a {SUFFIX} file"
        )
        raise MarketplaceError(msg)
    name = match["name"]
    if name != name.lower():
        msg = f"invalid requirement {text!r}: plugin names are lowercase ({name.lower()!r})"
        raise MarketplaceError(msg)
    try:
        specifier = SpecifierSet(match["spec"] or "")
    except InvalidSpecifier as exc:
        msg = f"invalid requirement {text!r}: {exc}"
        raise MarketplaceError(msg) from None
    return Requirement(text, name, specifier)


def _local(text: str, path: Path) -> Requirement:
    if path.suffix == SUFFIX:
        if not path.is_file():
            msg = f"{path}: no such archive"
            raise MarketplaceError(msg)
    elif not path.is_dir():
        msg = f"{path}: no such plugin folder"
        raise MarketplaceError(msg)
    elif not (path / "plugin.toml").is_file():
        msg = f"{path}: not a plugin folder (it has no plugin.toml)"
        raise MarketplaceError(msg)
    return Requirement(text, path=path.absolute())
