"""
One bad plugin folder or file puts that plugin in ``error``, naming the
path and the reason; the other plugins load.
"""

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.host.test_config import SETTINGS, TUNABLE
from tests.host.test_host import ECHO, started_host, write_plugin
from tests.modes import needs_permissions

from acc_plugins.cli import cli
from acc_plugins.host import State
from acc_plugins.host.core._discovery import discover


@pytest.fixture(name="plugins")
def _plugins(tmp_path):
    write_plugin(tmp_path / "plugins", "good", ECHO)
    yield tmp_path / "plugins"
    for path in (tmp_path / "plugins").rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700)


def _outcome(home: Path) -> dict[str, tuple[State, str]]:
    host = started_host(home)
    try:
        answer = host.call_tool("good.echo", text="hi")
        assert answer == ["hi"]
        return {
            info.name: (
                info.state,
                str(info.last_error) if info.last_error else "",
            )
            for info in host.plugins()
        }
    finally:
        host.stop()


def _only_in_error(home: Path, name: str, reason: str) -> None:
    outcome = _outcome(home)

    assert outcome[name][0] is State.ERROR
    assert reason in outcome[name][1]
    assert State.ACTIVE is outcome["good"][0]


@needs_permissions
def test_an_unreadable_plugin_folder_is_one_plugin_in_error(plugins):
    bad = write_plugin(plugins, "bad", ECHO)
    bad.chmod(0)

    outcome = _outcome(plugins.parent)

    assert (
        State.ERROR,
        f"{bad}/plugin.toml: cannot read: Permission denied",
    ) == outcome["bad"]
    assert State.ACTIVE is outcome["good"][0]


@needs_permissions
@pytest.mark.parametrize("name", ["plugin.toml", "main.py", "helper.py"])
def test_an_unreadable_file_is_one_plugin_in_error(plugins, name):
    bad = write_plugin(plugins, "bad", ECHO)
    (bad / "helper.py").write_text("X = 1\n")
    (bad / name).chmod(0)

    _only_in_error(
        plugins.parent, "bad", f"{bad / name}: cannot read: Permission denied"
    )


@needs_permissions
def test_an_unreadable_secret_store_stops_only_plugins_with_secrets(plugins):
    write_plugin(plugins, "tunable", TUNABLE, extra=SETTINGS)
    store = plugins.parent / "data" / "secrets.json"
    store.parent.mkdir()
    store.write_text("{}")
    store.chmod(0)

    _only_in_error(plugins.parent, "tunable", f"{store}: unreadable")


@needs_permissions
def test_list_names_an_unreadable_folder_without_a_traceback(plugins):
    bad = write_plugin(plugins, "bad", ECHO)
    bad.chmod(0)
    home = plugins.parent
    options = [
        f"--path={plugins}",
        f"--cache-dir={home / 'cache'}",
        f"--data-dir={home / 'data'}",
        f"--config-dir={home / 'config'}",
    ]

    listed = CliRunner().invoke(
        cli, [*options, "list"], env={"COLUMNS": "240"}
    )
    called = CliRunner().invoke(
        cli, [*options, "call", "good.echo", "text=hi"]
    )

    assert listed.exit_code == 0, listed.output
    assert "Permission denied" in listed.stdout
    assert "Traceback" not in listed.output
    assert called.exit_code == 0, called.output


def _directory_instead_of_file(folder: Path) -> None:
    (folder / "main.py").unlink()
    (folder / "main.py").mkdir()


def _broken_link(folder: Path) -> None:
    (folder / "main.py").unlink()
    (folder / "main.py").symlink_to(folder / "gone.py")


def _not_utf8(folder: Path) -> None:
    source = textwrap.dedent(ECHO).encode()
    (folder / "main.py").write_bytes(b"# caf\xe9\n" + source)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_directory_instead_of_file, "has no module 'main'"),
        (_broken_link, "has no module 'main'"),
        (_not_utf8, "main.py: cannot read: 'utf-8' codec can't decode b"),
    ],
)
def test_a_bad_source_file_is_one_plugin_in_error(plugins, spoil, reason):
    spoil(write_plugin(plugins, "bad", ECHO))

    _only_in_error(plugins.parent, "bad", reason)


@needs_permissions
def test_an_unreadable_folder_of_plugins_is_a_warning(tmp_path, caplog):
    folder = tmp_path / "plugins"
    folder.mkdir()
    folder.chmod(0)
    try:
        found = discover([folder, tmp_path / "missing"])
    finally:
        folder.chmod(0o700)

    assert found == []
    assert [f"{folder}: cannot look for plugins: Permission denied"] == [
        r.getMessage() for r in caplog.records
    ]
