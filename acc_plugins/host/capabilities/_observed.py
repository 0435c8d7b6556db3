"""
Grants that say what each allowed use needed: the narrowest permission
that would have allowed it, the one a denial would have named.

A host is handed an observer only when someone wants to know what its
plugins use (the testing kit, ``acc-plugins permissions suggest``);
otherwise its plugins get plain ``Grants`` and pay nothing for this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeVar

import attrs

from acc_plugins.errors import PermissionDenied
from acc_plugins.security import Grants


if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from acc_plugins.manifest import Permission
    from acc_plugins.security import Roots

_T = TypeVar("_T")


def _ignore(_permission: str) -> None:
    return None


@attrs.frozen
class ObservedGrants(Grants):
    """
    ``Grants`` that tell *used* the narrowest permission behind every
    check they pass (denials are told by the capabilities already).

    Attributes:
        used: Told each permission an allowed check needed.
    """

    used: Callable[[str], None] = attrs.field(
        default=_ignore, kw_only=True, eq=False, repr=False
    )

    def _tell(self, check: Callable[[Grants], object]) -> None:
        # Run the same check against no grants at all: the denial names
        # the narrowest permission that covers this one use.
        bare = Grants(self.plugin, self.roots, frozenset())
        try:
            check(bare)
        except PermissionDenied as exc:
            self.used(exc.permission)

    def _told(self, value: _T, check: Callable[[Grants], object]) -> _T:
        self._tell(check)
        return value

    def check_path(
        self,
        path: str | os.PathLike[str],
        access: Literal["read", "write"],
    ) -> Path:
        return self._told(
            super().check_path(path, access),
            lambda bare: bare.check_path(path, access),
        )

    def check_url(self, url: str) -> str:
        return self._told(
            super().check_url(url), lambda bare: bare.check_url(url)
        )

    def check_env(self, name: str) -> str:
        return self._told(
            super().check_env(name), lambda bare: bare.check_env(name)
        )

    def check_command(self, argv: Sequence[str]) -> list[str]:
        return self._told(
            super().check_command(argv),
            lambda bare: bare.check_command(argv),
        )

    def check_host_api(self, api: str, argument: str | None = None) -> None:
        super().check_host_api(api, argument)
        self._tell(lambda bare: bare.check_host_api(api, argument))


def observed_grants(
    plugin: str,
    roots: Roots,
    permissions: Iterable[Permission],
    on_used: Callable[[str, str], None] | None,
) -> Grants:
    """
    The grants of *plugin*: plain ones without an observer, else ones
    that tell *on_used* ``(plugin, permission)`` of every allowed use.
    """
    held = frozenset(permissions)
    if on_used is None:
        return Grants(plugin, roots, held)
    return ObservedGrants(
        plugin,
        roots,
        held,
        used=lambda permission: on_used(plugin, permission),
    )
