"""
What a plugin's documentation says, as frozen attrs classes: the one
model that the Markdown, HTML and JSON renderers all read.

Why a model of its own, not the manifest plus the SDK's specs: the
documentation is built without running the plugin (see `_source`), so
it holds text as written (annotations, defaults that are not literals)
next to what the SDK would check, and the three renderers must not each
re-derive "required" or "plain-language permission" their own way.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class ParameterDoc:
    """
    One argument of a tool.

    Attributes:
        name: The argument's name.

        type: Its JSON type in words (``integer or null``).

        annotation: The type hint as written in the source, or ``""``.

        required: Whether a call must pass it.

        default: Its default as source text (``72``, ``"fill"``), or
            None when it is required.

        description: Its entry in the docstring's ``Args:`` section.
    """

    name: str
    type: str
    annotation: str = ""
    required: bool = True
    default: str | None = None
    description: str = ""


@attrs.frozen
class ToolDoc:
    """
    A tool, as its ``@tool`` method declares it.

    Attributes:
        name: The tool's name within its plugin.

        method: The Python method that implements it.

        summary: What it does: the docstring's first paragraph, or the
            decorator's ``description``.

        details: The docstring's further paragraphs, before its first
            section (``Args:``, ``Returns:``, ...), each on one line.

        parameters: Its arguments, in declaration order.

        returns: What it returns, in words.

        returns_annotation: The return type hint as written, or ``""``.

        returns_description: The docstring's ``Returns:`` section, or
            ``""``.

        schema: The JSON Schema of its arguments object, as the host
            checks calls against it; empty when the signature could not
            be read.
    """

    name: str
    method: str
    summary: str = ""
    details: tuple[str, ...] = ()
    parameters: tuple[ParameterDoc, ...] = ()
    returns: str = "any JSON value"
    returns_annotation: str = ""
    returns_description: str = ""
    schema: dict[str, Any] = attrs.field(factory=dict, eq=False)


@attrs.frozen
class AgentDoc:
    """
    An agent.

    Attributes:
        name: Its name within its plugin.

        description: What it is for.

        system_prompt: The instructions it gives the model; ``""`` when
            none, or when the source computes it (see *notes* of the
            plugin).

        tools: The namespaced tools it may use.

        method: The method that drives it, or ``""`` when the host
            drives it with its Claude capability.
    """

    name: str
    description: str = ""
    system_prompt: str = ""
    tools: tuple[str, ...] = ()
    method: str = ""


@attrs.frozen
class StepDoc:
    """
    One step of a workflow: a tool call or an agent run.

    Attributes:
        kind: ``tool`` or ``agent``.

        target: The tool or agent, as the step names it.

        arguments: The tool's arguments as JSON text, references
            (``${input.code}``) included.

        task: The agent's task.

        save_as: The name later steps use for its result, or ``""``.
    """

    kind: str
    target: str
    arguments: str = ""
    task: str = ""
    save_as: str = ""


@attrs.frozen
class WorkflowDoc:
    """
    A workflow.

    Attributes:
        name: Its name within its plugin.

        description: What it does.

        inputs: The names of the inputs it requires.

        steps: What it does, in order.

        output: What it returns (a reference), or ``""`` for the last
            step's result.
    """

    name: str
    description: str = ""
    inputs: tuple[str, ...] = ()
    steps: tuple[StepDoc, ...] = ()
    output: str = ""


@attrs.frozen
class HookDoc:
    """
    An event the plugin listens to.

    Attributes:
        event: The event name or pattern (``plugin.*``).

        method: The method called with each such event.

        summary: The method's docstring summary.
    """

    event: str
    method: str
    summary: str = ""


@attrs.frozen
class PromptDoc:
    """
    Text the plugin adds to an agent's system prompt before each run.

    Attributes:
        agent: The agent, ``plugin.agent``, or every agent of a plugin,
            ``plugin.*``.

        method: The method that returns the text.

        summary: The method's docstring summary.
    """

    agent: str
    method: str
    summary: str = ""


@attrs.frozen
class SettingDoc:
    """
    A setting users can change.

    Attributes:
        key: Its name.

        type: Its type (``int``, ``enum``, ``secret``, ...).

        default: Its default as text, or None when it has none.

        description: What it changes.

        choices: The values allowed (enum settings).

        min: The smallest value allowed, as text, or None.

        max: The largest value allowed, as text, or None.
    """

    key: str
    type: str
    default: str | None = None
    description: str = ""
    choices: tuple[str, ...] = ()
    min: str | None = None
    max: str | None = None


@attrs.frozen
class PermissionDoc:
    """
    One permission the plugin asks for.

    Attributes:
        text: Its canonical form, as a user grants it.

        plain: What it lets the plugin do, in words.
    """

    text: str
    plain: str


@attrs.frozen
class DependencyDoc:
    """
    Another plugin this one needs.

    Attributes:
        name: The other plugin's name.

        versions: The versions that will do (``>=1.0,<2``), or ``""``.
    """

    name: str
    versions: str = ""


@attrs.frozen(kw_only=True)
class PluginDoc:
    """
    Everything the documentation of one plugin says.

    Attributes:
        name, version, description, kind: From the ``[plugin]`` table.

        authors, license, homepage, repository, keywords: Likewise,
            empty when not given.

        requires_acc: The acc-plugins versions it runs on, or ``""``.

        isolation: Where its code runs (``in-process``, ``subprocess``).

        dependencies: The plugins it needs.

        tools, agents, workflows, hooks: What it adds to the host.

        prompts: What it adds to agents' system prompts.

        settings: What users can configure.

        permissions: What it asks to be allowed.

        notes: What the static reading could not tell (a tool whose
            signature is not readable, a computed system prompt).
    """

    name: str
    version: str
    description: str
    kind: str
    authors: tuple[str, ...] = ()
    license: str = ""
    homepage: str = ""
    repository: str = ""
    keywords: tuple[str, ...] = ()
    requires_acc: str = ""
    isolation: str = "in-process"
    dependencies: tuple[DependencyDoc, ...] = ()
    tools: tuple[ToolDoc, ...] = ()
    agents: tuple[AgentDoc, ...] = ()
    workflows: tuple[WorkflowDoc, ...] = ()
    hooks: tuple[HookDoc, ...] = ()
    prompts: tuple[PromptDoc, ...] = ()
    settings: tuple[SettingDoc, ...] = ()
    permissions: tuple[PermissionDoc, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """
        The documentation as plain JSON data (``docs --format json``).
        """
        data: dict[str, Any] = _lists(attrs.asdict(self))
        return data


def _lists(value: Any) -> Any:
    # attrs.asdict keeps tuples; JSON data has lists.
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value
