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
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Final

import click
import platformdirs

from ._log import say


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

# The status a shell gives a command that SIGINT ended.
_INTERRUPTED: Final = 130


def data_dir(ctx: click.Context) -> Path:
    """
    The data folder the command works on (``--data-dir`` or the default).
    """
    chosen = (ctx.find_root().obj or {}).get("data_dir")
    if chosen is None:
        return platformdirs.user_data_path("acc-plugins", appauthor=False)
    return Path(chosen)


def config_dir(ctx: click.Context) -> Path:
    """
    The user's configuration folder (``--config-dir``, which
    ``ACC_PLUGINS_CONFIG_DIR`` also sets, or the default).
    """
    chosen = (ctx.find_root().obj or {}).get("config_dir")
    if chosen is None:
        return platformdirs.user_config_path("acc-plugins", appauthor=False)
    return Path(chosen)


def describe(
    exc: OSError | sqlite3.Error | RuntimeError, ctx: click.Context
) -> str:
    """
    What failed, where and why, in one line.
    """
    if not isinstance(exc, OSError):  # the database, or opening it
        database = data_dir(ctx) / "storage.sqlite3"
        reason = getattr(exc, "reason", exc)
        return f"cannot use the storage database {database}: {reason}"
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    what = "cannot write" if exc.errno in _REFUSED else "cannot access"
    if reason.startswith("cannot "):  # already says what
        return f"{reason} ({exc.filename})"
    return f"{what} {exc.filename}: {reason}"


class GuardedGroup(click.Group):
    """
    A command group that reports disk and database failures as one line,
    and Ctrl-C as one line and status 130 (128 + SIGINT, as shells do),
    where click would print "Aborted!" and exit 1, which a script cannot
    tell from a failure.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Parsing runs callbacks and prompts for missing options: Ctrl-C
        # there is an interrupt too, not click's "Aborted!" and status 1.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            say("interrupted")
            raise click.exceptions.Exit(_INTERRUPTED) from None
        except click.Abort as exc:
            if not isinstance(exc.__context__, KeyboardInterrupt):
                raise
            say("interrupted")
            raise click.exceptions.Exit(_INTERRUPTED) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (``| head``): not an error to report.
            # Python's advice: point stdout at devnull so that flushing it
            # at exit does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            say("interrupted")
            ctx.exit(_INTERRUPTED)
        except click.Abort as exc:
            # click's prompts turn Ctrl-C into Abort ("Aborted!", status
            # 1); the interrupt stays on the exception's context.
            if not isinstance(exc.__context__, KeyboardInterrupt):
                raise
            say("interrupted")
            ctx.exit(_INTERRUPTED)
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            # Imported only now: ``--help`` does not load the host.
            from acc_plugins.host.capabilities._storage import (  # noqa: PLC0415
                StorageUnavailableError,
            )

            if isinstance(exc, RuntimeError) and not isinstance(
                exc, StorageUnavailableError
            ):
                raise
            say(f"error: {describe(exc, ctx)}")
            ctx.exit(1)
