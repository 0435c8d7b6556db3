"""
The lifecycle state machine of one plugin.

```
discovered ──► loaded ──► active ◄──► reloading
     │            │          │
     ▼            ▼          ▼
   error ◄──── error    deactivated ──► unloaded
     └──────────► quarantined ◄──┘      (an administrator releases it:
                                          back to discovered)
```

Threads race on a plugin's state: two calls both find it over its breach
limit, a call's worker dies while a reload builds the new version.  So
every move checks and moves under the record's own lock, and ``move_if``
is the move for racing paths: the first thread's outcome stands and the
others' moves are dropped, never raised as a host bug.
"""

from __future__ import annotations

import enum
import threading
import time
from typing import TYPE_CHECKING, Final

import attrs


if TYPE_CHECKING:
    from collections.abc import Callable


class State(enum.Enum):
    """
    Where a plugin is in its life.

    Attributes:
        DISCOVERED: Its manifest was found and read; no code ran yet.

        LOADED: Its code ran in the sandbox and its class was found.

        ACTIVE: Started; its tools, agents, workflows and hooks answer.

        RELOADING: A new version is being checked; the old one serves.

        DEACTIVATED: Stopped, or disabled in the configuration.

        UNLOADED: Removed from the host.

        ERROR: Something failed; ``PluginInfo.last_error`` says what.

        QUARANTINED: Set aside by the host or an administrator; only
            ``PluginHost.release`` brings it back.
    """

    DISCOVERED = "discovered"
    LOADED = "loaded"
    ACTIVE = "active"
    RELOADING = "reloading"
    DEACTIVATED = "deactivated"
    UNLOADED = "unloaded"
    ERROR = "error"
    QUARANTINED = "quarantined"


_S = State

# States in which a plugin's tools and agents answer: while it reloads,
# its old version serves until the new one takes over.
SERVING: Final = frozenset({State.ACTIVE, State.RELOADING})
# Every allowed move, as a literal table.
TRANSITIONS: Final[dict[State, frozenset[State]]] = {
    _S.DISCOVERED: frozenset(
        # Deactivated without loading: disabled in the configuration.
        {_S.LOADED, _S.DEACTIVATED, _S.ERROR, _S.UNLOADED, _S.QUARANTINED}
    ),
    _S.LOADED: frozenset({_S.ACTIVE, _S.ERROR, _S.UNLOADED, _S.QUARANTINED}),
    _S.ACTIVE: frozenset(
        {_S.RELOADING, _S.DEACTIVATED, _S.ERROR, _S.QUARANTINED}
    ),
    # Quarantined while reloading: a violation in the old version (still
    # serving) or in the new one being built.
    _S.RELOADING: frozenset({_S.ACTIVE, _S.ERROR, _S.QUARANTINED}),
    _S.DEACTIVATED: frozenset(
        # Back to discovered: enabled, but never loaded.
        {_S.ACTIVE, _S.DISCOVERED, _S.UNLOADED, _S.ERROR, _S.QUARANTINED}
    ),
    _S.ERROR: frozenset({_S.DISCOVERED, _S.UNLOADED, _S.QUARANTINED}),
    _S.QUARANTINED: frozenset({_S.DISCOVERED, _S.UNLOADED}),
    _S.UNLOADED: frozenset(),
}


@attrs.frozen
class Transition:
    """
    One recorded move of a plugin's state.

    Attributes:
        plugin: The plugin's name.

        source: The state it left.

        target: The state it entered.

        reason: Why, in a few words (or the error message).

        at: When, as ``time.time()``.
    """

    plugin: str
    source: State
    target: State
    reason: str = ""
    at: float = attrs.field(factory=time.time)


@attrs.define
class Lifecycle:
    """
    The state of one plugin and the history of how it got there.

    Attributes:
        plugin: The plugin's name.

        state: The current state.

        history: Every transition, oldest first.
    """

    plugin: str
    on_transition: Callable[[Transition], None] = attrs.field(repr=False)
    state: State = State.DISCOVERED
    history: list[Transition] = attrs.Factory(list)

    _lock: threading.Lock = attrs.field(
        factory=threading.Lock, repr=False, eq=False, init=False
    )
    # Held through a restart or an activation (several moves and a load):
    # a second caller that wants the plugin back waits for the first
    # instead of racing it.
    restart_lock: threading.RLock = attrs.field(
        factory=threading.RLock, repr=False, eq=False, init=False
    )

    def move(self, target: State, reason: str = "") -> Transition:
        """
        Move to *target*, record it, and tell the listener.

        Raises:
            ValueError: If the state machine has no such move; this is a
                bug in the host, never a plugin's doing.
        """
        transition = self._move(target, reason, strict=True)
        assert transition is not None  # noqa: S101 -- strict raises instead
        return transition

    def move_if(self, target: State, reason: str = "") -> Transition | None:
        """
        Move to *target* if the state machine allows it from the state the
        plugin is in now; otherwise leave it there.

        For paths that race with other threads (failing, quarantining,
        ending a reload): whichever move came first stands.

        Returns:
            The transition, or None if it did not move.
        """
        return self._move(target, reason, strict=False)

    def _move(
        self, target: State, reason: str, *, strict: bool
    ) -> Transition | None:
        with self._lock:  # check and move as one step
            if target not in TRANSITIONS[self.state]:
                if not strict:
                    return None
                msg = (
                    f"plugin {self.plugin!r} cannot go from "
                    f"{self.state.value} to {target.value}"
                )
                raise ValueError(msg)
            transition = Transition(self.plugin, self.state, target, reason)
            self.state = target
            self.history.append(transition)
        # Outside the lock: listeners may move other plugins, or read this
        # one's state.
        self.on_transition(transition)
        return transition
