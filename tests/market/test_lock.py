"""
The team lockfile: ``lock`` pins the install root, ``sync`` installs
exactly that on another machine, refuses other bytes than the lock's,
and ``--exact`` removes the rest.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.market._installkit import (
    RegistryKit,
    add_registry,
    fingerprint,
    plugin_folder,
    run_cli,
)

from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.market._lockfile import (
    LockedPlugin,
    LockFileError,
    plan_sync,
    read_lock,
)


PERMS = ("net:https://a.example", "env:HOME")


def run(home, root, *args, stdin=None):
    return run_cli(home, *args, root=root, stdin=stdin)


@pytest.fixture(name="kit")
def _kit(tmp_path):
    kit = RegistryKit(tmp_path / "registry")
    kit.publish(
        plugin_folder(tmp_path, permissions=PERMS, settings={"width": "int"})
    )
    kit.publish(plugin_folder(tmp_path, name="other"))
    return kit


@pytest.fixture(name="locked")
def _locked(tmp_path, kit):
    """Alice installs demo (granting one of its two permissions), sets a
    setting, and locks."""
    alice = tmp_path / "alice"
    add_registry(alice / "config", kit)
    root = alice / "plugins"
    grant = ["--grant", "net:https://a.example"]
    assert run(alice, root, "install", "demo", *grant).exit_code == 0
    assert (
        run(alice, root, "config", "set", "demo", "width", "7").exit_code == 0
    )
    lock = tmp_path / "acc-plugins.lock"
    result = run(alice, root, "lock", "--file", str(lock))
    assert result.exit_code == 0, result.output
    return lock


def test_the_lock_pins_bytes_grants_and_settings(locked, kit):
    text = locked.read_text()
    pins = read_lock(text, where="lock")
    demo = pins["demo"]
    assert demo.version == "1.0.0"
    assert demo.sha256 == kit.plugins["demo"]["1.0.0"].sha256
    assert demo.source == "registry:main"
    assert demo.grants == ("net:https://a.example",)
    assert demo.config["settings"] == {"width": 7}
    assert text.endswith("\n")


def test_sync_installs_exactly_what_was_reviewed(tmp_path, kit, locked):
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    result = run(bob, root, "sync", "--file", str(locked), "--yes")
    assert result.exit_code == 0, result.output
    assert "NOT granted" in result.output  # env:HOME, as on Alice's machine
    assert (root / "demo" / "plugin.toml").is_file()
    store = GrantStore(bob / "data" / "grants.json")
    assert store.granted("demo") == frozenset({"net:https://a.example"})
    assert "width = 7" in (bob / "config" / "config.toml").read_text()
    again = run(bob, root, "sync", "--file", str(locked), "--yes")
    assert "everything matches the lock and the policy" in again.output


def test_a_registry_serving_other_bytes_is_refused(tmp_path, kit, locked):
    # The registry's owner re-publishes demo 1.0.0 with other code.
    kit.publish(
        plugin_folder(
            tmp_path / "evil", permissions=PERMS, extra="    x = 1\n"
        )
    )
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    root.mkdir(parents=True)
    before = fingerprint(root)
    result = run(bob, root, "sync", "--file", str(locked), "--yes")
    assert result.exit_code == 1
    assert "refusing other code than the team reviewed" in result.output
    assert fingerprint(root) == before
    assert GrantStore(bob / "data" / "grants.json").granted("demo") is None


def test_declining_the_grants_changes_nothing(tmp_path, kit, locked):
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    result = run(bob, root, "sync", "--file", str(locked), stdin="n\n")
    assert result.exit_code == 1
    assert not (root / "demo").exists()


def test_exact_removes_what_the_lock_does_not_name(tmp_path, kit, locked):
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    assert run(bob, root, "install", "other", "--yes").exit_code == 0
    plain = run(bob, root, "sync", "--file", str(locked), "--yes")
    assert plain.exit_code == 0
    assert (root / "other").exists()
    result = run(
        bob, root, "sync", "--file", str(locked), "--exact", "--yes", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["removed"] == ["other"]
    assert not (root / "other").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[plugins.x]\nversion = 1\n", "plugins.x.version: missing, or not"),
        (
            '[plugins.x]\nversion = "1"\nsha256 = "ab"\nsource = "local"\n',
            "64 lowercase hex",
        ),
        (
            '[plugins.x]\nversion = "1"\nsha256 = "'
            + "a" * 64
            + '"\nsource = "ftp:x"\n',
            "plugins.x.source",
        ),
        (
            '[plugins.x]\nversion = "1"\nsha256 = "'
            + "a" * 64
            + '"\nsource = "local"\nextra = 1\n',
            "plugins.x.extra: unknown key",
        ),
        ("[other]\n", "other: unknown table"),
        ("plugins = 3\n", "plugins: must be a table"),
        ("[plugins\n", "not valid TOML"),
    ],
)
def test_a_bad_lock_is_one_error_naming_the_key(text, problem):
    with pytest.raises(
        LockFileError, match="lock: not a valid lockfile"
    ) as caught:
        read_lock(text, where="lock")
    assert any(problem in line for line in caught.value.problems)


def test_a_bad_lock_changes_nothing_through_the_cli(tmp_path, kit):
    bob = tmp_path / "bob"
    lock = tmp_path / "bad.lock"
    lock.write_text("[plugins.x]\nversion = 1\n")
    result = run(bob, bob / "plugins", "sync", "--file", str(lock), "--yes")
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert not (bob / "plugins" / "x").exists()


_NAMES = st.sampled_from(["a", "b", "c", "d"])
_PIN = st.tuples(
    st.sampled_from(["1.0", "2.0"]), st.sampled_from(["0" * 64, "1" * 64])
)


@given(
    lock=st.dictionaries(_NAMES, st.tuples(_PIN, st.booleans())),
    installed=st.dictionaries(_NAMES, _PIN),
    exact=st.booleans(),
)
def test_the_plan_makes_the_installed_set_match(lock, installed, exact):
    pins = {
        name: LockedPlugin(name, v, s, "registry:r" if reg else "local")
        for name, ((v, s), reg) in lock.items()
    }
    plan = plan_sync(pins, installed, exact=exact)
    after = dict(installed)
    for locked in plan.install:
        after[locked.name] = (locked.version, locked.sha256)
    for name in plan.remove:
        del after[name]
    for name, locked in pins.items():
        matches = after.get(name) == (locked.version, locked.sha256)
        assert matches or locked in plan.missing_local
        assert (name in plan.keep) == (
            installed.get(name) == (locked.version, locked.sha256)
        )
    if exact:
        assert set(after) <= set(pins)
    else:
        assert set(installed) <= set(after)


def _policy(tmp_path, text):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def test_sync_installs_what_the_policy_requires_and_recommends(tmp_path, kit):
    policy = _policy(
        tmp_path, '[plugins]\nrequired = ["demo"]\nrecommended = ["other"]\n'
    )
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    where = ["--policy", str(policy)]
    project = tmp_path / "empty-project"
    project.mkdir()
    lock = project / "acc-plugins.lock"  # absent: only the policy's plugins
    first = run(bob, root, *where, "sync", "--yes")
    assert first.exit_code == 0, first.output
    assert (root / "demo").is_dir()
    assert (root / "other").is_dir()
    # Granted what it asks for: the administrator chose it.
    store = GrantStore(bob / "data" / "grants.json")
    assert store.granted("demo") == frozenset(PERMS)
    # A recommendation the user removed stays removed; a requirement
    # cannot be removed at all.
    assert run(bob, root, *where, "uninstall", "other").exit_code == 0
    refused = run(bob, root, *where, "uninstall", "demo")
    assert refused.exit_code == 1
    again = run(bob, root, *where, "sync", "--yes")
    assert again.exit_code == 0, again.output
    assert not (root / "other").exists()
    assert "everything matches" in again.output
    assert not lock.exists()


def test_a_required_plugin_too_old_is_brought_up_to_date(tmp_path, kit):
    bob = tmp_path / "bob"
    add_registry(bob / "config", kit)
    root = bob / "plugins"
    assert run(bob, root, "install", "demo", "--yes").exit_code == 0
    kit.publish(
        plugin_folder(tmp_path / "v2", version="2.0.0", permissions=PERMS)
    )
    policy = _policy(tmp_path, '[plugins]\nrequired = ["demo>=2"]\n')
    result = run(bob, root, "--policy", str(policy), "sync", "--yes")
    assert result.exit_code == 0, result.output
    assert "installed demo 2.0.0" in result.output
