"""
What the user has granted each plugin: the middle term of
effective = requested ∩ granted (∩ allowed by policy, once there is one).

A plugin seen for the first time is granted what it requests then (the
user chose to install it); a permission it asks for later, in a new
version, stays ungranted until ``acc-plugins permissions grant``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._jsonstore import JsonStore


if TYPE_CHECKING:
    from collections.abc import Mapping


class GrantStore(JsonStore):
    """
    Granted permissions by plugin, in canonical form.
    """

    def granted(self, plugin: str) -> frozenset[str] | None:
        """
        What *plugin* was granted, or None if it was never seen.
        """
        entry = self.read().get(plugin)
        if not isinstance(entry, list):
            return None
        return frozenset(str(p) for p in entry)

    def grant(
        self, plugin: str, permissions: frozenset[str]
    ) -> frozenset[str]:
        """
        Add *permissions* to what *plugin* holds; return the new set.
        """
        return self.grant_all({plugin: permissions})[plugin]

    def grant_all(
        self, grants: Mapping[str, frozenset[str]]
    ) -> dict[str, frozenset[str]]:
        """
        ``grant`` for several plugins in one write of the file.

        Returns:
            What each of them holds now.
        """
        result: dict[str, frozenset[str]] = {}

        def change(data: dict[str, object]) -> None:
            for plugin, permissions in grants.items():
                held = data.get(plugin)
                current = set(held) if isinstance(held, list) else set()
                current |= permissions
                data[plugin] = sorted(current)
                result[plugin] = frozenset(current)

        self.update(change)
        return result

    def revoke(
        self, plugin: str, permissions: frozenset[str]
    ) -> frozenset[str]:
        """
        Take *permissions* away from *plugin*; return what is left.
        """
        result: list[frozenset[str]] = []

        def change(data: dict[str, object]) -> None:
            held = data.get(plugin)
            current = set(held) if isinstance(held, list) else set()
            current -= permissions
            data[plugin] = sorted(current)
            result.append(frozenset(current))

        self.update(change)
        return result[0]
