"""
Calls that meet a worker the host stopped or a reload replaced.

A reload swaps an isolated plugin's worker while calls may be using the
old one: they finish there, and it closes once they have.  A call that
comes too late for it, or whose worker the host stopped on purpose
(deactivated, quarantined), fails with a clear error, and the plugin is
left alone: neither is the plugin's failure, so neither moves it to
``error`` nor counts as a crash.  Only the current version's worker dying
does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acc_plugins.errors import PluginCallError

from ._workererrors import WorkerStopped


if TYPE_CHECKING:
    from acc_plugins.host.core._record import PluginRecord

    from ._workererrors import WorkerGone


def not_its_failure(
    exc: WorkerGone, record: PluginRecord, current: PluginRecord | None
) -> PluginCallError | None:
    """
    The error for a call whose worker is gone through no fault of the
    plugin's, or None if the plugin's own worker died (its failure).

    Args:
        exc: Why the worker did not answer.

        record: The version the call went to.

        current: The version the host serves now under that name.
    """
    if current is not record:
        worker = record.remote
        if worker is not None and worker.retired:
            msg = (
                f"the plugin was reloaded while this call used its old "
                f"version ({exc}); call it again"
            )
        else:  # the version a reload is building: the reload reports it
            msg = f"its new version's worker failed during a reload ({exc})"
        return PluginCallError(record.name, msg)
    if isinstance(exc, WorkerStopped):
        msg = f"plugin {record.name!r} is {record.state.value} ({exc})"
        return PluginCallError(record.name, msg)
    return None
