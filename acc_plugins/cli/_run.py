"""
``acc-plugins run-agent`` and ``run-workflow``: run one agent or one
workflow from the command line or a script, as ``call`` runs a tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acc_plugins.errors import PluginError

from ._call import arguments_of, read_source, with_arguments
from ._format import print_json
from ._log import fail


if TYPE_CHECKING:
    from collections.abc import Callable


def _run(
    ctx: click.Context, work: Callable[..., object], *args: object
) -> object:
    from ._main import _host  # noqa: PLC0415 -- the one place hosts are built

    host = _host(ctx)
    try:
        return work(host, *args)
    except (PluginError, LookupError) as exc:
        # LookupError: a workflow step names a value no step saved.
        fail(str(exc))


@click.command("run-agent")
@click.argument("target", metavar="PLUGIN.AGENT")
@click.argument("task")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the answer as JSON (a text answer as a JSON string).",
)
@click.pass_context
def run_agent(
    ctx: click.Context, target: str, task: str, as_json: bool
) -> None:
    """
    Run an agent on a task and print its answer.

    TASK is the task itself, @FILE to read it from a file, or - to read
    it from standard input.

    \b
    Examples:
      acc-plugins run-agent code-reviewer.review @change.py
      git diff | acc-plugins run-agent code-reviewer.summarizer -
    """
    _, text = read_source(task, "TASK")
    answer = _run(ctx, lambda host, t: host.run_agent(target, t), text)
    if as_json or not isinstance(answer, str):
        print_json(answer)
    else:
        click.echo(answer)


@click.command("run-workflow")
@click.argument("target", metavar="PLUGIN.WORKFLOW")
@with_arguments
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the output as JSON (what run-workflow always prints).",
)
@click.pass_context
def run_workflow(
    ctx: click.Context,
    target: str,
    pairs: tuple[str, ...],
    args_spec: str | None,
    as_json: bool,  # noqa: ARG001 -- accepted like on every command
) -> None:
    """
    Run a workflow with its inputs and print its output as JSON:
    acc-plugins run-workflow PLUGIN.WORKFLOW key=value ...

    key=value inputs are text; give other values (numbers, lists) with
    --args.

    \b
    Examples:
      acc-plugins run-workflow review-pipeline.review-file code='x = 1'
      acc-plugins run-workflow review-pipeline.review-file --args @in.json
    """
    arguments, text = arguments_of(pairs, args_spec)
    inputs = arguments if arguments is not None else text
    output = _run(ctx, lambda host: host.run_workflow(target, **inputs))
    print_json(output)
