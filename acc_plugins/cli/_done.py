"""
How a command that changes something reports it: one line for people,
or, with ``--json``, the same facts as a JSON object for scripts.

Every such command takes ``--json`` from `json_flag`, so the flag means
the same everywhere: output, never input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._format import print_json
from ._log import fail


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def json_flag(
    fields: str,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """
    The ``--json`` option of a command whose JSON object has *fields*
    (named in its help, as ``"name", "version"``).
    """
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help=f"Print the result as JSON: {{{fields}}}.",
    )


def done(as_json: bool, message: str, facts: Mapping[str, object]) -> None:
    """
    Report what a command did: *message* for people, or *facts* as JSON.
    """
    if as_json:
        print_json(dict(facts))
    else:
        click.echo(message)


def output_option() -> Callable[[Callable[..., None]], Callable[..., None]]:
    """
    The ``-o/--output FILE`` option of a command that prints a document.
    """
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to this file (atomically) instead of printing.",
    )


def write_output(output: Path, text: str) -> None:
    """
    Write *text* to *output* atomically, readable by others as any file
    one writes (it is shared), or fail naming the file.
    """
    from acc_plugins.host.config._atomic import write_atomic  # noqa: PLC0415

    try:
        write_atomic(output, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        fail(f"--output {output}: {exc.strerror or exc}")
