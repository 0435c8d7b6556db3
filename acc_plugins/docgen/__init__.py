"""
Plugin documentation: what a plugin is, what it adds and what it asks
to be allowed, read from its folder without running it, as Markdown, a
self-contained HTML page, or JSON.

Example:
    >>> doc = document("examples/text-tools")
    >>> doc.tools[0].name, doc.tools[0].parameters[0].type
    ('word_count', 'string')
    >>> to_markdown(doc).splitlines()[0]
    '# text-tools 1.2.0'
"""

from acc_plugins.docgen._build import document
from acc_plugins.docgen._html import to_html, to_html_sections
from acc_plugins.docgen._markdown import to_markdown
from acc_plugins.docgen._model import (
    AgentDoc,
    DependencyDoc,
    HookDoc,
    ParameterDoc,
    PermissionDoc,
    PluginDoc,
    PromptDoc,
    SettingDoc,
    StepDoc,
    ToolDoc,
    WorkflowDoc,
)
from acc_plugins.docgen._render import FORMATS, render


__all__ = [
    "FORMATS",
    "AgentDoc",
    "DependencyDoc",
    "HookDoc",
    "ParameterDoc",
    "PermissionDoc",
    "PluginDoc",
    "PromptDoc",
    "SettingDoc",
    "StepDoc",
    "ToolDoc",
    "WorkflowDoc",
    "document",
    "render",
    "to_html",
    "to_html_sections",
    "to_markdown",
]
