"""
The documentation of a plugin archive (``.accp``), as `acc_plugins.docgen`
makes it from a folder: the archive is extracted, with every check
`extract_archive` makes (sizes, names, links, compression ratio), into
a throw-away folder that is gone when the documentation is made.

Why here and not in docgen: the archive's checks are the marketplace's,
and docgen reads folders; the site and ``acc-plugins docs NAME.accp``
both document archives from strangers through this one function.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from acc_plugins.docgen import document

from ._extract import extract_archive


if TYPE_CHECKING:
    from acc_plugins.docgen import PluginDoc


def document_archive(archive: Path | bytes) -> PluginDoc:
    """
    The documentation of the plugin in *archive* (a file or its bytes),
    read without running any of its code.

    Raises:
        ArchiveError: The archive is refused.

        ManifestError: Its ``plugin.toml`` is invalid.

        OSError: The archive cannot be read, or the scratch folder
            written.
    """
    with tempfile.TemporaryDirectory(prefix="acc-docs-") as scratch:
        folder = Path(scratch) / "plugin"
        extract_archive(archive, folder)
        return document(folder)
