"""
The tools, hooks, agents and workflows a plugin class declares, from the
members `_source` found: ``@tool``, ``@hook`` and ``@agent`` methods, and
the ``agents`` and ``workflows`` class attributes.

A tool's signature is read by `_signatures`.
"""

from __future__ import annotations

import ast
import json
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.sdk._docstring import parse_docstring

from ._model import (
    AgentDoc,
    HookDoc,
    PromptDoc,
    StepDoc,
    ToolDoc,
    WorkflowDoc,
)
from ._signatures import read_tool
from ._values import UNKNOWN, Call, called_name, text_of, value_of


if TYPE_CHECKING:
    from ._source import Member, Module

_Function = ast.FunctionDef | ast.AsyncFunctionDef
_DECORATORS: Final = frozenset({"agent", "contribute_prompt", "hook", "tool"})
_MAX_SHOWN: Final = 200


@attrs.define
class Declared:
    """
    What the class declares, and what a reading could not tell.
    """

    tools: list[ToolDoc] = attrs.Factory(list)
    agents: list[AgentDoc] = attrs.Factory(list)
    workflows: list[WorkflowDoc] = attrs.Factory(list)
    hooks: list[HookDoc] = attrs.Factory(list)
    prompts: list[PromptDoc] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)


def declarations(members: list[Member]) -> Declared:
    """
    Read *members* (of one class, in definition order) into documentation.
    """
    found = Declared()
    for member in members:
        node = member.node
        constants = member.module.constants
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                _decorated(node, decorator, member.module, found)
        elif isinstance(node.value, ast.expr):
            names = [
                t.id
                for t in (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                )
                if isinstance(t, ast.Name)
            ]
            if "agents" in names:
                _agents(node.value, constants, found)
            if "workflows" in names:
                _workflows(node.value, constants, found)
    return found


def _decorated(
    fn: _Function, decorator: ast.expr, module: Module, found: Declared
) -> None:
    constants = module.constants
    call = decorator if isinstance(decorator, ast.Call) else None
    kind = called_name(call.func if call else decorator)
    if kind not in _DECORATORS:
        return
    options = value_of(call, constants) if call else Call(kind, {})
    if (
        isinstance(options, Call)
        and kind in {"hook", "contribute_prompt"}
        and not (options.positional and type(options.positional[0]) is str)
    ):
        options = UNKNOWN
    if not isinstance(options, Call):
        found.notes.append(
            f"@{kind} on {fn.name}: its arguments are computed when the "
            "plugin loads; not documented"
        )
        return
    found.notes.extend(
        f"@{kind} on {fn.name}: {name} is computed when the plugin loads"
        for name in options.unknown
    )
    if kind == "tool":
        found.tools.append(read_tool(fn, options, module, found.notes))
    elif kind == "hook":
        text = options.positional[0] if options.positional else UNKNOWN
        found.hooks.append(HookDoc(text_of(text), fn.name, _summary(fn)))
    elif kind == "contribute_prompt":
        text = options.positional[0] if options.positional else UNKNOWN
        found.prompts.append(PromptDoc(text_of(text), fn.name, _summary(fn)))
    else:
        found.agents.append(
            AgentDoc(
                name=text_of(options.arguments.get("name")) or fn.name,
                description=text_of(options.arguments.get("description"))
                or _summary(fn),
                system_prompt=text_of(options.arguments.get("system_prompt")),
                tools=_texts(options.arguments.get("tools")),
                method=fn.name,
            )
        )


def _summary(fn: _Function) -> str:
    summary, _ = parse_docstring(ast.get_docstring(fn, clean=True) or "")
    return summary


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if type(item) is str)


def _declared_calls(
    attribute: str,
    function: str,
    node: ast.expr,
    constants: dict[str, ast.expr],
    notes: list[str],
) -> list[dict[str, object]]:
    """
    The keyword arguments of each ``function(...)`` in the class
    attribute *attribute* (``agents = (Agent(...), ...)``); a note for
    each entry that is not such a call written out.
    """
    value = value_of(node, constants)
    found = []
    for item in value if isinstance(value, list) else [UNKNOWN]:
        if isinstance(item, Call) and item.function == function:
            found.append(item.arguments)
        else:
            notes.append(
                f"{attribute}: an entry is computed when the plugin loads; "
                "not documented"
            )
    return found


def _agents(
    node: ast.expr, constants: dict[str, ast.expr], found: Declared
) -> None:
    for given in _declared_calls(
        "agents", "Agent", node, constants, found.notes
    ):
        found.agents.append(
            AgentDoc(
                name=text_of(given.get("name")) or "(computed)",
                description=text_of(given.get("description")),
                system_prompt=text_of(given.get("system_prompt")),
                tools=_texts(given.get("tools")),
            )
        )


def _workflows(
    node: ast.expr, constants: dict[str, ast.expr], found: Declared
) -> None:
    for given in _declared_calls(
        "workflows", "Workflow", node, constants, found.notes
    ):
        steps = given.get("steps")
        found.workflows.append(
            WorkflowDoc(
                name=text_of(given.get("name")) or "(computed)",
                description=text_of(given.get("description")),
                inputs=_texts(given.get("inputs")),
                steps=tuple(
                    _step(step)
                    for step in (steps if isinstance(steps, list) else [])
                ),
                output=text_of(given.get("output")),
            )
        )


def _step(step: object) -> StepDoc:
    if not isinstance(step, Call) or step.function != "Step":
        return StepDoc("unknown", "(computed when the plugin loads)")
    given = step.arguments
    kind = "tool" if "tool" in given else "agent"
    arguments = given.get("arguments")
    try:
        shown = (
            json.dumps(arguments, ensure_ascii=False, sort_keys=True)
            if arguments
            else ""
        )
    except (TypeError, ValueError):
        shown = "(not JSON)"
    return StepDoc(
        kind=kind,
        target=text_of(given.get(kind)) or "(computed)",
        arguments=shown,
        task=text_of(given.get("task")),
        save_as=text_of(given.get("save_as")),
    )
