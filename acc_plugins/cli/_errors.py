"""
One ``error: <what> <path>: <reason>`` line, and exit status 1, for a
failure of the disk or of the storage database, whatever command met it.

Why here, once: a write on a read-only or full disk raises ``OSError`` or
``sqlite3.Error`` from deep inside the host (a store, the audit trail, a
journal).  Catching them command by command would repeat itself and miss
some; a traceback tells the user nothing they can act on.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path
from typing import Any, Final

import click
import platformdirs


# Errors that mean "the disk would not take it", as opposed to a missing
# or unreadable file.
_REFUSED: Final = frozenset(
    {
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.ENOSPC,
        errno.EFBIG,
        errno.EDQUOT,
    }
)


def data_dir(ctx: click.Context) -> Path:
    """
    The data folder the command works on (``--data-dir`` or the default).
    """
    chosen = (ctx.find_root().obj or {}).get("data_dir")
    if chosen is None:
        return platformdirs.user_data_path("acc-plugins", appauthor=False)
    return Path(chosen)


def describe(exc: OSError | sqlite3.Error, ctx: click.Context) -> str:
    """
    What failed, where and why, in one line.
    """
    if isinstance(exc, sqlite3.Error):
        database = data_dir(ctx) / "storage.sqlite3"
        return f"cannot use the storage database {database}: {exc}"
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    what = "cannot write" if exc.errno in _REFUSED else "cannot access"
    if reason.startswith("cannot "):  # already says what
        return f"{reason} ({exc.filename})"
    return f"{what} {exc.filename}: {reason}"


class _OneLine(logging.Formatter):
    """
    ``warning: <message>: <exception>``, without the traceback.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = f"warning: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f": {record.exc_info[1]}"
        return text


def _log_in_one_line() -> None:
    """
    Show what the library logs as one line each on stderr (a failure the
    host survives, such as an audit entry it could not write).
    """
    logger = logging.getLogger("acc_plugins")
    if not any(isinstance(h.formatter, _OneLine) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(_OneLine())
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)


class GuardedGroup(click.Group):
    """
    A command group that reports disk and database failures as one line.
    """

    def invoke(self, ctx: click.Context) -> Any:
        _log_in_one_line()
        try:
            return super().invoke(ctx)
        except (OSError, sqlite3.Error) as exc:
            click.echo(f"error: {describe(exc, ctx)}", err=True)
            ctx.exit(1)
