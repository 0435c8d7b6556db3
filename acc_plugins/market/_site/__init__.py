"""
The static marketplace site: ``acc-plugins site REGISTRY --out DIR``
writes an ``index.html`` with client-side search and a page per plugin,
which any static file host can serve.
"""

from ._build import MARKER, Site, render, write_site


__all__ = ["MARKER", "Site", "render", "write_site"]
