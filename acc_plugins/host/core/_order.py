"""
Who wants an event, and who needs a plugin, without walking every plugin.

Working out an event's routes used to test every active plugin's hook
patterns, and finding a plugin's dependents every active plugin's
manifest.  Each lifecycle transition emits an event and each
deactivation looks for dependents, so starting, reloading or stopping N
plugins cost N walks over N plugins.  The indexes here are updated by one
plugin at a time, as it joins or leaves the activation order (or is
reloaded in place), and answer in time that grows with the plugins that
match, not with all of them.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from acc_plugins.host.events._bus import Routes

from ._lifecycle import State


if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from ._record import PluginRecord


def hook_patterns(record: PluginRecord) -> tuple[str, ...]:
    """
    The event patterns of *record*'s hooks, in process or in its worker.
    """
    return tuple(hook.event for hook in record.hooks) + tuple(
        record.remote_offer.get("hooks", ())
    )


def _prefixes(name: str) -> Iterator[str]:
    # ``a.b.c`` is covered by ``a.*`` and ``a.b.*``: the prefixes that end
    # at each dot (see ``_events.matches``).
    dot = name.find(".")
    while dot != -1:
        yield name[: dot + 1]
        dot = name.find(".", dot + 1)


class HookIndex:
    """
    Plugins by the event patterns of their hooks: ``*``, ``a.*`` (by the
    prefix ``a.``) and exact names.
    """

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, ...]] = {}
        self._exact: dict[str, dict[str, None]] = {}
        self._prefixed: dict[str, dict[str, None]] = {}
        self._everything: dict[str, None] = {}

    def __repr__(self) -> str:
        return f"<HookIndex plugins={len(self._patterns)}>"

    def _slot(self, pattern: str) -> tuple[dict[str, dict[str, None]], str]:
        if pattern.endswith(".*"):
            return self._prefixed, pattern[:-1]
        return self._exact, pattern

    def put(self, plugin: str, patterns: Iterable[str]) -> None:
        """
        Index *plugin* under *patterns* (in place of what it had).
        """
        self.drop(plugin)
        unique = tuple(dict.fromkeys(patterns))
        if not unique:
            return
        self._patterns[plugin] = unique
        for pattern in unique:
            if pattern == "*":
                self._everything[plugin] = None
            else:
                table, key = self._slot(pattern)
                table.setdefault(key, {})[plugin] = None

    def patterns_of(self, plugin: str) -> tuple[str, ...]:
        """
        The patterns *plugin* is indexed under.
        """
        return self._patterns.get(plugin, ())

    def drop(self, plugin: str) -> None:
        """
        Forget *plugin*, if indexed.
        """
        for pattern in self._patterns.pop(plugin, ()):
            if pattern == "*":
                self._everything.pop(plugin, None)
                continue
            table, key = self._slot(pattern)
            holders = table[key]
            del holders[plugin]
            if not holders:
                del table[key]

    def plugins_for(self, name: str) -> set[str]:
        """
        The plugins with a hook whose pattern covers *name*.
        """
        found = set(self._everything)
        exact = self._exact.get(name)
        if exact:
            found.update(exact)
        if self._prefixed:
            for prefix in _prefixes(name):
                holders = self._prefixed.get(prefix)
                if holders:
                    found.update(holders)
        return found

    def wants(self, name: str) -> bool:
        """
        Whether any plugin has a hook whose pattern covers *name*.
        """
        if self._everything or name in self._exact:
            return True
        return any(p in self._prefixed for p in _prefixes(name))


class ActiveOrder:
    """
    The names of the active plugins in activation order (what the host
    iterates, appends to and removes from), with their hooks and
    dependencies indexed.

    Args:
        records: The host's plugin records by name (read, never changed).
    """

    def __init__(self, records: Mapping[str, PluginRecord]) -> None:
        self._records = records
        # Insertion order is activation order; the value sorts a subset.
        self._position: dict[str, int] = {}
        self._counter = itertools.count()
        self._hooks = HookIndex()
        self._needs: dict[str, tuple[str, ...]] = {}
        self._needed_by: dict[str, dict[str, None]] = {}
        # Isolated plugins whose worker's hooks want events while it is
        # in error: an event they want brings them back.
        self._crashed = HookIndex()

    def __repr__(self) -> str:
        return f"<ActiveOrder active={len(self._position)}>"

    def __iter__(self) -> Iterator[str]:
        # A snapshot: the host deactivates while it iterates.
        return iter(tuple(self._position))

    def __reversed__(self) -> Iterator[str]:
        return reversed(tuple(self._position))

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, name: object) -> bool:
        return name in self._position

    def append(self, name: str) -> None:
        """
        Put *name* last in the order, with its hooks and dependencies.
        """
        self.remove_if_present(name)
        self._position[name] = next(self._counter)
        self._index(name)

    def remove(self, name: str) -> None:
        """
        Take *name* out of the order.

        Raises:
            ValueError: If it is not in it (as ``list.remove``).
        """
        if name not in self._position:
            msg = f"{name!r} is not active"
            raise ValueError(msg)
        self.remove_if_present(name)

    def remove_if_present(self, name: str) -> None:
        """
        ``remove``, doing nothing if *name* is not in the order.
        """
        if self._position.pop(name, None) is not None:
            self._unindex(name)

    def refresh(self, name: str) -> None:
        """
        Index *name* again, in its place: a new version of it took over.
        """
        if name in self._position:
            self._unindex(name)
            self._index(name)

    def _index(self, name: str) -> None:
        record = self._records[name]
        self._hooks.put(name, hook_patterns(record))
        manifest = record.manifest
        if manifest is None:
            return
        needs = tuple(dict.fromkeys(d.name for d in manifest.dependencies))
        if needs:
            self._needs[name] = needs
            for needed in needs:
                self._needed_by.setdefault(needed, {})[name] = None

    def _unindex(self, name: str) -> None:
        self._hooks.drop(name)
        for needed in self._needs.pop(name, ()):
            dependents = self._needed_by[needed]
            del dependents[name]
            if not dependents:
                del self._needed_by[needed]

    def _ordered(self, names: Iterable[str]) -> list[str]:
        # A name another thread took out meanwhile is left out, not a
        # KeyError in the emitting thread.
        position = self._position
        return sorted(
            (n for n in names if n in position),
            key=lambda n: position.get(n, -1),
        )

    def dependents(self, name: str) -> list[str]:
        """
        The active plugins that declare *name* a dependency, in
        activation order.
        """
        return self._ordered(self._needed_by.get(name, ()))

    def wants(self, name: str) -> bool:
        """
        Whether an active plugin has a hook for the event *name*.
        """
        return self._hooks.wants(name)

    def note(self, record: PluginRecord) -> bool:
        """
        Follow a transition of *record*: whether its worker's hooks wait
        for events while it is in error.

        Returns:
            Whether it has hooks in a worker (its routes may change).
        """
        patterns = record.remote_offer.get("hooks", ())
        if patterns and record.state is State.ERROR:
            self._crashed.put(record.name, patterns)
        else:
            self._crashed.drop(record.name)
        return bool(patterns)

    def routes(self, name: str) -> Routes:
        """
        The routes of the event *name*: the active plugins whose hooks
        may want it, in activation order, and the crashed isolated ones
        whose worker's hooks want it.
        """
        records = self._records
        serving = tuple(
            record
            for n in self._ordered(self._hooks.plugins_for(name))
            if (record := records.get(n)) is not None
        )
        crashed = tuple(
            record
            for n in sorted(self._crashed.plugins_for(name))
            if (record := records.get(n)) is not None
            and record.remote_offer
            and record.state is State.ERROR
        )
        return Routes(serving, crashed)
