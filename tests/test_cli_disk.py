"""
Write commands on a disk that refuses writes (read-only, or a file size
limit) print one ``error: ...`` line naming the file, and exit 1.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.host.test_grants_audit import LIMITED
from tests.modes import needs_permissions
from tests.test_cli_import import options_for

from acc_plugins.cli import cli
from acc_plugins.host.capabilities._storage import KeyValueStore
from acc_plugins.host.gate._quarantine import QuarantineList


# Each write command, and the file it names when the disk refuses it.
WRITES = [
    (("permissions", "grant", "text-tools", "host:events.emit"), "data"),
    (("permissions", "revoke", "code-reviewer", "host:claude.query"), "data"),
    (("storage", "clear", "text-tools", "--yes"), "storage.sqlite3"),
    (("config", "import", "{setup}"), "data"),
    (("quarantine", "release", "text-tools"), "audit"),
]
# With the data folder read-only (its audit folder still writable), the
# release is audited, then its list refuses the write.
READ_ONLY_NAMES = {"audit": "quarantine.json"}


@pytest.fixture(name="home")
def _home(tmp_path: Path) -> Path:
    """
    A data folder with grants, an audit trail, a few kilobytes of storage,
    and a setup file to import.
    """
    assert (
        CliRunner().invoke(cli, [*options_for(tmp_path), "list"]).exit_code
        == 0
    )
    store = KeyValueStore(tmp_path / "data" / "storage.sqlite3")
    for n in range(40):
        store.set("text-tools", f"k{n}", "v" * 1000)
    store.close()
    QuarantineList(tmp_path / "data" / "quarantine.json").add(
        "text-tools", "t"
    )
    (tmp_path / "team.toml").write_text(
        "[plugins.code-reviewer]\ngrants = []\n"
    )
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".lock"
    }


def _state(snapshot: dict[str, bytes]) -> dict[str, bytes]:
    # The audit trail and the plugins' logs are records of what the host
    # saw while loading (a plugin in error, a state change); their folders
    # stay writable and may grow.  Everything else is what a refused
    # command must leave as it was.
    return {
        name: data
        for name, data in snapshot.items()
        if not name.startswith(("audit/", "logs/"))
    }


@pytest.mark.parametrize(("command", "named"), WRITES)
def test_a_full_disk_is_one_clear_error(home, command, named):
    """Under a file size limit, the command fails with one line naming
    the file it could not write; nothing changes."""
    args = [part.format(setup=home / "team.toml") for part in command]
    before = _snapshot(home / "data")

    refused = subprocess.run(  # noqa: S603 -- our own test program
        [sys.executable, "-c", LIMITED, "64", *options_for(home), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),
    )

    assert refused.returncode == 1
    errors = [
        line
        for line in refused.stderr.splitlines()
        if line.startswith("error")
    ]
    assert len(errors) == 1
    assert errors[0].startswith("error: cannot ")
    assert named in errors[0]
    assert "Traceback" not in refused.stderr
    after = _snapshot(home / "data")
    assert _state(after) == _state(before)


@needs_permissions
@pytest.mark.parametrize(("command", "named"), WRITES)
def test_a_read_only_data_folder_is_one_clear_error(home, command, named):
    """With the data folder read-only, the command fails with one line
    naming the file; nothing changes."""
    args = [part.format(setup=home / "team.toml") for part in command]
    data = home / "data"
    before = _snapshot(data)
    data.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, [*options_for(home), *args])
    finally:
        data.chmod(0o700)

    assert result.exit_code == 1
    assert "error: cannot " in result.output
    assert READ_ONLY_NAMES.get(named, named) in result.output
    assert "Traceback" not in result.output
    after = _snapshot(data)
    assert _state(after) == _state(before)
    trail = "audit/audit.jsonl"
    added = after.get(trail, b"")[len(before.get(trail, b"")) :]
    kinds = [json.loads(line)["kind"] for line in added.splitlines()]
    refused = [k for k in kinds if k not in {"error", "denial"}]
    # A release the list refused is undone in the trail at once.
    assert refused in ([], ["release", "repair"])
