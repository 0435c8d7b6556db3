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
"""

from __future__ import annotations

import enum
import time
from typing import TYPE_CHECKING, Final

import attrs


if TYPE_CHECKING:
    from collections.abc import Callable


class State(enum.Enum):
    """
    Where a plugin is in its life.
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
    _S.RELOADING: frozenset({_S.ACTIVE, _S.ERROR}),
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

    def move(self, target: State, reason: str = "") -> Transition:
        """
        Move to *target*, record it, and tell the listener.

        Raises:
            ValueError: If the state machine has no such move; this is a
                bug in the host, never a plugin's doing.
        """
        if target not in TRANSITIONS[self.state]:
            msg = (
                f"plugin {self.plugin!r} cannot go from {self.state.value} "
                f"to {target.value}"
            )
            raise ValueError(msg)
        transition = Transition(self.plugin, self.state, target, reason)
        self.state = target
        self.history.append(transition)
        self.on_transition(transition)
        return transition
