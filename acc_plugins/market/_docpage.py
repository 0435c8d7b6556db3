"""
A plugin's documentation page, ``docs/<name>.md`` in a registry: what it
does, how to install it, its tools with their parameters, its settings,
and its permissions in words (`acc_plugins.market._plain`).

Why a generator of its own: the publishing pipeline writes the page and
the marketplace site shows it, so both say the same thing; it is pure
(manifest and tool schemas in, Markdown out) so that either can call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._plain import plain


if TYPE_CHECKING:
    from collections.abc import Sequence

    from acc_plugins.host import ToolInfo
    from acc_plugins.manifest import Manifest


def doc_page(
    manifest: Manifest,
    tools: Sequence[ToolInfo] = (),
    *,
    agents: Sequence[str] = (),
    workflows: Sequence[str] = (),
    hooks: Sequence[str] = (),
) -> str:
    """
    The Markdown page of the plugin *manifest* describes.

    Args:
        manifest: The plugin's manifest.

        tools: Its tools as a host lists them (with argument schemas).

        agents, workflows: Their namespaced names.

        hooks: The events it subscribes to.
    """
    meta = manifest.plugin
    lines = [f"# {meta.name} {meta.version}", "", meta.description, ""]
    facts = [f"- Kind: {meta.kind.value}"]
    if meta.authors:
        facts.append(f"- Authors: {', '.join(meta.authors)}")
    if meta.license:
        facts.append(f"- Licence: {meta.license}")
    if meta.homepage:
        facts.append(f"- Home page: <{meta.homepage}>")
    if meta.requires_acc:
        facts.append(f"- Runs on acc_plugins {meta.requires_acc}")
    facts.extend(
        f"- Needs the plugin {d.name} {d.specifier}".rstrip()
        for d in manifest.dependencies
    )
    lines += [*facts, "", "## Install", "", "```console"]
    lines += [f"$ acc-plugins install {meta.name}=={meta.version}", "```", ""]
    lines += _tools(tools)
    for title, names in (
        ("Agents", agents),
        ("Workflows", workflows),
        ("Hooks", hooks),
    ):
        if names:
            lines += [f"## {title}", ""]
            lines += [f"- `{name}`" for name in names]
            lines.append("")
    lines += _settings(manifest)
    lines += ["## Permissions", ""]
    permissions = manifest.permissions.all
    if not permissions:
        lines += ["It asks for no permissions.", ""]
    else:
        lines += ["It asks to:", ""]
        lines += [
            f"- {plain(p.canonical)} (`{p.canonical}`)" for p in permissions
        ]
        lines.append("")
    return "\n".join(lines)


def _tools(tools: Sequence[ToolInfo]) -> list[str]:
    if not tools:
        return []
    lines = ["## Tools", ""]
    for tool in tools:
        lines += [f"### `{tool.name}`", ""]
        if tool.description:
            lines += [tool.description, ""]
        # A JSON Schema: plain JSON of any shape, read defensively.
        properties: Any = tool.schema.get("properties")
        if not isinstance(properties, dict):
            properties = {}
        listed: Any = tool.schema.get("required")
        required = set(listed) if isinstance(listed, list) else set()
        if not properties:
            lines += ["It takes no arguments.", ""]
            continue
        lines += ["| argument | type | required | description |"]
        lines += ["| --- | --- | --- | --- |"]
        for name, schema in properties.items():
            kind = _type(schema)
            needed = "yes" if name in required else "no"
            about = (
                _cell(str(schema.get("description", "")))
                if isinstance(schema, dict)
                else ""
            )
            lines.append(f"| `{name}` | {kind} | {needed} | {about} |")
        lines.append("")
    return lines


def _type(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array":
        return f"array of {_type(schema.get('items'))}"
    if kind is None and "anyOf" in schema:
        return " or ".join(_type(option) for option in schema["anyOf"])
    return str(kind or "any")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _settings(manifest: Manifest) -> list[str]:
    if not manifest.settings:
        return []
    lines = ["## Settings", ""]
    lines += ["| setting | type | default | description |"]
    lines += ["| --- | --- | --- | --- |"]
    for setting in manifest.settings:
        default = "" if setting.default is None else f"`{setting.default}`"
        about = _cell(setting.description)
        lines.append(
            f"| `{setting.key}` | {setting.type.value} | {default} | {about} |"
        )
    lines.append("")
    return lines
