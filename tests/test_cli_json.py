"""
``--json`` on every command that prints a result, and ``Example:`` in
every command's help: scripts read the same facts people see, and a
newcomer sees how each command is typed.
"""

import json
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Commands that print no result of their own: the demo shows a story, dev
# is an interactive loop.
# demo and dev print as they go; mcp speaks the protocol on stdout.
NO_JSON = {"demo", "dev", "mcp"}


def _leaves(group, path=()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _leaves(command, (*path, name))
        else:
            yield (*path, name), command


def _commands():
    return list(_leaves(cli))


@pytest.mark.parametrize(
    ("path", "command"),
    _commands(),
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_every_command_shows_an_example(path, command):
    """`--help` of each command ends with how to type it."""
    result = CliRunner().invoke(cli, [*path, "--help"])

    assert result.exit_code == 0, result.output
    assert re.search(
        r"Examples?:\n\s+(acc-plugins |ACC_PLUGINS_\w+=\S+ acc-plugins )",
        result.output,
    ), " ".join(path)


@pytest.mark.parametrize(
    ("path", "command"),
    [(p, c) for p, c in _commands() if p[-1] not in NO_JSON],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_every_command_with_a_result_takes_json(path, command):
    """--json means output, the same flag on every command."""
    flags = {
        opt: param
        for param in command.params
        for opt in getattr(param, "opts", [])
    }

    assert "--json" in flags, " ".join(path)
    assert flags["--json"].is_flag


@pytest.fixture(name="run")
def _run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACC_PLUGINS_KEY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ACC_PLUGINS_PATH", raising=False)
    plugins = tmp_path / "plugins"
    plugins.mkdir()

    def run(*args, input=None):  # noqa: A002 -- click's name
        result = CliRunner().invoke(
            cli,
            [
                f"--data-dir={tmp_path / 'data'}",
                f"--config-dir={tmp_path / 'config'}",
                f"--cache-dir={tmp_path / 'cache'}",
                f"--path={plugins}",
                *args,
                "--json",
            ],
            input=input,
        )
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return json.loads(result.stdout)

    return run


def test_the_owners_round_in_json(run, tmp_path):
    """Keys, registry, publish, review, report, yank, site: each --json
    result names what the command did."""
    key = run("keys", "generate", "me")
    assert run("keys", "export", "me") == key
    assert key["name"] == "me"
    assert key["public_key"].startswith("ed25519:")

    made = run("registry", "init", "reg", "--name", "Team", "--key", "me")
    assert made["key_id"] == key["key_id"]
    assert made["serial"] >= 1

    run(
        "publish",
        str(EXAMPLES / "text-tools"),
        "--registry",
        "reg",
        "--key",
        "me",
    )
    added = run("registry", "add", "team", str(tmp_path / "reg"), "--yes")
    assert (added["name"], added["plugins"]) == ("team", 1)
    assert added["owner_key_id"] == key["key_id"]

    reviewed = run(
        "review",
        "text-tools",
        "--stars",
        "5",
        "--comment",
        "Good.",
        "--registry",
        "reg",
        "--key",
        "me",
    )
    assert reviewed == {
        "name": "text-tools",
        "stars": 5,
        "reviewer": "me",
        "replaced": False,
        "rating_updated": True,
    }
    reported = run(
        "report",
        "text-tools",
        "--reason",
        "slow",
        "--registry",
        "reg",
        "--as",
        "ada",
    )
    assert reported == {
        "name": "text-tools",
        "reason": "slow",
        "reporter": "ada",
    }

    published = json.loads((tmp_path / "reg" / "index.json").read_text())
    (only,) = published["signed"]["plugins"]["text-tools"]["versions"]
    yanked = run(
        "yank", f"text-tools=={only}", "--registry", "reg", "--reason", "bad"
    )
    assert yanked == {
        "name": "text-tools",
        "version": only,
        "yanked": True,
        "reason": "bad",
    }
    back = run("yank", f"text-tools=={only}", "--registry", "reg", "--undo")
    assert back["yanked"] is False

    refreshed = run("registry", "refresh", "reg")
    assert refreshed["serial"] > made["serial"]
    assert refreshed["reviews_not_counted"] == []

    site = run("site", "team", "--out", str(tmp_path / "site"))
    assert site == {"out": str(tmp_path / "site"), "plugins": 1}

    trusted = run("keys", "trust", key["public_key"], "--name", "Me")
    assert (trusted["key_id"], trusted["added"]) == (key["key_id"], True)
    assert run("keys", "untrust", key["key_id"])["key_id"] == key["key_id"]

    removed = run("registry", "remove", "team")
    assert removed["name"] == "team"


def test_a_users_settings_grants_and_flags_in_json(run, tmp_path):
    """config, enable/disable, permissions, storage, lock, audit verify,
    new: --json on each, and the facts match what a later read shows."""
    shutil.copytree(
        EXAMPLES / "text-tools", tmp_path / "plugins" / "text-tools"
    )
    settings = run("config", "list", "text-tools")
    key, entry = next(iter(settings.items()))

    got = run("config", "get", "text-tools", key)
    assert got == {"plugin": "text-tools", "key": key, **entry}

    disabled = run("disable", "text-tools", "--yes")
    assert disabled == {
        "name": "text-tools",
        "enabled": False,
        "project": False,
        "stopped": [],
    }
    assert run("enable", "text-tools")["enabled"] is True

    exported = run("config", "export", "-o", str(tmp_path / "setup.toml"))
    assert exported["path"] == str(tmp_path / "setup.toml")
    assert (tmp_path / "setup.toml").read_text() == exported["text"]
    imported = run("config", "import", str(tmp_path / "setup.toml"))
    assert imported == {"file": str(tmp_path / "setup.toml"), "warnings": []}

    cleared = run("storage", "clear", "text-tools", "--yes")
    assert cleared == {"plugin": "text-tools", "removed": 0}

    locked = run("lock", "--file", str(tmp_path / "acc-plugins.lock"))
    assert locked["plugins"] == ["text-tools"]

    verified = run("audit", "verify")
    assert verified["ok"] is True

    made = run(
        "new",
        "word-tools",
        "--template",
        "tool",
        "--output-dir",
        str(tmp_path / "new"),
    )
    assert made["template"] == "tool"
    assert "plugin.toml" in made["files"]
    assert (Path(made["path"]) / "plugin.toml").is_file()


def test_grant_and_revoke_report_the_permissions_after(run, tmp_path):
    """permissions grant/revoke --json: what changed and the table after."""
    shutil.copytree(
        EXAMPLES / "code-reviewer", tmp_path / "plugins" / "code-reviewer"
    )
    before = run("permissions", "show", "code-reviewer")
    wanted = before["requested"][0]

    revoked = run("permissions", "revoke", "code-reviewer", wanted)
    assert revoked["revoked"] == [wanted]
    assert wanted not in revoked["permissions"]["granted"]

    granted = run("permissions", "grant", "code-reviewer", wanted)
    assert granted["granted"] == [wanted]
    assert wanted in granted["permissions"]["granted"]
