"""
A plugin's documentation as Markdown: a page for a repository, a
registry's ``docs/`` folder or any site that renders CommonMark with
tables.  All plugin text goes through `md` or `md_code` (see `_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._facts import (
    NO_PERMISSIONS,
    allowed,
    driver,
    facts,
    install_command,
    step_words,
)
from ._text import md, md_block, md_code, web_link


if TYPE_CHECKING:
    from ._model import PluginDoc, ToolDoc


def to_markdown(doc: PluginDoc) -> str:
    """
    *doc* as a Markdown page.
    """
    lines = [
        f"# {md(doc.name)} {md(doc.version)}",
        "",
        md_block(doc.description),
        "",
    ]
    for label, value, is_url in facts(doc):
        link = web_link(value) if is_url else None
        lines.append(f"- {label}: {f'<{link}>' if link else md(value)}")
    lines += ["", "## Install", "", "```console"]
    lines += [f"$ {install_command(doc)}", "```", ""]
    if doc.tools:
        lines += ["## Tools", ""]
    for tool in doc.tools:
        lines += _tool(tool)
    lines += _agents(doc) + _workflows(doc) + _hooks(doc) + _settings(doc)
    lines += ["## Permissions", ""]
    if doc.permissions:
        lines += ["It asks to:", ""]
        lines += [
            f"- {md_block(p.plain)} ({md_code(p.text)})"
            for p in doc.permissions
        ]
    else:
        lines.append(NO_PERMISSIONS)
    lines.append("")
    if doc.notes:
        lines += ["## Not documented", ""]
        lines += [
            "A reading of the source, which runs none of it, could not tell:",
            "",
        ]
        lines += [f"- {md_block(note)}" for note in doc.notes]
        lines.append("")
    return "\n".join(lines)


def _tool(tool: ToolDoc) -> list[str]:
    lines = [f"### {md(tool.name)}", ""]
    if tool.summary:
        lines += [md_block(tool.summary), ""]
    for paragraph in tool.details:
        lines += [md_block(paragraph), ""]
    if tool.parameters:
        lines += [
            "| argument | type | required | default | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {md_code(p.name)} | {md(p.type)} | "
            f"{'yes' if p.required else 'no'} | "
            f"{md_code(p.default or '')} | {md(p.description)} |"
            for p in tool.parameters
        ]
    else:
        lines.append("It takes no arguments.")
    hint = (
        f" ({md_code(tool.returns_annotation)})"
        if tool.returns_annotation
        else ""
    )
    about = (
        f": {md(tool.returns_description)}" if tool.returns_description else ""
    )
    lines += ["", f"Returns: {md(tool.returns)}{hint}{about}", ""]
    return lines


def _agents(doc: PluginDoc) -> list[str]:
    if not doc.agents:
        return []
    lines = ["## Agents", ""]
    for agent in doc.agents:
        lines += [f"### {md(agent.name)}", ""]
        if agent.description:
            lines += [md_block(agent.description), ""]
        lines.append(f"- Run by: {md(driver(agent))}")
        tools = ", ".join(md_code(t) for t in agent.tools) or "none"
        lines += [f"- Tools it may use: {tools}", ""]
        if agent.system_prompt:
            lines += ["System prompt:", ""]
            lines += [
                f"> {md_block(line)}".rstrip()
                for line in agent.system_prompt.splitlines()
            ]
            lines.append("")
    return lines


def _workflows(doc: PluginDoc) -> list[str]:
    if not doc.workflows:
        return []
    lines = ["## Workflows", ""]
    for flow in doc.workflows:
        lines += [f"### {md(flow.name)}", ""]
        if flow.description:
            lines += [md_block(flow.description), ""]
        inputs = ", ".join(md_code(name) for name in flow.inputs) or "none"
        lines += [f"Inputs: {inputs}", ""]
        for number, step in enumerate(flow.steps, start=1):
            words = step_words(step)
            lines.append(
                f"{number}. {step.kind} {md_code(step.target)}"
                + (f": {md(words)}" if words else "")
            )
        output = (
            md_code(flow.output) if flow.output else "the last step's result"
        )
        lines += ["", f"Returns: {output}", ""]
    return lines


def _hooks(doc: PluginDoc) -> list[str]:
    lines = _methods(
        "Event hooks",
        "event",
        [(h.event, h.method, h.summary) for h in doc.hooks],
    )
    return lines + _methods(
        "Prompt contributions",
        "agent",
        [(p.agent, p.method, p.summary) for p in doc.prompts],
    )


def _methods(
    title: str, what: str, rows: list[tuple[str, str, str]]
) -> list[str]:
    """
    A table of methods the host calls: for an event, for an agent.
    """
    if not rows:
        return []
    lines = [f"## {title}", "", f"| {what} | method | what it does |"]
    lines.append("| --- | --- | --- |")
    lines += [
        f"| {md_code(target)} | {md_code(method)} | {md(summary)} |"
        for target, method, summary in rows
    ]
    lines.append("")
    return lines


def _settings(doc: PluginDoc) -> list[str]:
    if not doc.settings:
        return []
    lines = ["## Settings", ""]
    lines.append("| setting | type | default | allowed | description |")
    lines.append("| --- | --- | --- | --- | --- |")
    lines += [
        f"| {md_code(s.key)} | {md(s.type)} | {md_code(s.default or '')} | "
        f"{md(allowed(s))} | {md(s.description)} |"
        for s in doc.settings
    ]
    lines.append("")
    return lines
