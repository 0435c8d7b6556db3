"""
``acc-plugins registry init/refresh/publisher/reports``, ``publish``,
``yank``, ``review`` and ``report`` end to end: each refusal is one
``error:`` line, exit 1, and the registry unchanged.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli

from ._owned import EXAMPLES, plugin_copy, tree_hash


@pytest.fixture(name="run")
def _run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACC_PLUGINS_KEY_PASSPHRASE", raising=False)

    def run(*args, env=None, input=None):  # noqa: A002 -- click's name
        return CliRunner().invoke(
            cli,
            [f"--data-dir={tmp_path / 'data'}", *args],
            env=env,
            input=input,
        )

    return run


@pytest.fixture(name="registry")
def _registry(run, tmp_path):
    run("keys", "generate", "me")
    result = run("registry", "init", "reg", "--name", "Team", "--key", "me")
    assert result.exit_code == 0, result.output
    return tmp_path / "reg"


def _publish(run, *more):
    return run(
        "publish",
        str(EXAMPLES / "text-tools"),
        "--registry",
        "reg",
        "--key",
        "me",
        *more,
    )


def test_init_publish_yank_review_report_refresh(run, registry):
    """The owner's whole round, as a user types it."""
    published = _publish(run)
    yanked = run(
        "yank", "text-tools==1.2.0", "--registry", "reg", "--reason", "bad"
    )
    reviewed = run(
        "review",
        "text-tools",
        "--stars",
        "4",
        "--comment",
        "Good.",
        "--registry",
        "reg",
        "--key",
        "me",
    )
    reported = run(
        "report",
        "text-tools",
        "--reason",
        "phones home",
        "--registry",
        "reg",
        "--as",
        "Bob",
    )
    listed = run("registry", "reports", "reg", "--json")
    refreshed = run("registry", "refresh", "reg", "--expires-days", "5")

    assert published.exit_code == 0, published.output
    assert "[8/8] publish: adding text-tools 1.2.0" in published.output
    assert "registered you as publisher 'me'" in published.output
    assert "published text-tools 1.2.0 as me" in published.output
    assert yanked.output == "text-tools 1.2.0 yanked\n"
    assert "the rating in the index is updated (signed again)" in (
        reviewed.output
    )
    assert reported.exit_code == 0
    assert json.loads(listed.output)[0]["reporter"] == "Bob"
    assert "signed again: index serial 5" in refreshed.output
    index = json.loads((registry / "index.json").read_text())["signed"]
    listing = index["plugins"]["text-tools"]
    assert listing["versions"]["1.2.0"]["yanked"] == "bad"
    assert listing["rating"] == {"count": 1, "average": 4.0}
    assert listing["reports"] == 1


def test_a_review_by_someone_without_the_owner_key_waits(run, registry):
    """The rating reaches the index at the owner's next change."""
    _publish(run)
    stranger = registry.parent / "stranger"
    CliRunner().invoke(
        cli, [f"--data-dir={stranger}", "keys", "generate", "x"]
    )

    result = CliRunner().invoke(
        cli,
        [
            f"--data-dir={stranger}",
            "review",
            "text-tools",
            "--stars",
            "2",
            "--comment",
            "Meh.",
            "--registry",
            "reg",
            "--key",
            "x",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "at the owner's next change or refresh" in result.output


def test_publish_json_prints_the_release(run, registry):
    """--json prints the release as the index holds it."""
    result = _publish(run, "--json")

    data = json.loads(result.stdout)
    assert data["name"] == "text-tools"
    assert data["release"]["archive"] == (
        "archives/text-tools/text-tools-1.2.0.accp"
    )


def test_publishers_are_managed_from_the_command_line(run, registry):
    """add, vouch, list, remove."""
    run("keys", "generate", "alice")
    key = run("keys", "export", "alice").output.strip()

    added = run("registry", "publisher", "add", "reg", "alice", key)
    vouched = run("registry", "publisher", "vouch", "reg", "alice")
    listed = run("registry", "publisher", "list", "reg", "--json")
    removed = run("registry", "publisher", "remove", "reg", "alice")

    assert "key " in added.output
    assert "not vouched" in added.output
    assert vouched.output == "vouching for alice\n"
    assert json.loads(listed.output)["alice"]["vouched"] is True
    assert removed.output == "removed alice\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (
                "publish",
                str(EXAMPLES / "hostile"),
                "--registry",
                "reg",
                "--key",
                "me",
            ),
            "error: not published (validate)",
        ),
        (
            ("yank", "text-tools", "--registry", "reg", "--reason", "x"),
            "error: 'text-tools': give NAME==VERSION",
        ),
        (
            ("yank", "text-tools==1.0", "--registry", "reg"),
            "error: give --reason to yank, or --undo",
        ),
        (
            ("yank", "nope==1.0", "--registry", "reg", "--reason", "x"),
            "error: no plugin named 'nope'",
        ),
        (
            (
                "review",
                "nope",
                "--stars",
                "3",
                "--comment",
                "x",
                "--registry",
                "reg",
                "--key",
                "me",
            ),
            "error: no plugin named 'nope'",
        ),
        (
            ("report", "nope", "--reason", "x", "--registry", "reg"),
            "error: no plugin named 'nope'",
        ),
        (
            ("registry", "init", "reg", "--name", "Again", "--key", "me"),
            "error: reg: holds a registry already",
        ),
        (
            ("registry", "publisher", "remove", "reg", "bob"),
            "error: no publisher named 'bob'",
        ),
        (
            ("registry", "reports", "elsewhere"),
            "error: elsewhere: not a registry",
        ),
    ],
)
def test_refusals_are_one_error_line_and_change_nothing(
    run, registry, args, message
):
    """Bad input exits 1 with one error line; the registry is as it was."""
    before = tree_hash(registry)

    result = run(*args)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert tree_hash(registry) == before


def test_an_encrypted_key_takes_its_passphrase_from_the_environment(
    run, tmp_path
):
    """ACC_PLUGINS_KEY_PASSPHRASE unlocks the owner key, for CI."""
    (tmp_path / "pass").write_text("correct horse\n")
    run("keys", "generate", "locked", "--passphrase-file", "pass")
    env = {"ACC_PLUGINS_KEY_PASSPHRASE": "correct horse"}

    made = run(
        "registry", "init", "reg", "--name", "T", "--key", "locked", env=env
    )
    prompted = run("registry", "refresh", "reg", input="correct horse\n")
    wrong = run("registry", "refresh", "reg", input="wrong\n")

    assert made.exit_code == 0, made.output
    assert prompted.exit_code == 0, prompted.output
    assert "passphrase of key 'locked'" in prompted.output
    assert wrong.exit_code == 1
    assert "wrong passphrase" in wrong.output


def test_an_older_index_put_back_is_refused_by_the_owners_next_change(
    run, registry
):
    """The owner remembers the last serial signed, in the data folder."""
    _publish(run)
    old = (registry / "index.json").read_bytes()
    run("yank", "text-tools==1.2.0", "--registry", "reg", "--reason", "bad")
    (registry / "index.json").write_bytes(old)

    result = run("registry", "refresh", "reg")

    assert result.exit_code == 1
    assert "you signed serial 3 last; an older index was put back" in (
        result.output
    )


def test_two_publish_commands_at_once_both_land(tmp_path, run, registry):
    """Two processes publishing at the same moment serialise on the lock."""
    command = shutil.which(
        "acc-plugins", path=str(Path(sys.executable).parent)
    )
    assert command is not None
    sources = []
    for version in ("3.0.0", "3.1.0"):
        folder = plugin_copy(tmp_path, "text-tools", version=version)
        sources.append(folder)
    processes = [
        subprocess.Popen(  # noqa: S603 -- our own console script
            [
                command,
                f"--data-dir={tmp_path / 'data'}",
                "publish",
                str(folder),
                "--registry",
                str(registry),
                "--key",
                "me",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for folder in sources
    ]
    outputs = [p.communicate(timeout=300)[0].decode() for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    index = json.loads((registry / "index.json").read_text())["signed"]
    assert index["serial"] == 3
    assert set(index["plugins"]["text-tools"]["versions"]) == {
        "3.0.0",
        "3.1.0",
    }


def test_refresh_warns_of_reviews_it_does_not_count(run, registry):
    """A forged review is named when the owner signs again."""
    _publish(run)
    run(
        "review",
        "text-tools",
        "--stars",
        "1",
        "--comment",
        "Bad.",
        "--registry",
        "reg",
        "--key",
        "me",
    )
    path = registry / "reviews" / "text-tools.json"
    entries = json.loads(path.read_text())
    entries[0]["stars"] = 5
    path.write_text(json.dumps(entries))

    result = run("registry", "refresh", "reg")

    assert result.exit_code == 0, result.output
    assert "warning: review not counted: reviews/text-tools.json: entry 0" in (
        result.output
    )
    index = json.loads((registry / "index.json").read_text())["signed"]
    assert index["plugins"]["text-tools"]["rating"]["count"] == 0
