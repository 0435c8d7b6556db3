"""
Automatic updates where users meet them: a host's start runs the due
check before it loads anything, the setting comes from config.toml and
the policy wins, an unreachable registry never stops a host, and the
CLI shows the setting, runs the check by hand and lists the audit.
"""

import json
import logging
import shutil
import threading

import pytest
from click.testing import CliRunner
from tests.market._autokit import NET, Home

from acc_plugins.cli import cli
from acc_plugins.errors import ConfigError, PolicyError
from acc_plugins.host import PluginHost
from acc_plugins.host.config._config import ConfigFile
from acc_plugins.host.config._updatesetting import (
    configured_mode,
    update_setting,
)
from acc_plugins.market._autostamp import STAMP
from acc_plugins.security import Policy
from acc_plugins.security._updatemode import UpdateMode


@pytest.fixture(name="home")
def _home(tmp_path):
    home = Home(tmp_path)
    home.publish("1.0.0", permissions=(NET,))
    home.install()
    home.publish("1.0.1", permissions=(NET,))
    return home


def _configure(home, text):
    (home.config / "config.toml").write_text(text)


def _start(home, **options):
    host = PluginHost(
        [home.plugins],
        cache_dir=home.path / "cache",
        data_dir=home.data,
        config_dir=home.config,
        **options,
    )
    host.start()
    try:
        return host.info("demo").version, host.call_tool("demo.ping")
    finally:
        host.stop()


def test_a_host_started_with_patch_loads_the_new_version(home):
    """auto-update = "patch" in config.toml: start() updates, then loads."""
    _configure(home, 'auto-update = "patch"\n')

    version, answer = _start(home)

    assert (str(version), answer) == ("1.0.1", "pong 1.0.1")
    assert (home.plugins / STAMP).is_file()


def test_the_default_is_off_and_touches_nothing(home):
    """Without the setting a host neither updates nor writes a stamp."""
    version, answer = _start(home)

    assert (str(version), answer) == ("1.0.0", "pong 1.0.0")
    assert not (home.plugins / STAMP).exists()


def test_auto_update_false_never_checks(home):
    """A host told auto_update=False ignores the setting."""
    _configure(home, 'auto-update = "any"\n')

    version, _ = _start(home, auto_update=False)

    assert str(version) == "1.0.0"


def test_a_mode_given_to_the_host_is_used(home):
    """PluginHost(auto_update="patch") updates without any setting."""
    version, _ = _start(home, auto_update="patch")

    assert str(version) == "1.0.1"


def test_the_policy_wins_over_the_setting(home, tmp_path):
    """[updates] auto = "off" in the policy beats the user's "any"."""
    _configure(home, 'auto-update = "any"\n')
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text('[updates]\nauto = "off"\n')
    policy = Policy.load(policy_file)

    version, _ = _start(home, policy=policy, auto_update="any")
    setting = update_setting(home.config, policy)

    assert str(version) == "1.0.0"
    assert setting.mode is UpdateMode.OFF
    assert setting.forced
    assert "policy.toml" in setting.via


def test_an_unreachable_registry_does_not_stop_the_host(home, caplog):
    """The registry is gone: a warning, and the host loads what it has."""
    _configure(home, 'auto-update = "any"\n')
    shutil.rmtree(home.kit.root)

    with caplog.at_level(logging.WARNING, "acc_plugins"):
        version, answer = _start(home)

    assert (str(version), answer) == ("1.0.0", "pong 1.0.0")
    assert "could not be read" in caplog.text


def test_a_damaged_registries_file_does_not_stop_the_host(home, caplog):
    """Even registries.json being garbage only warns."""
    _configure(home, 'auto-update = "any"\n')
    (home.config / "registries.json").write_text("{garbage")

    version, _ = _start(home)

    assert str(version) == "1.0.0"
    assert "automatic updates" in caplog.text


@pytest.mark.parametrize("value", ['"weekly"', "1", "true"])
def test_a_bad_setting_reads_as_off_and_is_named(tmp_path, value):
    """A bad auto-update value is off for the host, an error for config."""
    (tmp_path / "config.toml").write_text(f"auto-update = {value}\n")

    setting = configured_mode(tmp_path)

    assert setting.mode is UpdateMode.OFF
    with pytest.raises(ConfigError, match=r"auto-update: .* is not one of"):
        ConfigFile(tmp_path / "config.toml").raw()


def test_a_policy_with_a_bad_mode_is_refused(tmp_path):
    """[updates] auto must be a mode, and only auto is known there."""
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text('[updates]\nauto = "daily"\nwhen = 3\n')

    with pytest.raises(PolicyError) as caught:
        Policy.load(policy_file)

    assert any("updates.auto" in p for p in caught.value.problems)
    assert any("updates.when: unknown key" in p for p in caught.value.problems)


def _cli(home, *args):
    return CliRunner().invoke(
        cli,
        [
            "--path",
            str(home.plugins),
            "--data-dir",
            str(home.data),
            "--config-dir",
            str(home.config),
            *args,
        ],
        catch_exceptions=False,
    )


def test_cli_shows_the_setting(home):
    """auto-update and config auto-update show the mode and its source."""
    _configure(home, 'auto-update = "minor"\n')

    shown = _cli(home, "auto-update")
    config = _cli(home, "config", "auto-update")

    assert shown.exit_code == 0
    assert "auto-update: minor, from auto-update in" in shown.output
    assert "last check: never" in shown.output
    assert config.output == shown.output


def test_cli_now_runs_the_check_and_audits(home):
    """--now updates at once, prints JSON, and audit lists the entry."""
    _configure(home, 'auto-update = "patch"\n')

    result = _cli(home, "auto-update", "--now", "--json")
    listed = _cli(home, "audit", "--kind", "update", "--json")
    verified = _cli(home, "audit", "verify")

    data = json.loads(result.output)
    assert data["ran"]
    assert [(u["name"], u["action"]) for u in data["updates"]] == [
        ("demo", "updated")
    ]
    assert home.version() == "1.0.1"
    assert json.loads(listed.output)[-1]["detail"]["outcome"] == "updated"
    assert verified.exit_code == 0


def test_cli_now_with_off_only_reports(home):
    """--now with the mode off says what is available, installs nothing."""
    result = _cli(home, "auto-update", "--now")

    assert "update available: demo 1.0.0 -> 1.0.1" in result.output
    assert "acc-plugins update demo" in result.output
    assert home.version() == "1.0.0"


def test_the_cli_hosts_run_the_check(home):
    """A CLI command that starts a host (list) runs the due check."""
    _configure(home, 'auto-update = "patch"\n')

    result = _cli(home, "list")

    assert result.exit_code == 0
    assert home.version() == "1.0.1"


def test_concurrent_host_starts_update_once(home):
    """Two hosts starting at once: one updates, both load 1.0.1."""
    _configure(home, 'auto-update = "patch"\n')
    barrier = threading.Barrier(2)
    seen = []

    def start():
        barrier.wait(timeout=60)
        seen.append(_start(home))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert [(str(v), a) for v, a in seen] == [("1.0.1", "pong 1.0.1")] * 2
    assert [d["outcome"] for _, d in home.audit()] == ["updated"]
