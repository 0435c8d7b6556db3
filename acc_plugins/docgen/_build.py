"""
A plugin folder's documentation: its manifest, what a reading of its
source finds, and its permissions in words, put together as one
`PluginDoc`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from acc_plugins.manifest import load_manifest

from ._members import Declared, declarations
from ._model import DependencyDoc, PermissionDoc, PluginDoc, SettingDoc
from ._source import SourceProblem, SourceReader, locate


if TYPE_CHECKING:
    from acc_plugins.manifest import Manifest, Setting

MANIFEST = "plugin.toml"


def document(folder: Path | str) -> PluginDoc:
    """
    The documentation of the plugin in *folder*, read without running
    any of its code.

    What the source computes when it loads (a prompt built by a call, a
    tool list made in a loop) cannot be read; the documentation's
    ``notes`` say what was left out, and why.

    Args:
        folder: A plugin folder: ``plugin.toml`` and its source files
            (an extracted archive is one).

    Raises:
        ManifestError: Its ``plugin.toml`` is missing, unreadable or
            invalid.
    """
    folder = Path(folder)
    manifest = load_manifest(folder / MANIFEST)
    reader = SourceReader(folder)
    try:
        members = reader.members(*locate(reader, manifest.plugin.entry))
        declared = declarations(members)
    except SourceProblem as exc:
        note = (
            f"the source was not read: {exc}; tools, agents, workflows "
            "and hooks are not documented"
        )
        declared = Declared(notes=[note])
    return from_parts(manifest, declared)


def from_parts(manifest: Manifest, declared: Declared) -> PluginDoc:
    """
    The documentation of *manifest*'s plugin, declaring *declared*.
    """
    # Imported here: the market package imports the site, which imports
    # this one; by the time a page is made, both are whole.
    from acc_plugins.market._plain import plain  # noqa: PLC0415

    meta = manifest.plugin
    return PluginDoc(
        name=meta.name,
        version=str(meta.version),
        description=meta.description,
        kind=meta.kind.value,
        authors=meta.authors,
        license=meta.license or "",
        homepage=meta.homepage or "",
        repository=meta.repository or "",
        keywords=meta.keywords,
        requires_acc=str(meta.requires_acc or ""),
        isolation=meta.isolation.value,
        dependencies=tuple(
            DependencyDoc(d.name, str(d.specifier))
            for d in manifest.dependencies
        ),
        tools=tuple(declared.tools),
        agents=tuple(declared.agents),
        workflows=tuple(declared.workflows),
        hooks=tuple(declared.hooks),
        prompts=tuple(declared.prompts),
        settings=tuple(_setting(s) for s in manifest.settings),
        permissions=tuple(
            PermissionDoc(p.canonical, plain(p.canonical))
            for p in manifest.permissions.all
        ),
        notes=tuple(declared.notes),
    )


def _shown(value: object) -> str:
    if type(value) in {int, float}:
        return f"{value:g}" if type(value) is float else str(value)
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def _setting(setting: Setting) -> SettingDoc:
    return SettingDoc(
        key=setting.key,
        type=setting.type.value,
        default=None if setting.default is None else _shown(setting.default),
        description=setting.description,
        choices=setting.choices,
        min=None if setting.min is None else _shown(setting.min),
        max=None if setting.max is None else _shown(setting.max),
    )
