"""
Plugin folders written for a test: a manifest and source files.
"""

from pathlib import Path


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write_plugin(
    parent: Path,
    source: str,
    *,
    name: str = "demo",
    description: str = "A demo.",
    entry: str = "plugin:Demo",
    manifest: str = "",
    files: dict[str, str] | None = None,
) -> Path:
    """
    The folder *parent*/*name* with a plugin.toml (extra tables in
    *manifest*), plugin.py holding *source*, and *files*.
    """
    folder = parent / name
    folder.mkdir(parents=True)
    escaped = description.replace("\\", "\\\\").replace('"', '\\"')
    (folder / "plugin.toml").write_text(
        "[plugin]\n"
        f'name = "{name}"\n'
        'version = "1.0.0"\n'
        f'description = "{escaped}"\n'
        f'entry = "{entry}"\n'
        'kind = "tool"\n' + manifest
    )
    (folder / "plugin.py").write_text(source)
    for relative, text in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder
