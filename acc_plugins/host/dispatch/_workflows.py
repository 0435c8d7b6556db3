"""
Running declarative workflows: resolving ``${...}`` references between
steps.  Pure data work; no plugin text is ever evaluated.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from acc_plugins.errors import ToolArgumentError
from acc_plugins.sdk._workflow import REFERENCE


if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Mapping

    from acc_plugins.sdk import Workflow


def _lookup(ref: str, scope: Mapping[str, object], where: str) -> object:
    head, *path = ref.split(".")
    value = scope[head]
    for step in path:
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.lstrip("-").isdigit():
            try:
                value = value[int(step)]
            except IndexError:
                msg = f"{where}: ${{{ref}}}: index {step} is out of range"
                raise LookupError(msg) from None
        else:
            msg = f"{where}: ${{{ref}}}: no {step!r} in {type(value).__name__}"
            raise LookupError(msg)
    return value


def substitute(
    value: object, scope: Mapping[str, object], where: str
) -> object:
    """
    Replace references in *value* with what they name in *scope*.

    A string that is one whole reference becomes the referenced value; a
    reference inside a longer string becomes text (JSON for non-strings).
    """
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return _lookup(whole.group(1), scope, where)

        def text(match: re.Match[str]) -> str:
            found = _lookup(match.group(1), scope, where)
            return found if isinstance(found, str) else json.dumps(found)

        return REFERENCE.sub(text, value)
    if isinstance(value, list):
        return [substitute(item, scope, where) for item in value]
    if isinstance(value, dict):
        return {k: substitute(v, scope, where) for k, v in value.items()}
    return value


def run_workflow(
    target: str,
    workflow: Workflow,
    inputs: Mapping[str, object],
    *,
    owner: str,
    call_tool: Callable[[str, dict[str, object]], object],
    run_agent: Callable[[str, str], object],
) -> object:
    """
    Run *workflow* step by step and return its output.

    Args:
        target: Its namespaced name, for messages.

        workflow: What to run.

        inputs: Its inputs (already JSON copies).

        owner: Its plugin; unqualified step names refer to it.

        call_tool: Calls a namespaced tool with arguments.

        run_agent: Runs a namespaced agent on a task.

    Raises:
        ToolArgumentError: If inputs are missing or unknown.
    """
    missing = [
        f"input {n!r}: required" for n in workflow.inputs if n not in inputs
    ]
    unknown = [
        f"input {n!r}: unknown" for n in inputs if n not in workflow.inputs
    ]
    if missing or unknown:
        raise ToolArgumentError(target, missing + unknown)
    scope: dict[str, object] = {"input": dict(inputs)}
    result: object = None
    for index, step in enumerate(workflow.steps, start=1):
        where = f"{target} step {index}"
        name = step.tool if step.tool is not None else step.agent
        assert name is not None  # noqa: S101 -- Step guarantees one of them
        qualified = name if "." in name else f"{owner}.{name}"
        if step.tool is not None:
            arguments = substitute(step.arguments, scope, where)
            assert isinstance(arguments, dict)  # noqa: S101 -- a dict stays a dict
            result = call_tool(qualified, arguments)
        else:
            task = substitute(step.task, scope, where)
            result = run_agent(qualified, str(task))
        if step.save_as:
            scope[step.save_as] = result
    if workflow.output is not None:
        return substitute(workflow.output, scope, f"{target} output")
    return result
