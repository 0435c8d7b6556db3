"""
``@tool``, ``@hook``, ``@agent`` and ``@contribute_prompt``: how a plugin
declares what it offers.

Each decorator validates its arguments, reads the method's signature once
(never evaluating plugin text) and stores a frozen spec on the function
under a dunder name plugin code cannot reach or forge.  The host collects
the specs from the plugin class when it registers the plugin.
"""

from __future__ import annotations

import re
import types
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

import attrs

from ._signature import ToolSignature


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

SPEC_ATTRIBUTE: Final = "__acc_spec__"

_F = TypeVar("_F", bound="Callable[..., Any]")
_NAME: Final = re.compile(r"^[a-z_][a-z0-9_-]{0,63}$")
_EVENT: Final = re.compile(r"^(\*|[a-z0-9_-]+(\.([a-z0-9_-]+|\*))*)$")
# ``plugin.agent`` or ``plugin.*``: the plugin-name rule of manifests.
_AGENT_TARGET: Final = re.compile(
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.([a-z_][a-z0-9_-]{0,63}|\*)$"
)


def _check_name(kind: str, name: object) -> str:
    if type(name) is not str or not _NAME.match(name):
        msg = (
            f"{kind} name must be lowercase letters, digits, '_' or '-' "
            f"(at most 64), got {name!r}"
        )
        raise ValueError(msg)
    return name


def _check_text(what: str, value: object) -> str:
    if type(value) is not str:
        msg = f"{what} must be a string, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _check_function(decorator: str, fn: object) -> types.FunctionType:
    if type(fn) is not types.FunctionType:
        msg = f"@{decorator} decorates a plain method, got {type(fn).__name__}"
        raise TypeError(msg)
    return fn


def _tool_names(value: Iterable[object]) -> tuple[str, ...]:
    if isinstance(value, str):
        msg = "tools is a list of tool names, not one string"
        raise TypeError(msg)
    return tuple(_check_text("tool name", name) for name in value)


@attrs.frozen
class ToolSpec:
    """
    A tool as declared by ``@tool``.

    Attributes:
        name: The tool's name within its plugin.

        description: What it does, for people and for models.

        signature: Its parameters, their JSON Schema and validation.

        function: The plugin's method.
    """

    name: str
    description: str
    signature: ToolSignature
    function: types.FunctionType = attrs.field(repr=False)


@attrs.frozen
class HookSpec:
    """
    An event subscription declared by ``@hook``.

    Attributes:
        event: The event name or pattern (``"plugin.*"``, ``"*"``).

        function: The plugin's method, called with an ``Event``.
    """

    event: str
    function: types.FunctionType = attrs.field(repr=False)


@attrs.frozen
class PromptSpec:
    """
    A contribution to agents' system prompts, declared by
    ``@contribute_prompt``.

    Attributes:
        agent: The agent, ``"plugin.agent"``, or every agent of a plugin,
            ``"plugin.*"``.

        function: The plugin's method, called with the task; it returns
            the text to add.
    """

    agent: str
    function: types.FunctionType = attrs.field(repr=False)

    def matches(self, target: str) -> bool:
        """
        Whether the contribution is for the agent *target*.
        """
        plugin, _, name = self.agent.partition(".")
        owner, _, agent_name = target.partition(".")
        return plugin == owner and name in ("*", agent_name)


@attrs.frozen
class Agent:
    """
    An agent: a system prompt, the tools it may use, and optionally a
    ``run(task)`` method of the plugin that drives it.

    Attributes:
        name: The agent's name within its plugin.

        description: What it is for.

        system_prompt: The instructions the model receives.

        tools: Namespaced tools the agent may call.

        function: The plugin's ``run``-style method, or None to let the
            host drive the agent with its Claude capability.
    """

    name: str = attrs.field(validator=lambda _, __, v: _check_name("agent", v))
    description: str = attrs.field(
        default="", validator=lambda _, __, v: _check_text("description", v)
    )
    system_prompt: str = attrs.field(
        default="", validator=lambda _, __, v: _check_text("system_prompt", v)
    )
    tools: tuple[str, ...] = attrs.field(default=(), converter=_tool_names)
    function: types.FunctionType | None = attrs.field(default=None, repr=False)


def _doc_summary(fn: types.FunctionType) -> str:
    doc = fn.__doc__ if type(fn.__doc__) is str else ""
    paragraph = doc.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


@overload
def tool(fn: _F, /) -> _F: ...
@overload
def tool(
    *, name: str | None = None, description: str | None = None
) -> Callable[[_F], _F]: ...


def tool(
    fn: _F | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
) -> _F | Callable[[_F], _F]:
    """
    Declare a method as a tool.

    The type hints of its parameters become the tool's JSON Schema and are
    checked on every call; its docstring is its description, and the
    docstring's ``Args:`` section describes the parameters.

    Args:
        fn: The method, when used as ``@tool`` without parentheses.

        name: The tool's name; the method's name by default.

        description: Overrides the docstring's summary.

    Raises:
        TypeError: If the signature cannot be a tool's (``*args``, an
            unsupported type hint, a default that is not JSON).
    """

    def decorate(target: _F) -> _F:
        function = _check_function("tool", target)
        tool_name = _check_name("tool", name or function.__name__)
        signature = ToolSignature.from_function(function, skip_first=True)
        text = signature.description if description is None else description
        spec = ToolSpec(
            tool_name,
            _check_text("description", text),
            signature,
            function,
        )
        setattr(function, SPEC_ATTRIBUTE, spec)
        return target

    return decorate if fn is None else decorate(fn)


def hook(event: str) -> Callable[[_F], _F]:
    """
    Subscribe a method to an event; it receives one ``Event``.

    Args:
        event: A full event name (``"session.started"``), or a pattern
            ending in ``.*`` (``"plugin.*"``), or ``"*"`` for everything.
    """
    if type(event) is not str or not _EVENT.match(event):
        msg = (
            f"event must be a dotted lowercase name or pattern, got {event!r}"
        )
        raise ValueError(msg)

    def decorate(target: _F) -> _F:
        function = _check_function("hook", target)
        setattr(function, SPEC_ATTRIBUTE, HookSpec(event, function))
        return target

    return decorate


def contribute_prompt(agent: str) -> Callable[[_F], _F]:
    """
    Add text to the system prompt of an agent, a method
    ``(self, task: str) -> str`` called before each of its runs.

    For an agent of another plugin this needs the permission
    ``host = ["prompt.inject:<plugin>.<agent>"]`` (or ``<plugin>.*``):
    text in another plugin's prompt steers what that agent does.

    Args:
        agent: ``"plugin.agent"``, or ``"plugin.*"`` for every agent of
            that plugin.
    """
    if type(agent) is not str or not _AGENT_TARGET.match(agent):
        msg = f"agent must be 'plugin.agent' or 'plugin.*', got {agent!r}"
        raise ValueError(msg)

    def decorate(target: _F) -> _F:
        function = _check_function("contribute_prompt", target)
        setattr(function, SPEC_ATTRIBUTE, PromptSpec(agent, function))
        return target

    return decorate


def agent(
    *,
    name: str | None = None,
    description: str | None = None,
    system_prompt: str = "",
    tools: Sequence[str] = (),
) -> Callable[[_F], _F]:
    """
    Declare a method ``run(self, task: str) -> str`` as an agent.

    The method may call ``self.ctx.claude`` and ``self.ctx.tools``; what it
    returns is the agent's answer.

    Args:
        name: The agent's name; the method's name by default.

        description: What it is for; the docstring's summary by default.

        system_prompt: The instructions it gives the model.

        tools: Namespaced tools it may use (``"text-tools.word_count"``).
    """

    def decorate(target: _F) -> _F:
        function = _check_function("agent", target)
        text = _doc_summary(function) if description is None else description
        spec = Agent(
            name=name or function.__name__,
            description=text,
            system_prompt=system_prompt,
            tools=tuple(tools),
            function=function,
        )
        setattr(function, SPEC_ATTRIBUTE, spec)
        return target

    return decorate


def declared_spec(
    value: object,
) -> ToolSpec | HookSpec | Agent | PromptSpec | None:
    """
    The spec a decorator stored on *value*, if it is a decorated function.
    """
    if type(value) is not types.FunctionType:
        return None
    spec = value.__dict__.get(SPEC_ATTRIBUTE)
    if type(spec) in (ToolSpec, HookSpec, Agent, PromptSpec):
        return spec
    return None
