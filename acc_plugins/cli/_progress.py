"""
The download progress bar for commands that fetch archives: one bar per
download, fed by the ``(done, total)`` callback that
`RegistryClient.fetch` and the transports call as bytes arrive.

Why one place: install, update and sync all download, and a bar must be
quiet in the same cases everywhere — with ``--quiet``, and when the
terminal is not one (a file or a pipe), where a redrawn line is noise in
a log.  It is drawn on standard error, so that what a command prints
(``--json`` included) stays clean on standard output.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from ._format import console as screen


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rich.console import Console

    Callback = Callable[[int, int | None], None]
    Start = Callable[[str, int | None], Callback]


def _silent(_done: int, _total: int | None) -> None:
    """Told of progress, shows nothing."""


def _start_silent(_description: str, _total: int | None) -> Callback:
    return _silent


@contextlib.contextmanager
def downloads(
    *, quiet: bool = False, console: Console | None = None
) -> Iterator[Start]:
    """
    Progress bars for downloads, drawn while the block runs.

    Args:
        quiet: Show nothing (``--quiet``).

        console: Where to draw; by default the terminal on standard
            error.  Nothing is drawn when it is not a terminal.

    Yields:
        A function that starts a bar, from what is downloaded (shown
        before the bar, ``demo 1.2.0``) and its size if known, and
        returns the callback ``(bytes so far, bytes in all or None)``.
        Without a total a bar shows bytes and speed only.
    """
    out = console or screen(stderr=True)
    if quiet or not out.is_terminal:
        yield _start_silent
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out, transient=True) as progress:

        def start(description: str, size: int | None) -> Callback:
            task = progress.add_task(description, total=size)

            def update(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total or size)

            return update

        yield start


@contextlib.contextmanager
def download_progress(
    description: str,
    *,
    quiet: bool = False,
    console: Console | None = None,
) -> Iterator[Callback]:
    """
    A progress bar for one download (see `downloads`).

    Yields:
        The callback: ``(bytes so far, bytes in all or None)``.
    """
    with downloads(quiet=quiet, console=console) as start:
        yield start(description, None)
