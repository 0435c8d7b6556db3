"""
Which of a plugin's functions a call spent its sandbox steps and its time
in.

A profile hook (``sys.setprofile``) sees every function the thread
enters and leaves, the C ones included.  Between two such events the
thread runs one function, and what was spent in between (the clock, and
the budget's step count) is that function's.  Only the plugin's own
functions (their code in a file under its folder) get a row: what the
host runs on the plugin's behalf (a guard, a capability, a conversion)
is charged to the plugin function that called it, because that is the
line the plugin's author can change.

Steps are the sandbox's own count (``Budget.used_steps``): each step is
a C call (``next`` on the budget's counter), so the hook sees them one by
one and charges each to the function that took it.  The hook costs time
of its own on every event; the times are right relative to one another,
not absolute.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any, Final, Self

import attrs


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import CodeType, FrameType

# Comprehensions are functions of their own in 3.11 and inlined since
# 3.12: charged to the function they are written in, on every version.
_INLINED: Final = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>"})


@attrs.frozen
class FunctionCost:
    """
    What one of the plugin's functions cost during the profiled call.

    Attributes:
        function: Its qualified name (``Tools.slugify``, ``<module>``,
            ``Tools.slugify.<lambda>``).

        location: ``file:line`` of its definition, the file relative to
            the plugin's folder.

        calls: How many times it was entered (a generator: each resume).

        steps: Sandbox steps taken in its own code.

        seconds: Time spent in its own code (and in the host code it
            called).

        total_steps: Steps taken while it ran, in the plugin functions
            it called too.

        total_seconds: Time while it ran, everything it called included.
    """

    function: str
    location: str
    calls: int = 0
    steps: int = 0
    seconds: float = 0.0
    total_steps: int = 0
    total_seconds: float = 0.0


@attrs.define
class _Row:
    calls: int = 0
    steps: int = 0
    seconds: float = 0.0
    total_steps: int = 0
    total_seconds: float = 0.0
    running: int = 0  # activations on the stack now (recursion)
    entered: tuple[float, int] = (0.0, 0)  # the outermost one's start


_Key = tuple[str, str]  # (function, location)


class Profiler:
    """
    Profiles the plugin code a thread runs while it is in a ``with``
    block.

    Args:
        root: The plugin's folder: functions in files below it are its.

        steps: Reads the steps the current call has taken so far (0
            when steps are not counted).
    """

    def __init__(self, root: Path, steps: Callable[[], int]) -> None:
        # As given and resolved: the sandbox names files the way the host
        # was given the folder.
        self._prefixes = tuple(
            {str(root) + os.sep, str(root.resolve()) + os.sep}
        )
        self._root = root
        self._steps = steps
        self._keys: dict[CodeType, _Key | None] = {}
        self._rows: dict[_Key, _Row] = {}
        # The stack of (frame, whose function's code runs): a frame of
        # the host's is charged to the plugin function below it.
        self._stack: list[tuple[FrameType, _Key | None]] = []
        self._clock = time.perf_counter
        self._last = (0.0, 0)

    def __repr__(self) -> str:
        return f"<Profiler {self._root} functions={len(self._rows)}>"

    def __enter__(self) -> Self:
        self._last = (self._clock(), self._steps())
        # This thread only: a thread the call starts (the budget's
        # watchdog, on first use) would keep the hook after the call.
        sys.setprofile(self._event)
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.setprofile(None)

    def _key(self, code: CodeType) -> _Key | None:
        try:
            return self._keys[code]
        except KeyError:
            pass
        key = None
        filename = code.co_filename
        for prefix in self._prefixes:
            if filename.startswith(prefix) and code.co_name not in _INLINED:
                relative = filename[len(prefix) :]
                # ``Main.top.<lambda>``: the line tells which lambda.
                name = code.co_qualname.replace(".<locals>", "")
                key = (name, f"{relative}:{code.co_firstlineno}")
                break
        self._keys[code] = key
        return key

    def _event(self, frame: FrameType, event: str, _arg: Any) -> None:
        now, used = self._clock(), self._steps()
        then, before = self._last
        # A new call into the plugin starts its count again from 0.
        spent = used - before if used >= before else used
        stack = self._stack
        owner = stack[-1][1] if stack else None
        if owner is not None:
            row = self._rows[owner]
            row.seconds += now - then
            row.steps += spent
        if event == "call":
            key = self._key(frame.f_code)
            if key is not None:
                self._enter(key, now, used)
            stack.append((frame, key if key is not None else owner))
        elif event == "return" and stack and stack[-1][0] is frame:
            _, current = stack.pop()
            key = self._key(frame.f_code)
            if key is not None and key == current:
                self._leave(key, now, used)
        self._last = (self._clock(), self._steps())

    def _enter(self, key: _Key, now: float, used: int) -> None:
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = _Row()
        row.calls += 1
        if not row.running:
            row.entered = (now, used)
        row.running += 1

    def _leave(self, key: _Key, now: float, used: int) -> None:
        row = self._rows[key]
        row.running -= 1
        if not row.running:
            start, first = row.entered
            row.total_seconds += now - start
            row.total_steps += used - first if used >= first else used

    def costs(self) -> list[FunctionCost]:
        """
        The plugin's functions that ran, the costliest first: by steps,
        then by time.
        """
        found = [
            FunctionCost(
                function,
                location,
                row.calls,
                row.steps,
                row.seconds,
                max(row.total_steps, row.steps),
                max(row.total_seconds, row.seconds),
            )
            for (function, location), row in self._rows.items()
        ]
        return sorted(found, key=lambda c: (-c.steps, -c.seconds, c.location))
