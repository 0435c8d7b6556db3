"""
``acc-plugins docs``: a plugin's documentation page, generated from its
folder without running any of its code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._done import json_flag
from ._format import print_json
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.docgen import PluginDoc

_FORMATS = ("md", "html", "json")


def _plugin_folders(path: Path) -> list[Path]:
    """
    PATH itself when it is a plugin folder or an archive, else the plugin
    folders in it.
    """
    if path.is_file():
        if path.suffix != ".accp":
            fail(f"{path}: neither a plugin folder nor a .accp archive")
        return [path]
    if (path / "plugin.toml").is_file():
        return [path]
    found = sorted(
        child
        for child in path.iterdir()
        if child.is_dir() and (child / "plugin.toml").is_file()
    )
    if not found:
        fail(
            f"{path}: not a plugin folder (it has no plugin.toml), and no "
            "folder in it has one; `acc-plugins new NAME` starts a plugin"
        )
    return found


def _documented(sources: list[Path]) -> list[PluginDoc]:
    from acc_plugins.docgen import document  # noqa: PLC0415 -- keeps --help fast
    from acc_plugins.errors import ArchiveError, ManifestError  # noqa: PLC0415
    from acc_plugins.market._archivedocs import document_archive  # noqa: PLC0415

    docs = []
    for source in sources:
        try:
            if source.is_file():
                docs.append(document_archive(source))
            else:
                docs.append(document(source))
        except ManifestError as exc:
            fail(f"{exc.path}: {'; '.join(exc.problems)}")
        except ArchiveError as exc:  # its message names the archive
            fail(str(exc))
    names = [doc.name for doc in docs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        fail(
            f"more than one folder holds the plugin {', '.join(twice)}; "
            "each page is named after its plugin"
        )
    return docs


def _targets(
    docs: list[PluginDoc], given: str, suffix: str
) -> list[tuple[PluginDoc, Path]]:
    """
    Where each page goes: *given* itself for one plugin, unless it is a
    folder (or named like one, ``out/``); else NAME.SUFFIX in it.
    """
    output = Path(given)
    as_folder = len(docs) > 1 or output.is_dir() or given.endswith(("/", "\\"))
    if not as_folder:
        return [(docs[0], output)]
    if output.exists() and not output.is_dir():
        fail(f"{output}: not a folder; give a folder for a page per plugin")
    return [(doc, output / f"{doc.name}.{suffix}") for doc in docs]


@click.command("docs")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="md",
    show_default=True,
    help="Markdown, a self-contained HTML page, or JSON.",
)
@click.option(
    "--output",
    "-o",
    # Text, not a Path: "site/" says a folder, and a Path drops the "/".
    type=click.Path(dir_okay=True),
    help=(
        "The file to write, or a folder to write NAME.FORMAT in (needed "
        "when PATH holds several plugins).  Default: print the page."
    ),
)
@json_flag('"format", "written": [{"name", "version", "path"}]')
def docs(path: Path, fmt: str, output: str | None, as_json: bool) -> None:
    """
    Generate the documentation of the plugin folder or .accp archive
    PATH, or a page for each plugin in the folder PATH: its manifest,
    every tool with its arguments, types, defaults and docstring, its
    agents, workflows, event hooks and settings, and its permissions in
    plain words.

    The plugin's code is read, never run, so a stranger's plugin is safe
    to document; what its code computes when it loads is listed as not
    documented.  Without --output, --json prints the documentation as
    JSON (as --format json does).

    \b
    Example:
      acc-plugins docs ./word-tools --format html --output site/
    """
    from acc_plugins.docgen import render  # noqa: PLC0415 -- keeps --help fast

    found = _documented(_plugin_folders(path))
    for doc in found:
        for note in doc.notes:
            say(f"warning: {doc.name}: not documented: {note}")
    if output is None:
        if len(found) > 1:
            fail(
                f"{path} holds {len(found)} plugins; give --output FOLDER "
                "for a page each"
            )
        click.echo(render(found[0], "json" if as_json else fmt), nl=False)
        return
    targets = _targets(found, output, fmt)
    pages = [(doc, target, render(doc, fmt)) for doc, target in targets]
    written = _write(pages)
    if as_json:
        print_json({"format": fmt, "written": written})
        return
    for entry in written:
        click.echo(f"{entry['path']}: {entry['name']} {entry['version']}")


def _write(pages: list[tuple[PluginDoc, Path, str]]) -> list[dict[str, str]]:
    from acc_plugins.host.config._atomic import write_atomic  # noqa: PLC0415

    written = []
    for doc, target, text in pages:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Pages are for publishing: readable by all, like the site's.
        write_atomic(target, text.encode("utf-8"), mode=0o644)
        written.append(
            {"name": doc.name, "version": doc.version, "path": str(target)}
        )
    return written
