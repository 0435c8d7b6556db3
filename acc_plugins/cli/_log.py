"""
The host's warnings and errors, as the command's own ``warning:`` and
``error:`` lines.

A host logs what it reports (an invalid ``config.toml``, a stale
setting); the command shows each such line once, and an error it then
fails with is not printed a second time.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import click


class _Lines(logging.Handler):
    """
    Prints each warning or error once, for one command.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        level = "error" if record.levelno >= logging.ERROR else "warning"
        say(f"{level}: {record.getMessage()}", self)


def _current() -> _Lines | None:
    ctx = click.get_current_context(silent=True)
    found = None if ctx is None else ctx.meta.get(__name__)
    return found if isinstance(found, _Lines) else None


def say(line: str, lines: _Lines | None = None) -> None:
    """
    Print *line* to stderr, unless this command already printed it.
    """
    lines = lines or _current()
    if lines is not None:
        if line in lines.said:
            return
        lines.said.add(line)
    click.echo(line, err=True)


def fail(message: str) -> NoReturn:
    """
    Print ``error: <message>`` (once) and exit with status 1: how every
    command ends on bad input, with no traceback.
    """
    say(f"error: {message}")
    sys.exit(1)


def show_host_log(ctx: click.Context) -> None:
    """
    Show the host's warnings and errors while *ctx*'s command runs.
    """
    if _current() is not None:
        return
    lines = _Lines()
    logger = logging.getLogger("acc_plugins")
    logger.addHandler(lines)
    ctx.meta[__name__] = lines
    ctx.call_on_close(lambda: logger.removeHandler(lines))


def hide_host_log() -> None:
    """
    Stop showing the host's log lines: from here on, the command prints
    what happens its own way (``acc-plugins dev``).
    """
    lines = _current()
    if lines is not None:
        logging.getLogger("acc_plugins").removeHandler(lines)
