"""
A plugin's documentation as HTML: a whole self-contained page, or the
sections alone for a page of the marketplace site.

Why every value goes through `esc`: names, descriptions, docstrings,
prompts and defaults are written by the plugin's author, who may be
hostile.  The page also carries a content security policy that allows
its one inline stylesheet (by hash) and nothing else: no script, no
image, no request to any other site, should an escape ever be missed.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Final

from ._facts import (
    NO_PERMISSIONS,
    allowed,
    driver,
    facts,
    install_command,
    step_words,
)
from ._text import esc, web_link


if TYPE_CHECKING:
    from ._model import PluginDoc, ToolDoc

_STYLE: Final = """
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;background:#fff}
h1 .version{font-weight:normal;color:#555}
code,pre{font-family:ui-monospace,monospace;background:#f3f3f3;
border-radius:3px}
code{padding:0 .2em}pre{padding:.6em;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}
blockquote{border-left:3px solid #ccc;margin:0;padding:0 1em;
white-space:pre-wrap}
""".strip()
_STYLE_HASH: Final = base64.b64encode(
    hashlib.sha256(_STYLE.encode()).digest()
).decode()
CSP: Final = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
    "base-uri 'none'; form-action 'none'"
)
_REL: Final = "nofollow noopener noreferrer"


def to_html(doc: PluginDoc) -> str:
    """
    *doc* as a whole HTML page that loads nothing from anywhere.
    """
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(doc.name)} {esc(doc.version)}</title>\n"
        f"<style>{_STYLE}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"{to_html_sections(doc, level=2, overview=True)}"
        "</main>\n</body>\n</html>\n"
    )


def to_html_sections(
    doc: PluginDoc, *, level: int = 2, overview: bool = True
) -> str:
    """
    *doc* as HTML sections, for a page of one's own.

    Args:
        doc: The documentation.

        level: The heading level of the sections (``2`` for ``<h2>``);
            the title, with *overview*, is one above, items one below.

        overview: Whether to begin with the title, description, facts,
            install command and permissions (a page that shows those
            already leaves them out).

    Raises:
        ValueError: If *level* leaves no room for the title above or the
            items below (2 to 5).
    """
    if not 2 <= level <= 5:  # noqa: PLR2004 -- h1 to h6
        msg = f"level must be 2 to 5, got {level}"
        raise ValueError(msg)
    parts: list[str] = []
    if overview:
        title = (
            f"<h{level - 1}>{esc(doc.name)} "
            f'<span class="version">{esc(doc.version)}</span>'
            f"</h{level - 1}>\n"
        )
        parts += [
            title,
            f'<p class="description">{esc(doc.description)}</p>\n',
            _facts(doc),
            _section(
                "install",
                "Install",
                level,
                f"<pre><code>{esc(install_command(doc))}</code></pre>\n",
            ),
        ]
    if doc.tools:
        body = "".join(_tool(tool, level + 1) for tool in doc.tools)
        parts.append(_section("tools", "Tools", level, body))
    parts += [_agents(doc, level), _workflows(doc, level), _hooks(doc, level)]
    parts.append(_settings(doc, level))
    if overview:
        parts.append(_permissions(doc, level))
    if doc.notes:
        items = "".join(f"<li>{esc(note)}</li>" for note in doc.notes)
        parts.append(
            _section(
                "not-documented",
                "Not documented",
                level,
                "<p>A reading of the source, which runs none of it, could "
                f"not tell:</p>\n<ul>{items}</ul>\n",
            )
        )
    return "".join(parts)


def _section(ident: str, title: str, level: int, content: str) -> str:
    return (
        f'<section class="doc-{ident}"><h{level}>{title}</h{level}>\n'
        f"{content}</section>\n"
    )


def _link(url: str) -> str:
    safe = web_link(url)
    if safe is None:
        return esc(url)
    return f'<a href="{esc(safe)}" rel="{_REL}">{esc(safe)}</a>'


def _facts(doc: PluginDoc) -> str:
    rows = "".join(
        f"<dt>{esc(label)}</dt><dd>{_link(value) if is_url else esc(value)}</dd>"
        for label, value, is_url in facts(doc)
    )
    return f'<dl class="facts">{rows}</dl>\n'


def _code(text: str) -> str:
    return f"<code>{esc(text)}</code>" if text else ""


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    header = "".join(f'<th scope="col">{name}</th>' for name in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return (
        f"<table><thead><tr>{header}</tr></thead>"
        f"<tbody>{body}</tbody></table>\n"
    )


def _tool(tool: ToolDoc, level: int) -> str:
    parts = [f"<h{level}>{_code(tool.name)}</h{level}>\n"]
    if tool.summary:
        parts.append(f"<p>{esc(tool.summary)}</p>\n")
    parts += [f"<p>{esc(paragraph)}</p>\n" for paragraph in tool.details]
    if tool.parameters:
        parts.append(
            _table(
                ("Argument", "Type", "Required", "Default", "Description"),
                [
                    (
                        _code(p.name),
                        esc(p.type),
                        "yes" if p.required else "no",
                        _code(p.default or ""),
                        esc(p.description),
                    )
                    for p in tool.parameters
                ],
            )
        )
    else:
        parts.append("<p>It takes no arguments.</p>\n")
    hint = (
        f" ({_code(tool.returns_annotation)})"
        if tool.returns_annotation
        else ""
    )
    about = (
        f": {esc(tool.returns_description)}"
        if tool.returns_description
        else ""
    )
    parts.append(f"<p>Returns: {esc(tool.returns)}{hint}{about}</p>\n")
    return '<section class="doc-tool">' + "".join(parts) + "</section>\n"


def _agents(doc: PluginDoc, level: int) -> str:
    if not doc.agents:
        return ""
    parts: list[str] = []
    for agent in doc.agents:
        parts.append(f"<h{level + 1}>{_code(agent.name)}</h{level + 1}>\n")
        if agent.description:
            parts.append(f"<p>{esc(agent.description)}</p>\n")
        tools = ", ".join(_code(t) for t in agent.tools) or "none"
        parts.append(
            f"<ul><li>Run by: {esc(driver(agent))}</li>"
            f"<li>Tools it may use: {tools}</li></ul>\n"
        )
        if agent.system_prompt:
            parts.append(
                "<p>System prompt:</p>\n"
                f"<blockquote>{esc(agent.system_prompt)}</blockquote>\n"
            )
    return _section("agents", "Agents", level, "".join(parts))


def _workflows(doc: PluginDoc, level: int) -> str:
    if not doc.workflows:
        return ""
    parts: list[str] = []
    for flow in doc.workflows:
        parts.append(f"<h{level + 1}>{_code(flow.name)}</h{level + 1}>\n")
        if flow.description:
            parts.append(f"<p>{esc(flow.description)}</p>\n")
        inputs = ", ".join(_code(name) for name in flow.inputs) or "none"
        parts.append(f"<p>Inputs: {inputs}</p>\n<ol>")
        for step in flow.steps:
            words = step_words(step)
            parts.append(
                f"<li>{esc(step.kind)} {_code(step.target)}"
                + (f": {esc(words)}" if words else "")
                + "</li>"
            )
        output = (
            _code(flow.output) if flow.output else "the last step's result"
        )
        parts.append(f"</ol>\n<p>Returns: {output}</p>\n")
    return _section("workflows", "Workflows", level, "".join(parts))


def _hooks(doc: PluginDoc, level: int) -> str:
    parts = []
    for ident, title, what, rows in (
        (
            "hooks",
            "Event hooks",
            "Event",
            [(h.event, h.method, h.summary) for h in doc.hooks],
        ),
        (
            "prompts",
            "Prompt contributions",
            "Agent",
            [(p.agent, p.method, p.summary) for p in doc.prompts],
        ),
    ):
        if rows:
            table = _table(
                (what, "Method", "What it does"),
                [(_code(t), _code(m), esc(s)) for t, m, s in rows],
            )
            parts.append(_section(ident, title, level, table))
    return "".join(parts)


def _settings(doc: PluginDoc, level: int) -> str:
    if not doc.settings:
        return ""
    table = _table(
        ("Setting", "Type", "Default", "Allowed", "Description"),
        [
            (
                _code(s.key),
                esc(s.type),
                _code(s.default or ""),
                esc(allowed(s)),
                esc(s.description),
            )
            for s in doc.settings
        ],
    )
    return _section("settings", "Settings", level, table)


def _permissions(doc: PluginDoc, level: int) -> str:
    if not doc.permissions:
        return _section(
            "permissions",
            "Permissions",
            level,
            f"<p>{esc(NO_PERMISSIONS)}</p>\n",
        )
    items = "".join(
        f"<li>{esc(p.plain)} {_code(p.text)}</li>" for p in doc.permissions
    )
    return _section(
        "permissions",
        "Permissions",
        level,
        f"<p>It asks to:</p>\n<ul>{items}</ul>\n",
    )
