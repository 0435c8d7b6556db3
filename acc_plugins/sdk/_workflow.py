"""
Declarative workflows: named sequences of steps that call tools and agents
and pass their results along.

Values in a step's ``arguments`` (and its ``task``) may refer to the
workflow's inputs and to earlier steps' results: a string that is exactly
``"${name}"`` or ``"${name.key.0}"`` is replaced by that value, whatever its
type; ``${...}`` inside a longer string is replaced by the value's text.
``input`` names the workflow's inputs (``"${input.code}"``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs


if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._context import JSON

_NAME: Final = re.compile(r"^[a-z_][a-z0-9_-]{0,63}$")
REFERENCE: Final = re.compile(
    r"\$\{([a-z_][a-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}"
)


def _name(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if type(value) is not str or not _NAME.match(value):
        msg = (
            f"{attribute.name} must be lowercase letters, digits, '_' or '-', "
            f"got {value!r}"
        )
        raise ValueError(msg)


def _optional_name(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None:
        _name(_, attribute, value)  # type: ignore[arg-type]


@attrs.frozen
class Step:
    """
    One step: a tool call or an agent run.

    Attributes:
        tool: A tool to call, ``"plugin.tool"``, or ``"tool"`` for one of
            the workflow's own plugin.

        agent: An agent to run instead, ``"plugin.agent"`` or ``"agent"``.

        arguments: The tool's arguments; may contain references.

        task: The agent's task; may contain references.

        save_as: The name later steps use for this step's result.
    """

    tool: str | None = None
    agent: str | None = None
    arguments: dict[str, JSON] = attrs.field(factory=dict)
    task: str = ""
    save_as: str | None = attrs.field(default=None, validator=_optional_name)

    def __attrs_post_init__(self) -> None:
        if (self.tool is None) == (self.agent is None):
            msg = "a step names exactly one of 'tool' or 'agent'"
            raise ValueError(msg)
        target = self.tool if self.tool is not None else self.agent
        if type(target) is not str or not target:
            msg = "a step's tool or agent must be a non-empty string"
            raise TypeError(msg)
        if type(self.arguments) is not dict or (self.agent and self.arguments):
            msg = "'arguments' is a dict, and only for tool steps"
            raise TypeError(msg)
        if type(self.task) is not str or (self.tool and self.task):
            msg = "'task' is a string, and only for agent steps"
            raise TypeError(msg)


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        msg = "inputs is a list of names, not one string"
        raise TypeError(msg)
    return tuple(value)


@attrs.frozen
class Workflow:
    """
    A named sequence of steps.

    Attributes:
        name: The workflow's name within its plugin.

        description: What it does.

        inputs: Names of the inputs it requires.

        steps: What it does, in order.

        output: What it returns: a reference such as ``"${review}"``; the
            last step's result by default.
    """

    name: str = attrs.field(validator=_name)
    steps: tuple[Step, ...] = attrs.field(converter=_steps)
    description: str = ""
    inputs: tuple[str, ...] = attrs.field(default=(), converter=_names)
    output: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.steps or any(type(s) is not Step for s in self.steps):
            msg = f"workflow {self.name!r} needs one or more Step objects"
            raise TypeError(msg)
        known = {"input"}
        for index, step in enumerate(self.steps):
            texts = [step.task, *_strings(step.arguments)]
            for text in texts:
                for ref in REFERENCE.findall(text):
                    head = ref.split(".", 1)[0]
                    if head not in known:
                        msg = (
                            f"workflow {self.name!r} step {index + 1} refers to "
                            f"${{{ref}}} before any step saved {head!r}"
                        )
                        raise ValueError(msg)
            if step.save_as:
                known.add(step.save_as)


def _strings(value: JSON) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []
