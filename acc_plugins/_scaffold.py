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
    from collections.abc import Callable, Mapping
    from importlib.resources.abc import Traversable

    Ask = Callable[[str, str], str]
    """Asks one question (the prompt, the default) and returns the answer."""

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
    ask: Ask | None = None,
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

        ask: Asks the template's other questions (description, author,
            license) that *context* does not answer; without it their
            defaults are used.  *name* and *kind* are never asked again.

        context: Answers to the template's questions, by name.

    Returns:
        The new plugin folder, ``output_dir / name``.

    Raises:
        ValueError: If *name* or *kind* is not valid, or the template
            refused an answer.

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
            if ask is not None:
                answers = _asked(template, answers, ask)
            made = cookiecutter(
                str(template),
                no_input=True,  # every answer is in hand by now
                extra_context=answers,
                output_dir=str(output_dir),
            )
    except CookiecutterException as exc:
        # A hook refused an answer; cookiecutter has removed what it began.
        msg = str(exc) or type(exc).__name__
        raise ValueError(msg) from None
    return output_dir / Path(made).name


def _asked(
    template: Path, answers: dict[str, str], ask: Ask
) -> dict[str, str]:
    """
    *answers* with the template's public questions they lack asked, in
    the template's order, each default rendered from the answers before
    it (``What {{ cookiecutter.name }} adds...``).

    Why not cookiecutter's own prompts: they ask every question again,
    the name and kind given on the command line included.
    """
    import json  # noqa: PLC0415 -- kept out of the command line's start

    from cookiecutter.environment import (  # noqa: PLC0415 -- slow import
        StrictEnvironment,
    )

    questions = json.loads((template / "cookiecutter.json").read_text())
    prompts = questions.get("__prompts__", {})
    environment = StrictEnvironment(context=questions)
    answered = dict(answers)
    for key, default in questions.items():
        if (
            key.startswith("_")
            or key in answered
            or not isinstance(default, str)
        ):
            continue
        shown = environment.from_string(default).render(cookiecutter=answered)
        answered[key] = ask(str(prompts.get(key, key)), shown)
    return answered
