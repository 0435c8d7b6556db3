"""
``acc-plugins registry add/remove/list``, end to end: a registry is added
only once its signed index is read and its owner key pinned (given, or
confirmed by the user), and every bad input is one ``error:`` line, exit
1, and nothing added.
"""

import json
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from tests.market._httpserve import Server, free_port
from tests.market._regkit import RegistryFolder, demo_registry, later

from acc_plugins.cli import cli
from acc_plugins.market._indexfile import StaleIndexError
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._registries import Registries


@pytest.fixture(name="registry")
def _registry(tmp_path) -> RegistryFolder:
    return demo_registry(tmp_path / "registry", b"an archive")


@pytest.fixture(name="run")
def _run(tmp_path):
    def run(*args: str, stdin: str | None = None):
        return CliRunner().invoke(
            cli, [f"--config-dir={tmp_path / 'config'}", *args], input=stdin
        )

    return run


def _listed(run) -> list[dict[str, Any]]:
    result = run("registry", "list", "--json")
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.output)
    return listed


def _refused(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"error: {message}" in result.output
    assert "Traceback" not in result.output


def test_add_with_the_owner_key_pins_it(run, registry):
    """--key: no question asked; the entry lists key, serial and time."""
    key = registry.owner_key

    added = run(
        "registry", "add", "team", str(registry.root), "--key", key.text
    )

    assert added.exit_code == 0, added.output
    assert added.output == (
        f"added registry team (folder {registry.root}): serial 1, "
        f"1 plugin, owner key {key.key_id}\n"
    )
    (entry,) = _listed(run)
    assert entry["name"] == "team"
    assert entry["location"] == str(registry.root)
    assert entry["owner_key_id"] == key.key_id
    assert entry["owner_key"] == key.text
    assert entry["serial"] == 1
    assert entry["added_at"].endswith("+00:00")


def test_add_without_a_key_shows_the_fingerprint_and_asks(run, registry):
    """Trust on first use: the user sees the fingerprint and says yes."""
    added = run("registry", "add", "team", str(registry.root), stdin="y\n")

    assert added.exit_code == 0, added.output
    assert registry.owner_key.fingerprint in added.output
    assert "serial 1, 1 plugin, signed until" in added.output
    assert "calls itself: test" in added.output
    assert [e["owner_key"] for e in _listed(run)] == [registry.owner_key.text]


@pytest.mark.parametrize("answer", ["n\n", "", "\n"])
def test_declining_the_key_adds_nothing(run, registry, answer):
    """No, an empty answer, or no answer at all: nothing is added."""
    declined = run("registry", "add", "team", str(registry.root), stdin=answer)

    _refused(declined, "registry 'team' not added")
    assert _listed(run) == []


def test_yes_accepts_the_key_for_scripts(run, registry):
    """--yes adds without asking."""
    added = run("registry", "add", "team", str(registry.root), "--yes")

    assert added.exit_code == 0, added.output
    assert "Trust this key?" not in added.output
    assert len(_listed(run)) == 1


def test_an_index_signed_by_another_key_is_refused(run, registry):
    """--key names a key the index is not signed by: nothing added."""
    other = PublicKey.of(Ed25519PrivateKey.generate())

    refused = run(
        "registry", "add", "team", str(registry.root), "--key", other.text
    )

    _refused(refused, f"registry 'team' ({registry.root}): signed by key")
    assert _listed(run) == []


def test_later_indexes_must_keep_the_pinned_key(run, registry):
    """The pinned key and serial are what the client checks afterwards."""
    run("registry", "add", "team", str(registry.root), "--yes")
    old = (registry.root / "index.json").read_bytes()
    registry.seal()
    registries = Registries(
        registry.root.parent / "config" / "registries.json"
    )
    assert registries.client("team").index().index.serial == 2
    (registry.root / "index.json").write_bytes(old)
    with pytest.raises(StaleIndexError, match="older than serial 2"):
        registries.client("team").index(refresh=True)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("nowhere", "no such folder"),
        (".", "no index.json; is this a registry?"),
    ],
)
def test_a_location_that_is_not_a_registry_is_refused(
    run, tmp_path, monkeypatch, location, message
):
    """A missing folder, or one without an index, adds nothing."""
    monkeypatch.chdir(tmp_path)

    refused = run("registry", "add", "team", location, "--yes")

    _refused(refused, "")
    assert message in refused.output
    assert _listed(run) == []


def test_an_unreachable_url_is_refused(run):
    """Nothing listening: one line naming the URL."""
    base = f"http://127.0.0.1:{free_port()}"

    refused = run("registry", "add", "team", base, "--yes")

    _refused(refused, f"{base}/index.json: cannot connect")
    assert _listed(run) == []


def test_an_expired_index_is_refused(run, registry):
    """A registry whose owner stopped signing is not added."""
    registry.seal(expires_at=later(-1))

    refused = run("registry", "add", "team", str(registry.root), "--yes")

    _refused(refused, "")
    assert "expired" in refused.output
    assert _listed(run) == []


def test_a_registry_over_plain_http_warns_without_a_key(run, registry):
    """Trust on first use over plain HTTP is flagged as such."""
    with Server(registry.root).running() as server:
        added = run("registry", "add", "web", server.url, "--yes")
        pinned = run(
            "registry",
            "add",
            "pinned",
            server.url + "/",
            "--key",
            registry.owner_key.text,
        )

    assert added.exit_code == 0, added.output
    assert "warning: plain HTTP" in added.output
    assert f"(URL {server.url})" in added.output
    assert "warning" not in pinned.output
    assert [e["location"] for e in _listed(run)] == [server.url] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Team", "."], "invalid registry name 'Team'"),
        (["team", ".", "--key", "ed25519:AAAA"], "not an ed25519 public key"),
    ],
)
def test_bad_arguments_are_refused_before_reading(run, args, message):
    """A bad name or key is refused without touching the location."""
    _refused(run("registry", "add", *args), message)
    assert _listed(run) == []


def test_a_name_is_added_once(run, registry):
    """Adding a taken name is refused and keeps the first."""
    run("registry", "add", "team", str(registry.root), "--yes")

    refused = run("registry", "add", "team", str(registry.root), "--yes")

    _refused(refused, "a registry called 'team' is already added")
    assert len(_listed(run)) == 1


def test_remove_forgets_the_registry(run, registry):
    """Removed, it is gone from the list; an unknown name is an error."""
    run("registry", "add", "team", str(registry.root), "--yes")

    removed = run("registry", "remove", "team")
    again = run("registry", "remove", "team")

    assert removed.output == f"removed registry team ({registry.root})\n"
    assert _listed(run) == []
    _refused(again, "no registry called 'team' (added: none yet)")


def test_list_shows_a_table_or_says_there_is_none(run, registry):
    """The human list names each registry; an empty one says how to add."""
    empty = run("registry", "list")
    run("registry", "add", "team", str(registry.root), "--yes")

    listed = run("registry", "list")

    assert "no registries added" in empty.output
    assert "team" in listed.output
    assert registry.owner_key.key_id in listed.output


def test_a_damaged_registries_file_is_one_error(run, tmp_path):
    """A hand-edited file is named, with no traceback."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "registries.json").write_text('{"registries": []}')

    _refused(run("registry", "list"), "")
    assert "'registries' must be an object" in run("registry", "list").output


def test_the_registries_file_lives_in_the_config_folder(tmp_path, registry):
    """ACC_PLUGINS_CONFIG_DIR chooses the folder, as for config.toml."""
    folder = tmp_path / "elsewhere"

    CliRunner().invoke(
        cli,
        ["registry", "add", "team", str(registry.root), "--yes"],
        env={"ACC_PLUGINS_CONFIG_DIR": str(folder)},
    )

    assert (
        "team"
        in json.loads((folder / "registries.json").read_text())["registries"]
    )


def test_a_password_in_the_url_is_kept_but_never_printed(run, registry):
    """The stored URL keeps its credentials; the output hides them."""
    with Server(registry.root).running() as server:
        port = server.server_address[1]
        url = f"http://me:s3cret@127.0.0.1:{port}"
        added = run("registry", "add", "private", url, "--yes")

    listed = run("registry", "list", "--json")
    config = run("registry", "list")

    assert added.exit_code == 0, added.output
    for output in (added.output, listed.output, config.output):
        assert "s3cret" not in output
    assert f"me:***@127.0.0.1:{port}" in listed.output
    registries = Registries(
        registry.root.parent / "config" / "registries.json"
    )
    assert registries.get("private").location == url
