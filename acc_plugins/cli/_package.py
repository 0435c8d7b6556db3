"""
``acc-plugins package``: a plugin folder into a deterministic ``.accp``.
"""

from __future__ import annotations

from pathlib import Path

import click

from acc_plugins.errors import ArchiveError, ManifestError

from ._folder import not_a_plugin_folder
from ._format import print_json
from ._log import say


@click.command("package")
@click.argument(
    "path",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help=(
        "The archive file to write, or a folder to write "
        "NAME-VERSION.accp in.  Default: the current folder."
    ),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the file, size and sha256 as one JSON object.",
)
@click.pass_context
def package(
    ctx: click.Context, path: Path, out: Path | None, as_json: bool
) -> None:
    """
    Package the plugin folder PATH into a .accp archive (a zip).

    The same sources give the same bytes: entries sorted, timestamps and
    permissions fixed.  Caches, bytecode, .git, .venv, editor backups and
    other archives are left out; a symbolic link, a device or a name that
    is not portable is refused.  Prints the file, its size and sha256.

    \b
    Example:
      acc-plugins package ./word-tools --out dist/
    """
    from acc_plugins.market import write_archive  # noqa: PLC0415 -- keeps --help fast

    problem = not_a_plugin_folder(path)
    if problem is not None:
        say(f"error: {problem}")
        ctx.exit(1)
    try:
        built = write_archive(path, Path() if out is None else out)
    except (ArchiveError, ManifestError) as exc:
        say(f"error: {exc}")
        ctx.exit(1)
    if as_json:
        print_json(
            {
                "path": str(built.path),
                "name": built.manifest.plugin.name,
                "version": str(built.manifest.plugin.version),
                "size": built.size,
                "sha256": built.sha256,
            }
        )
        return
    click.echo(f"{built.path}")
    click.echo(f"size    {built.size} bytes")
    click.echo(f"sha256  {built.sha256}")
