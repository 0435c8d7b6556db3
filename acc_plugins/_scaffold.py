"""
Starting a plugin from the cookiecutter template shipped in the package
(``templates/plugin`` in the repository, ``acc_plugins.templates`` in the
wheel).

The template is read with importlib-resources, so it is found the same
way in a checkout, an editable install and a wheel; cookiecutter renders
it.  Everything that can be refused is refused before cookiecutter runs,
so a refused call writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast


if sys.version_info >= (3, 12):
    from importlib.resources import as_file, files
else:  # as_file() takes a folder from Python 3.12 on, or the backport
    from importlib_resources import as_file, files

if TYPE_CHECKING:
    from collections.abc import Mapping
    from importlib.resources.abc import Traversable

TEMPLATE_KINDS: Final = ("tool", "agent", "workflow", "basic")
"""
The choices of the template's ``kind``; ``basic`` makes a ``mixed``
plugin with one tool and one hook.
"""


def _template() -> Traversable | Path:
    """
    The template's folder: package data, or, in an editable install in
    compat mode (the checkout on the path, without the package-dir
    mapping), the checkout's ``templates/plugin``.
    """
    try:
        return files("acc_plugins.templates") / "plugin"
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "templates" / "plugin"


def check_plugin_name(name: str) -> None:
    """
    Refuse a plugin name that ``plugin.toml`` would refuse.

    Raises:
        ValueError: Saying what a plugin name looks like.
    """
    import re  # noqa: PLC0415 -- kept out of the command line's start

    from acc_plugins.manifest import manifest_json_schema  # noqa: PLC0415

    schema = cast("dict[str, Any]", manifest_json_schema())
    rule = schema["properties"]["plugin"]["properties"]["name"]
    if len(name) > rule["maxLength"] or not re.match(rule["pattern"], name):
        msg = (
            f"{name!r} is not a valid plugin name: lowercase letters and "
            f"digits in words joined by '-', starting with a letter, "
            f"{rule['maxLength']} characters at most (such as 'text-tools')"
        )
        raise ValueError(msg)


def new_plugin(
    name: str,
    kind: str,
    output_dir: Path,
    *,
    no_input: bool = True,
    context: Mapping[str, str] | None = None,
) -> Path:
    """
    Write a new plugin folder, ``output_dir / name``, from the template.

    The plugin passes ``acc-plugins validate``, ``acc-plugins scan`` and
    its own tests as it is written.

    Args:
        name: The plugin's name (and its folder's).

        kind: One of ``TEMPLATE_KINDS``.

        output_dir: The folder the plugin folder is made in.

        no_input: Use the template's defaults for the other questions
            (description, author, license) instead of asking them.

        context: Answers to the template's questions, by name.

    Returns:
        The new plugin folder, ``output_dir / name`` (the name typed
        at the prompt, if it was changed there).

    Raises:
        ValueError: If *name* or *kind* is not valid, or the template
            refused an answer given at its prompts.

        FileExistsError: If the plugin folder exists already.
    """
    from cookiecutter.exceptions import (  # noqa: PLC0415 -- slow import
        CookiecutterException,
    )
    from cookiecutter.main import cookiecutter  # noqa: PLC0415

    check_plugin_name(name)
    if kind not in TEMPLATE_KINDS:
        msg = f"unknown template {kind!r}; choose from {', '.join(TEMPLATE_KINDS)}"
        raise ValueError(msg)
    target = output_dir / name
    if target.exists():
        msg = f"{target} exists already: choose another name or --output-dir"
        raise FileExistsError(msg)
    answers = {**(context or {}), "name": name, "kind": kind}
    try:
        with as_file(_template()) as template:
            made = cookiecutter(
                str(template),
                no_input=no_input,
                extra_context=answers,
                output_dir=str(output_dir),
            )
    except CookiecutterException as exc:
        # Answers typed at the prompts: a name the hook refuses, or one
        # whose folder exists; cookiecutter has removed what it began.
        msg = str(exc) or type(exc).__name__
        raise ValueError(msg) from None
    # The name typed at the prompt, if it was changed there.
    return output_dir / Path(made).name
