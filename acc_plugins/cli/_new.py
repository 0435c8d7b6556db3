"""
``acc-plugins new``: a plugin folder from the shipped template.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from acc_plugins._scaffold import TEMPLATE_KINDS, new_plugin

from ._format import print_json
from ._log import fail


def _ask(prompt: str, default: str) -> str:
    return str(click.prompt(prompt, default=default))


@click.command("new")
@click.argument("name")
@click.option(
    "--template",
    "kind",
    type=click.Choice(TEMPLATE_KINDS),
    default="tool",
    show_default=True,
    help=(
        "What the plugin mainly adds: tools, an agent that asks Claude, a "
        "workflow of steps, or basic (one tool and one event hook)."
    ),
)
@click.option(
    "--no-input",
    is_flag=True,
    help="Do not ask for description, author and license: use defaults.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path(),
    help="Make the plugin folder NAME in this folder (default: here).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the result as JSON: {"path", "template", "files"}; asks '
    "nothing, as --no-input.",
)
def new(
    name: str, kind: str, no_input: bool, output_dir: Path, as_json: bool
) -> None:
    """
    Start the plugin NAME from a template: plugin.toml, the plugin's code,
    a README, pytest tests that load it in a host, and a CI workflow that
    tests, validates and scans it on every push and publishes it on a
    version tag.  It passes `validate`, `scan` and its tests as written.

    \b
    Example:
      acc-plugins new word-tools --template tool --no-input
      cd word-tools && python -m pytest tests
    """
    if output_dir.exists() and not output_dir.is_dir():
        fail(f"--output-dir {output_dir}: not a folder")
    try:
        made = new_plugin(
            name, kind, output_dir, ask=None if no_input or as_json else _ask
        )
    except (ValueError, FileExistsError) as exc:
        fail(str(exc))
    if as_json:
        files = sorted(
            path.relative_to(made).as_posix()
            for path in made.rglob("*")
            if path.is_file()
        )
        print_json({"path": str(made), "template": kind, "files": files})
        return
    click.echo(f"created {made} from the {kind} template")
    click.echo(f"next: acc-plugins validate {made}")
    click.echo(f"      acc-plugins scan {made}")
    if importlib.util.find_spec("pytest") is None:
        # The generated tests need pytest, which a plain install lacks.
        click.echo("      pip install 'acc-plugins[testing]'")
    click.echo(f"      python -m pytest {made / 'tests'}")
