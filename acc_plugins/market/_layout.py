"""
Where things are in a registry: the same relative paths in a directory
and under a static HTTP(S) URL, so that a registry folder copied to any
static host, object store or CDN is the same registry.

Why one module: the publishing side writes these paths and every client
reads them; a path spelled twice is a registry that works only one way.
"""

from __future__ import annotations

from typing import Final


INDEX: Final = "index.json"
"""The signed index."""

REPORTS: Final = "reports.json"
"""Reports that flag plugins for the registry's administrators."""

LOCK: Final = ".registry.lock"
"""Serialises writers of a directory registry (publish, yank, review)."""


def archive_path(name: str, version: str) -> str:
    """
    Where release *version* of plugin *name* is stored.
    """
    return f"archives/{name}/{name}-{version}.accp"


def docs_path(name: str) -> str:
    """
    The documentation page of plugin *name*'s newest release (Markdown).
    """
    return f"docs/{name}.md"


def reviews_path(name: str) -> str:
    """
    The reviews of plugin *name*.
    """
    return f"reviews/{name}.json"
