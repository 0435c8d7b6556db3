"""
``acc-plugins package``: prints the archive, its size and sha256 (or JSON),
and refuses a folder it cannot package with one ``error:`` line.
"""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from acc_plugins.cli import cli
from acc_plugins.market import archive_digest, extract_archive


EXAMPLE = Path(__file__).parent.parent / "examples" / "text-tools"


def test_package_writes_name_version_accp_here(tmp_path, monkeypatch):
    """By default the archive lands in the current folder."""
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["package", str(EXAMPLE)])

    archive = tmp_path / "text-tools-1.2.0.accp"
    data = archive.read_bytes()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "text-tools-1.2.0.accp",
        f"size    {len(data)} bytes",
        f"sha256  {archive_digest(data)}",
    ]
    assert extract_archive(archive, tmp_path / "x").plugin.name == "text-tools"


def test_package_json_names_file_size_and_digest(tmp_path):
    """--json prints one object for scripts."""
    out = tmp_path / "tt.accp"

    result = CliRunner().invoke(
        cli, ["package", str(EXAMPLE), "--out", str(out), "--json"]
    )

    data = out.read_bytes()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "path": str(out),
        "name": "text-tools",
        "version": "1.2.0",
        "size": len(data),
        "sha256": archive_digest(data),
    }


def test_package_refuses_a_link_with_one_line_and_writes_nothing(tmp_path):
    """A symbolic link: exit 1, "error: ...", no traceback, no file."""
    shutil.copytree(EXAMPLE, tmp_path / "tt")
    (tmp_path / "tt" / "leak").symlink_to("/etc/passwd")
    out = tmp_path / "dist"
    out.mkdir()

    result = CliRunner().invoke(
        cli, ["package", str(tmp_path / "tt"), "--out", str(out)]
    )

    assert result.exit_code == 1
    assert result.output == (
        f"error: {tmp_path / 'tt'}: 'leak': a symbolic link; archives hold "
        "regular files only (copy the file in instead)\n"
    )
    assert list(out.iterdir()) == []


def test_package_refuses_a_folder_without_manifest(tmp_path):
    """One line naming the folder, and how to start a plugin."""
    result = CliRunner().invoke(cli, ["package", str(tmp_path)])

    assert result.exit_code == 1
    assert result.output == (
        f"error: {tmp_path}: not a plugin folder (it has no plugin.toml); "
        "`acc-plugins new NAME` starts one\n"
    )
    assert list(tmp_path.iterdir()) == []
