# ruff: noqa: INP001 -- an mkdocs hook file, loaded by path, not a package
"""
mkdocs hooks: pages that are generated from the code, so they cannot drift.

A page asks for generated text with a marker comment on a line of its own
(indent the marker to put the text inside an admonition):

- ``<!-- acc-plugins-help -->`` becomes the ``--help`` text of
  ``acc-plugins`` and of each of its commands and subcommands;
- ``<!-- acc-plugins-schema -->`` becomes the JSON Schema of
  ``plugin.toml`` that ``acc-plugins schema`` prints;
- ``<!-- acc-plugins-typescript -->`` becomes the TypeScript declarations
  that ``acc-plugins schema --format typescript`` prints.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Final

import click
from click.testing import CliRunner

from acc_plugins.cli import cli


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


HELP_MARKER: Final = "<!-- acc-plugins-help -->"
SCHEMA_MARKER: Final = "<!-- acc-plugins-schema -->"
TYPESCRIPT_MARKER: Final = "<!-- acc-plugins-typescript -->"

# What an 80-column terminal shows: click wraps help at two columns less.
_HELP_WIDTH: Final = 78


def run(*args: str) -> str:
    """
    What ``acc-plugins *args`` prints, from the real command line.
    """
    result = CliRunner().invoke(
        cli, list(args), prog_name="acc-plugins", terminal_width=_HELP_WIDTH
    )
    if result.exit_code != 0:
        msg = f"acc-plugins {' '.join(args)} failed: {result.output}"
        raise RuntimeError(msg)
    return result.output


def command_help(*names: str) -> str:
    """
    The ``--help`` text of ``acc-plugins`` followed by *names*.
    """
    return run(*names, "--help")


def command_paths(
    group: click.Group = cli, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """
    The names of every command under *group*, subcommands after their
    group (``("registry",)``, ``("registry", "add")``, ...), sorted.
    """
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


def cli_reference() -> str:
    """
    A Markdown section per command: its name and its ``--help`` text.

    A subcommand's heading is a level below its group's, so the page's
    table of contents shows the tree of commands.
    """
    sections = [(2, "acc-plugins", command_help())]
    sections += [
        (
            1 + len(names),
            " ".join(("acc-plugins", *names)),
            command_help(*names),
        )
        for names in command_paths()
    ]
    return "\n".join(
        f"{'#' * level} `{title}`\n\n```text\n{text.rstrip()}\n```\n"
        for level, title, text in sections
    )


def schema_text() -> str:
    """
    The JSON Schema of ``plugin.toml``, as ``acc-plugins schema`` prints it.
    """
    return f"```json\n{run('schema').rstrip()}\n```"


def typescript_text() -> str:
    """
    The TypeScript declarations ``acc-plugins schema --format typescript``
    prints.
    """
    return f"```ts\n{run('schema', '--format', 'typescript').rstrip()}\n```"


_GENERATORS: Final[dict[str, Callable[[], str]]] = {
    HELP_MARKER: cli_reference,
    SCHEMA_MARKER: schema_text,
    TYPESCRIPT_MARKER: typescript_text,
}


def on_page_markdown(markdown: str, **_: object) -> str:
    """
    Replace the markers of a page with the text generated for them.
    """
    for marker, generate in _GENERATORS.items():
        if marker in markdown:
            markdown = _substitute(markdown, marker, generate())
    return markdown


def _substitute(markdown: str, marker: str, text: str) -> str:
    # The text takes the marker's indentation, line by line.
    def indented(match: re.Match[str]) -> str:
        return textwrap.indent(text, match.group(1))

    pattern = rf"^([ \t]*){re.escape(marker)}[ \t]*$"
    return re.sub(pattern, indented, markdown, flags=re.MULTILINE)
