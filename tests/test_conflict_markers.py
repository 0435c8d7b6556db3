"""
No file of the repository holds the markers of a merge left unresolved:
one reached the API reference once, and mkdocs rendered it as text.
"""

from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {
    ".git",
    ".venv",
    ".nox",
    "build",
    "site",
    "node_modules",
    "__pycache__",
}
TEXT = {
    ".py",
    ".md",
    ".toml",
    ".yml",
    ".yaml",
    ".json",
    ".cfg",
    ".txt",
    ".html",
    ".css",
    ".js",
}
# Built from parts, so that this file does not hold the markers itself.
MARKERS = ("<" * 7 + " ", ">" * 7 + " ")


def _files(folder: Path):
    for path in folder.iterdir():
        if path.name in SKIPPED or path.is_symlink():
            continue
        if path.is_dir():
            yield from _files(path)
        elif path.suffix in TEXT:
            yield path


def test_no_unresolved_merge_is_committed():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files(ROOT)
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if line.startswith(MARKERS)
    ]

    assert found == []
