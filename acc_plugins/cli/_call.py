"""
``acc-plugins call``: run one tool from the command line or a script.

Arguments come as ``key=value`` words, or as one JSON object with
``--args``: inline, from a file (``@args.json``) or from stdin (``-``).
The file and stdin forms exist because a big argument given inline hits
the operating system's limit on the length of a command line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acc_plugins.errors import PluginError

from ._format import print_json
from ._log import fail


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host import PluginHost


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """
    ``key=value`` words as a mapping; a malformed or repeated key ends
    the command with ``error: ...``.
    """
    arguments: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            hint = (
                " (a JSON object goes in --args)"
                if pair.lstrip().startswith("{")
                else ""
            )
            fail(f"argument {pair!r} is not of the form key=value{hint}")
        if key in arguments:
            fail(f"argument {key!r} is given twice")
        arguments[key] = value
    return arguments


def read_source(spec: str, what: str = "--args") -> tuple[str, str]:
    """
    (where the text came from, the text) of *spec*: ``-`` is stdin,
    ``@path`` a file, anything else the text itself (named *what*).  A
    file that cannot be read ends the command with ``error: ...``.
    """
    if spec == "-":
        return "<stdin>", sys.stdin.read()
    if not spec.startswith("@"):
        return what, spec
    path = Path(spec[1:])
    try:
        return str(path), path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not valid UTF-8 (byte {exc.start})")
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror or exc}")


def load_arguments(spec: str) -> dict[str, Any]:
    """
    The JSON object *spec* names (inline, ``@file`` or ``-``); bad JSON
    ends the command with one line naming the source and the position.
    """
    source, text = read_source(spec)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(
            f"{source}: not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})"
        )
    if not isinstance(value, dict):
        fail(f"{source}: must be a JSON object, not {type(value).__name__}")
    return value


_args_option = click.option(
    "--args",
    "args_spec",
    metavar="JSON|@FILE|-",
    help=(
        "All arguments as one JSON object: inline, from a file "
        "(@args.json) or from stdin (-), instead of key=value pairs."
    ),
)


def with_arguments(command: Callable[..., None]) -> Callable[..., None]:
    """
    The ``key=value`` words (``pairs``) and the ``--args`` option
    (``args_spec``) of every command that passes arguments on, as
    ``call`` does; read them with `arguments_of`.
    """
    return click.argument("pairs", nargs=-1)(_args_option(command))


def arguments_of(
    pairs: tuple[str, ...], args_spec: str | None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """
    The arguments a command was given: (the ``--args`` JSON object or
    None, the ``key=value`` pairs); bad input of either ends the command
    with ``error: ...``.
    """
    if args_spec is not None and pairs:
        fail("give key=value pairs or --args, not both")
    arguments = None if args_spec is None else load_arguments(args_spec)
    return arguments, parse_pairs(pairs) if arguments is None else {}


def call_with(
    host: PluginHost,
    target: str,
    arguments: dict[str, Any] | None,
    text: dict[str, str],
) -> Any:
    """
    Call the tool *target* with JSON *arguments*, else with the textual
    *text*, converted by its schema.
    """
    if arguments is not None:
        return host.call_tool(target, **arguments)
    return host.call_tool_text(target, text)


@click.command()
@click.argument("target")
@with_arguments
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON (what call always prints).",
)
@click.pass_context
def call(
    ctx: click.Context,
    target: str,
    pairs: tuple[str, ...],
    args_spec: str | None,
    as_json: bool,  # noqa: ARG001 -- accepted like on every command
) -> None:
    """
    Call a tool: acc-plugins call PLUGIN.TOOL key=value ...

    Values are converted by the tool's schema (numbers, true/false, JSON
    for lists and objects).  Prints the result as JSON.

    \b
    Examples:
      acc-plugins call text-tools.slugify text="Hello World"
      acc-plugins call text-tools.slugify --args @args.json
      echo '{"text": "Hello"}' | acc-plugins call text-tools.slugify --args -
    """
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    arguments, text = arguments_of(pairs, args_spec)
    host = _host(ctx)
    try:
        result = call_with(host, target, arguments, text)
    except PluginError as exc:
        fail(str(exc))
    print_json(result)
