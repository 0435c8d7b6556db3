"""
Reading what a plugin class declares: decorated methods, and the
``agents`` and ``workflows`` class attributes.

Only the plugin's own classes are read, through their ``__dict__``, so no
plugin code (properties, ``__getattr__``) runs while the host looks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError
from acc_plugins.sdk import Agent, Workflow
from acc_plugins.sdk._decorators import (
    HookSpec,
    PromptSpec,
    ToolSpec,
    declared_spec,
)


if TYPE_CHECKING:
    from ._record import PluginRecord


def sdk_members() -> dict[str, object]:
    """
    What ``import acc_plugins.sdk`` gives plugin code: the public names.
    """
    from acc_plugins import sdk  # noqa: PLC0415 -- read once per host

    return {name: getattr(sdk, name) for name in sdk.__all__}


def _declared_list(
    record: PluginRecord, classes: list[type], attribute: str, kind: type
) -> list[object]:
    for klass in classes:
        if attribute in klass.__dict__:
            value = klass.__dict__[attribute]
            if type(value) not in (tuple, list) or any(
                type(item) is not kind for item in value
            ):
                msg = (
                    f"'{attribute}' must be a tuple of {kind.__name__} objects"
                )
                raise LoadError(record.name, msg)
            return list(value)
    return []


def _check_requested(record: PluginRecord, spec: PromptSpec) -> None:
    # Declaring a contribution to another plugin's agent without asking
    # for the permission is refused now, clearly, not later, silently.
    owner = spec.agent.partition(".")[0]
    if owner == record.name or record.manifest is None:
        return
    requested = {p.canonical for p in record.manifest.permissions.all}
    wanted = f"host:prompt.inject:{spec.agent}"
    if wanted not in requested and f"host:prompt.inject:{owner}.*" not in (
        requested
    ):
        msg = (
            f"@contribute_prompt({spec.agent!r}) needs "
            f"'prompt.inject:{spec.agent}' in [permissions] host"
        )
        raise LoadError(record.name, msg)


def collect(record: PluginRecord, cls: type) -> None:
    """
    Fill *record* with the tools, hooks, agents and workflows of *cls*.

    Raises:
        LoadError: On duplicate names or malformed declarations.
    """
    sandbox = record.sandbox
    assert sandbox is not None  # noqa: S101 -- collect follows a load
    classes = [k for k in cls.__mro__ if sandbox.owns(k)]
    seen: set[str] = set()

    def claim(kind: str, name: str) -> None:
        key = f"{kind}:{name}"
        if key in seen:
            msg = f"two {kind}s are named {name!r}"
            raise LoadError(record.name, msg)
        seen.add(key)

    overridden: set[str] = set()
    for klass in classes:
        for attribute, value in klass.__dict__.items():
            if attribute in overridden:
                continue
            overridden.add(attribute)
            spec = declared_spec(value)
            if isinstance(spec, ToolSpec):
                claim("tool", spec.name)
                record.tools[spec.name] = spec
            elif isinstance(spec, HookSpec):
                record.hooks.append(spec)
            elif isinstance(spec, PromptSpec):
                _check_requested(record, spec)
                record.prompts.append(spec)
            elif isinstance(spec, Agent):
                claim("agent", spec.name)
                record.agents[spec.name] = spec
    for agent in _declared_list(record, classes, "agents", Agent):
        assert isinstance(agent, Agent)  # noqa: S101 -- checked above
        claim("agent", agent.name)
        record.agents[agent.name] = agent
    for workflow in _declared_list(record, classes, "workflows", Workflow):
        assert isinstance(workflow, Workflow)  # noqa: S101 -- checked above
        claim("workflow", workflow.name)
        record.workflows[workflow.name] = workflow
