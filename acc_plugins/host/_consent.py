"""
What the user has granted each plugin: the middle term of
effective = requested ∩ granted (∩ allowed by policy, once there is one).

A plugin seen for the first time is granted what it requests then (the
user chose to install it); a permission it asks for later, in a new
version, stays ungranted until ``acc-plugins permissions grant``.
"""

from __future__ import annotations

from ._jsonstore import JsonStore


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
        result: list[frozenset[str]] = []

        def change(data: dict[str, object]) -> None:
            held = data.get(plugin)
            current = set(held) if isinstance(held, list) else set()
            current |= permissions
            data[plugin] = sorted(current)
            result.append(frozenset(current))

        self.update(change)
        return result[0]

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
