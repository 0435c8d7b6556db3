"""
Profiling one call into a plugin, and the policy that makes every plugin
count its steps so that a profile can show them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from acc_plugins.errors import LoadError

from ._profiler import FunctionCost, Profiler


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.security import Policy

_T = TypeVar("_T")

# The most steps a manifest may allow: as a ceiling, it makes every
# plugin count steps and limits none that did not count them before.
UNLIMITED_STEPS: Final = 1_000_000_000_000


@attrs.frozen
class Profile:
    """
    What one call cost, function by function.

    Attributes:
        plugin: The plugin profiled.

        seconds: The whole call, host work included.

        steps: The sandbox steps its functions took (0 when the plugin's
            code does not count steps: see ``counted``).

        counted: Whether its code counts steps: it sets ``[limits]
            steps``, or the host's policy has a ``steps`` ceiling.

        functions: Its functions that ran, the costliest first.
    """

    plugin: str
    seconds: float
    steps: int
    counted: bool
    functions: tuple[FunctionCost, ...]


def counting_steps(policy: Policy) -> Policy:
    """
    *policy* with a ``steps`` ceiling, if it has none, so high that it
    limits nothing: every plugin's code is then compiled to count steps.
    """
    if any(attribute == "steps" for attribute, _ in policy.ceilings):
        return policy
    ceilings = (*policy.ceilings, ("steps", UNLIMITED_STEPS))
    return attrs.evolve(policy, ceilings=ceilings)


def profile_call(
    record: PluginRecord, run: Callable[[], _T]
) -> tuple[_T, Profile]:
    """
    Run *run* (a call into *record*'s plugin) under the profiler.

    Raises:
        LoadError: If the plugin does not run in this process (an
            isolated plugin runs in a worker the profiler cannot see).

        Whatever *run* raises.
    """
    if record.remote is not None:
        msg = (
            "runs in a worker process (the isolated tier); only plugins "
            "that run in this process can be profiled"
        )
        raise LoadError(record.name, msg)
    sandbox = record.sandbox
    if sandbox is None:
        msg = f"is not loaded (state {record.state.value})"
        raise LoadError(record.name, msg)
    budget = sandbox.budget
    profiler = Profiler(record.root, lambda: budget.used_steps)
    start = time.perf_counter()
    with profiler:
        result = run()
    seconds = time.perf_counter() - start
    costs = tuple(profiler.costs())
    profile = Profile(
        record.name,
        seconds,
        sum(c.steps for c in costs),
        budget.counts_steps,
        costs,
    )
    return result, profile
