"""
The install commands as a user meets them: what is shown, what is
asked, what --yes and --grant grant, refusals, JSON output, update
diffs, outdated, uninstall --purge and rollback.
"""

import json

import pytest
from tests.market._installkit import (
    RegistryKit,
    add_registry,
    fingerprint,
    plugin_folder,
    run_cli,
)

from acc_plugins.host.config._config import ConfigFile, SecretStore
from acc_plugins.host.gate._consent import GrantStore


PERMS = ("net:https://a.example", "env:HOME")


@pytest.fixture(name="home")
def _home(tmp_path):
    return tmp_path / "home"


@pytest.fixture(name="kit")
def _kit(tmp_path, home):
    kit = RegistryKit(tmp_path / "registry")
    kit.publish(plugin_folder(tmp_path, permissions=PERMS))
    add_registry(home / "config", kit)
    return kit


def run(home, *args, stdin=None):
    return run_cli(home, *args, stdin=stdin)


def granted(home, name="demo"):
    return GrantStore(home / "data" / "grants.json").granted(name)


def test_install_shows_permissions_in_words_and_asks(home, kit):
    """The prompt lists each permission in plain words; yes installs."""
    result = run(home, "install", "demo", stdin="y\n")

    assert result.exit_code == 0, result.output
    assert (
        "connect to a.example over HTTPS (net:https://a.example)"
        in result.output
    )
    assert "read the environment variable HOME" in result.output
    assert "verified (key " in result.output
    assert "Grant demo the 2 permissions above?" in result.output
    assert granted(home) == set(PERMS)


def test_refusing_the_prompt_installs_nothing(home, kit):
    """Saying no leaves no plugin, no grant, exit status 1."""
    result = run(home, "install", "demo", stdin="n\n")

    assert result.exit_code == 1
    assert (
        "error: permissions for demo refused: nothing was installed"
        in result.output
    )
    assert not (home / "plugins" / "demo").exists()
    assert granted(home) is None


def test_no_answer_in_a_script_installs_nothing(home, kit):
    """Without a terminal answer (EOF) nothing is installed."""
    result = run(home, "install", "demo", stdin="")

    assert result.exit_code == 1
    assert "use --yes or --grant" in result.output
    assert not (home / "plugins" / "demo").exists()


def test_grant_grants_only_those(home, kit):
    """--grant grants only what it names, and the rest is reported."""
    result = run(home, "install", "demo", "--grant", "env:HOME")

    assert result.exit_code == 0, result.output
    assert granted(home) == {"env:HOME"}
    assert "not granted: net:https://a.example" in result.output


def test_grant_of_something_not_asked_for_is_an_error(home, kit):
    """A --grant the plugin does not ask for is refused before anything."""
    result = run(home, "install", "demo", "--grant", "env:PATH")

    assert result.exit_code == 1
    assert "error: --grant env:PATH: not asked for by demo" in result.output
    assert (
        not (home / "plugins").exists()
        or fingerprint(home / "plugins").get("demo") is None
    )


def test_install_json(home, kit):
    """--json prints each install's result."""
    result = run(home, "install", "demo", "--yes", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == [
        {
            "name": "demo",
            "version": "1.0.0",
            "replaced": None,
            "source": "registry:main",
            "trust": "verified",
            "sha256": kit.plugins["demo"]["1.0.0"].sha256,
            "granted": sorted(PERMS),
            "ungranted": [],
            "healthy": None,
            "policy_warnings": [],
        }
    ]


def test_unvouched_publisher_is_shown_as_signed_not_verified(
    home, kit, tmp_path
):
    """A publisher the owner does not vouch for is 'signed', and said so."""
    kit.vouched = False
    kit.seal()

    result = run(home, "install", "demo", "--yes")

    assert result.exit_code == 0, result.output
    assert (
        "which neither the registry's owner nor you vouch for" in result.output
    )
    assert "(signed)" in result.output


def test_local_folder_is_unsigned(home, tmp_path):
    """A folder installs as unsigned, and the output says so."""
    folder = plugin_folder(tmp_path / "local")

    result = run(home, "install", str(folder), "--yes")

    assert result.exit_code == 0, result.output
    assert "unsigned: a local folder or archive" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["install", "Demo"], "plugin names are lowercase"),
        (["install", "demo>>1"], "invalid requirement 'demo>>1'"),
        (["install", "./nowhere"], "no such plugin folder"),
        (["install", "ghost"], "no registry has a plugin called 'ghost'"),
        (["install", "demo>=5"], "no version of demo can be installed"),
        (
            ["install", "demo", "--registry", "nope"],
            "no registry called 'nope'",
        ),
        (["update"], "name the plugins to update, or give --all"),
        (["update", "demo"], "demo is not installed"),
        (["uninstall", "demo"], "demo is not installed"),
        (["rollback", "demo"], "no previous version of demo"),
    ],
)
def test_bad_input_is_one_error_line(home, kit, args, message):
    """Each bad input is one error line, exit 1, nothing written."""
    result = run(home, *args)

    assert result.exit_code == 1, result.output
    lines = [
        line
        for line in result.output.splitlines()
        if line.startswith("error:")
    ]
    assert len(lines) == 1
    assert message in lines[0]
    assert not (home / "plugins" / "demo").exists()


def test_update_shows_the_diff_and_asks_for_new_permissions(
    home, kit, tmp_path
):
    """An update lists what changes and asks only for the new permission."""
    assert run(home, "install", "demo", "--yes").exit_code == 0
    kit.publish(
        plugin_folder(
            tmp_path / "v2",
            version="2.0.0",
            permissions=("net:https://b.example", "env:HOME"),
            settings={"colour": "str"},
            health="True",
        ),
        tools=("ping", "pong"),
    )

    outdated = run(home, "outdated", "--json")
    result = run(home, "update", "demo", stdin="y\n")

    assert json.loads(outdated.stdout)[0]["new_permissions"] == [
        "net:https://b.example"
    ]
    assert result.exit_code == 0, result.output
    assert (
        "widened permission: connect to b.example over HTTPS" in result.output
    )
    assert "new tool: pong" in result.output
    assert "new setting: colour" in result.output
    assert "Grant demo the 1 permission above?" in result.output
    assert "updated demo 1.0.0 -> 2.0.0" in result.output
    assert granted(home) == {*PERMS, "net:https://b.example"}


def test_update_refused_keeps_everything(home, kit, tmp_path):
    """Saying no to an update's new permission changes nothing."""
    assert run(home, "install", "demo", "--yes").exit_code == 0
    before = fingerprint(home / "plugins")
    kit.publish(
        plugin_folder(
            tmp_path / "v2", version="2.0.0", permissions=("env:USER",)
        )
    )

    result = run(home, "update", "--all", stdin="n\n")

    assert result.exit_code == 1
    assert fingerprint(home / "plugins") == before
    assert granted(home) == set(PERMS)


def test_update_failing_its_health_check_is_rolled_back(home, kit, tmp_path):
    """An unhealthy update exits 1 saying why, the old version stays."""
    assert run(home, "install", "demo", "--yes").exit_code == 0
    before = fingerprint(home / "plugins")
    kit.publish(
        plugin_folder(
            tmp_path / "v2", version="2.0.0", health="False", permissions=PERMS
        )
    )

    result = run(home, "update", "demo", "--yes")

    assert result.exit_code == 1
    assert (
        "error: demo 2.0.0 was not kept: its health check returned False; the previous version is restored"
        in result.output
    )
    assert fingerprint(home / "plugins") == before


def test_everything_up_to_date(home, kit):
    """update --all and outdated say when there is nothing newer."""
    assert run(home, "install", "demo", "--yes").exit_code == 0

    assert "everything is up to date" in run(home, "update", "--all").output
    assert json.loads(run(home, "outdated", "--json").stdout) == []


def test_rollback_and_uninstall_purge(home, kit, tmp_path):
    """Rollback swaps versions; uninstall --purge drops grants, settings and secrets."""
    assert run(home, "install", "demo", "--yes").exit_code == 0
    kit.publish(
        plugin_folder(
            tmp_path / "v2",
            version="2.0.0",
            permissions=PERMS,
            settings={"colour": "str"},
        )
    )
    assert run(home, "update", "demo", "--yes").exit_code == 0
    config = ConfigFile(home / "config" / "config.toml")
    config.change("demo", settings={"colour": "blue"})
    SecretStore(home / "data" / "secrets.json").put("demo", "token", "s3cret")

    rolled = run(home, "rollback", "demo")
    removed = run(home, "uninstall", "demo", "--purge", "--json")

    assert rolled.exit_code == 0, rolled.output
    assert (
        "rolled back demo to 1.0.0 (2.0.0 is kept as the previous version)"
        in rolled.output
    )
    assert removed.exit_code == 0, removed.output
    assert json.loads(removed.stdout) == {
        "name": "demo",
        "version": "1.0.0",
        "kept_previous": False,
        "purged": {
            "grants": sorted(PERMS),
            "stored_keys": 0,
            "settings": ["colour"],
            "secrets": ["token"],
        },
    }
    assert granted(home) is None
    assert "demo" not in config.raw().get("plugins", {})
    assert SecretStore(home / "data" / "secrets.json").secrets("demo") == {}
    assert sorted(p.name for p in (home / "plugins").iterdir()) == [
        ".acc-install.lock",
        ".acc-previous",
        ".acc-staging",
    ]


def test_uninstall_of_a_dependency_names_who_needs_it(home, kit, tmp_path):
    """A needed plugin is not uninstalled without --force."""
    kit.publish(
        plugin_folder(tmp_path / "app", "app", dependencies={"demo": ">=1"})
    )
    assert run(home, "install", "app", "--yes").exit_code == 0

    refused = run(home, "uninstall", "demo")
    forced = run(home, "uninstall", "demo", "--force")

    assert refused.exit_code == 1
    assert (
        "error: demo is needed by app; uninstall those first, or use --force"
        in refused.output
    )
    assert forced.exit_code == 0, forced.output


SHOUT = '''
    @tool
    def shout(self) -> str:
        """Shout."""
        return "HI"
'''


def test_local_update_reports_tools_once_loaded(home, tmp_path):
    """A folder's update names the tools it adds, from the health check's load."""
    assert (
        run(
            home, "install", str(plugin_folder(tmp_path / "a")), "--yes"
        ).exit_code
        == 0
    )
    newer = plugin_folder(tmp_path / "b", version="1.1.0", extra=SHOUT)

    result = run(home, "install", str(newer), "--yes")

    assert result.exit_code == 0, result.output
    assert "  new tool: shout" in result.output
    assert "updated demo 1.0.0 -> 1.1.0 (unsigned)" in result.output


def test_a_local_plugin_s_dependencies_come_from_the_registry(
    home, kit, tmp_path
):
    """A folder that needs a registry plugin brings it along."""
    app = plugin_folder(tmp_path / "app", "app", dependencies={"demo": ">=1"})

    result = run(home, "install", str(app), "--yes")

    assert result.exit_code == 0, result.output
    assert "installed demo 1.0.0 (verified)" in result.output
    assert "installed app 1.0.0 (unsigned)" in result.output


def test_a_local_plugin_s_missing_dependency_is_one_error(home, tmp_path):
    """Without a registry that has it, the dependency is named, nothing installed."""
    app = plugin_folder(tmp_path / "app", "app", dependencies={"ghost": ">=2"})

    result = run(home, "install", str(app), "--yes")

    assert result.exit_code == 1
    assert "error: no registry has a plugin called 'ghost'" in result.output
    assert not (home / "plugins" / "app").exists()


def _policy(tmp_path, text):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def test_a_policy_block_refuses_before_asking(home, kit, tmp_path):
    """A blocked publisher is refused with the policy's reason; nothing changes."""
    policy = _policy(tmp_path, '[plugins]\nblock = ["publisher:acme"]\n')

    result = run(home, "--policy", str(policy), "install", "demo", stdin="y\n")

    assert result.exit_code == 1
    assert "Grant demo" not in result.output
    assert f"error: demo: blocked by policy {policy}" in result.output
    assert "publisher:acme" in result.output
    assert not (home / "plugins" / "demo").exists()
    assert granted(home) is None


def test_a_report_only_policy_installs_and_warns(home, kit, tmp_path):
    """Report-only: the plugin installs and the output says what would block."""
    policy = _policy(
        tmp_path,
        'mode = "report-only"\n[signatures]\nrequire = "verified"\n',
    )
    folder = plugin_folder(tmp_path / "local")

    result = run(
        home, "--policy", str(policy), "install", str(folder), "--yes"
    )

    assert result.exit_code == 0, result.output
    assert "warning: demo: would be blocked by policy" in result.output


def test_a_required_plugin_cannot_be_uninstalled(home, kit, tmp_path):
    """The policy's required plugin is refused by uninstall."""
    assert run(home, "install", "demo", "--yes").exit_code == 0
    policy = _policy(tmp_path, '[plugins]\nrequired = ["demo"]\n')

    result = run(home, "--policy", str(policy), "uninstall", "demo")

    assert result.exit_code == 1
    assert "cannot be disabled or uninstalled" in result.output
    assert (home / "plugins" / "demo").is_dir()
