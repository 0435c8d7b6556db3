"""
``acc-plugins schema``: the JSON Schemas of the documents the library
exchanges, or the TypeScript declarations translated from them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ._done import done, json_flag, output_option, write_output
from ._format import print_json


if TYPE_CHECKING:
    from pathlib import Path


_WHATS = ("manifest", "tools", "events", "index", "all")


@click.command()
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "typescript"]),
    default="json",
    show_default=True,
    help="JSON Schema (draft 2020-12), or TypeScript declarations (.d.ts).",
)
@click.option(
    "--what",
    type=click.Choice(_WHATS),
    help=(
        "plugin.toml (manifest), a tool and its arguments (tools), host "
        "events (events), a registry's index.json (index), or all of them. "
        "Default: manifest for json, all for typescript."
    ),
)
@output_option()
@json_flag('"path", "format", "what", "text"; path null when printed')
def schema(
    format_: str, what: str | None, output: Path | None, as_json: bool
) -> None:
    """
    Print the JSON Schema of plugin.toml, for editors; or, with --what,
    of tools, events or a registry index; or, with --format typescript,
    TypeScript declarations translated from those same schemas.

    With --what all, the JSON format is one object of the four schemas.

    \b
    Example:
      acc-plugins schema --format typescript -o acc-plugins.d.ts
    """
    from acc_plugins.schemas import (  # noqa: PLC0415 -- keeps --help fast
        DOCUMENTS,
        json_schema,
        typescript_declarations,
    )

    chosen = what or ("manifest" if format_ == "json" else "all")
    whats = list(DOCUMENTS) if chosen == "all" else [chosen]
    if format_ == "typescript":
        text = typescript_declarations(whats)
    else:
        data = (
            {w: json_schema(w) for w in whats}
            if chosen == "all"
            else json_schema(chosen)
        )
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    facts = {"format": format_, "what": chosen, "text": text}
    if output is None:
        if as_json:
            print_json({"path": None, **facts})
        else:
            click.echo(text, nl=False)
        return
    write_output(output, text)
    done(as_json, f"wrote {output}", {"path": str(output), **facts})
