"""
The ``BudgetExceeded`` errors a budget raises, one per resource, with the
messages that tell a plugin's author which limit to raise.

Kept apart from ``Budget`` so that its hot paths read as bookkeeping and
the wording of every budget error sits in one place.
"""

from __future__ import annotations

from acc_plugins.errors import BudgetExceeded


def out_of_time(timeout: float) -> BudgetExceeded:
    """
    A call ran longer than *timeout* seconds.
    """
    resource, unit = "time", "ms"
    return BudgetExceeded(resource, timeout * 1000, unit)


def outside_any_call() -> BudgetExceeded:
    """
    Plugin code ran when no call into the plugin was running.
    """
    resource, unit = "time", "ms"
    why = (
        "plugin code ran outside any call (a finalizer or a dropped generator)"
    )
    return BudgetExceeded(resource, 0, unit, why)


def out_of_memory(memory_bytes: int | None, grown: int) -> BudgetExceeded:
    """
    The process grew by *grown* bytes during a call whose budget is
    *memory_bytes*.
    """
    limit = (memory_bytes or 0) / 2**20
    resource, unit = "memory", "MiB"
    why = (
        f"the process grew by {grown / 2**20:.0f} MiB during the call, "
        f"more than its memory budget of {limit:g} MiB "
        "(raise [limits] memory-mb)"
    )
    return BudgetExceeded(resource, limit, unit, why)


def out_of_steps(max_steps: int | None) -> BudgetExceeded:
    """
    A call took more than *max_steps* steps.
    """
    limit = max_steps or 0
    why = (
        f"exceeded its budget of {limit} steps in one call "
        "(raise [limits] steps)"
    )
    resource = unit = "steps"
    return BudgetExceeded(resource, limit, unit, why)
