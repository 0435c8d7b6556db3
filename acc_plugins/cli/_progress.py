"""
A download progress bar for commands that fetch archives: a context
manager that yields the ``(done, total)`` callback that
`RegistryClient.fetch` and the transports call as bytes arrive.

Why one place: install, update and sync all download, and a bar must be
quiet in the same cases everywhere — with ``--quiet``, and when output
goes to a file or a pipe, where a redrawn line is noise in a log.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    Callback = Callable[[int, int | None], None]


def _silent(_done: int, _total: int | None) -> None:
    """Told of progress, shows nothing."""


@contextlib.contextmanager
def download_progress(
    description: str,
    *,
    quiet: bool = False,
    console: Console | None = None,
) -> Iterator[Callback]:
    """
    A progress bar for one download, drawn while the block runs.

    Args:
        description: What is downloaded, shown before the bar
            (``demo 1.2.0``).

        quiet: Show nothing (``--quiet``).

        console: Where to draw; by default the terminal on standard
            output.  Nothing is drawn when it is not a terminal.

    Yields:
        The callback: ``(bytes so far, bytes in all or None)``.  Without
        a total the bar shows bytes and speed only.
    """
    out = console or Console()
    if quiet or not out.is_terminal:
        yield _silent
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out, transient=False) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update
