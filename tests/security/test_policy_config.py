"""
Which policy is in force (``--policy``, then ``ACC_PLUGINS_POLICY``, then
``policy`` in the user's config.toml), failing closed, and the
``acc-plugins policy show/check`` and ``disable`` commands.
"""

import json

import pytest
from click.testing import CliRunner
from tests.host.test_host import started_host, write_plugin
from tests.security.test_policy_load import PING

from acc_plugins import PluginHost, State
from acc_plugins.cli import cli
from acc_plugins.errors import PolicyError
from acc_plugins.host.config._config import ConfigFile
from acc_plugins.host.config._policypath import (
    POLICY_ENV,
    PolicyLocation,
    locate_policy,
)


BLOCK = '[plugins]\nblock = ["code-*"]\nrequired = ["audit-log"]\n'


@pytest.fixture(name="home")
def _home(tmp_path):
    (tmp_path / "config").mkdir()
    write_plugin(tmp_path / "plugins", "code-evil", PING)
    write_plugin(tmp_path / "plugins", "audit-log", PING)
    (tmp_path / "policy.toml").write_text(BLOCK)
    return tmp_path


def _config(home, text):
    (home / "config" / "config.toml").write_text(text)


def test_the_option_wins_over_the_environment_and_the_config(home):
    _config(home, 'policy = "from-config.toml"\n')
    given = home / "given.toml"
    environ = {POLICY_ENV: str(home / "from-env.toml")}

    chosen = locate_policy(home / "config", given=given, environ=environ)
    by_env = locate_policy(home / "config", environ=environ)
    by_config = locate_policy(home / "config", environ={})

    assert chosen == PolicyLocation(given, "the --policy option")
    assert by_env == PolicyLocation(home / "from-env.toml", POLICY_ENV)
    assert by_config == PolicyLocation(
        home / "config" / "from-config.toml",
        f"policy in {home / 'config' / 'config.toml'}",
    )


def test_no_policy_named_anywhere_is_none(home):
    assert locate_policy(home / "config", environ={}) is None
    _config(home, "[plugins.x]\nenabled = true\n")
    assert locate_policy(home / "config", environ={}) is None


def test_a_config_that_is_not_toml_names_no_policy(home):
    _config(home, 'policy = "x\n')

    assert locate_policy(home / "config", environ={}) is None


@pytest.mark.parametrize("value", ["3", '""', "[]", "{ path = 'x' }"])
def test_a_policy_key_that_is_not_a_path_is_an_error(home, value):
    _config(home, f"policy = {value}\n")

    with pytest.raises(PolicyError, match="policy: must be the path"):
        locate_policy(home / "config", environ={})


def test_a_config_naming_a_policy_is_still_a_valid_config(home):
    _config(home, 'policy = "/etc/acc/policy.toml"\n')
    file = ConfigFile(home / "config" / "config.toml")

    file.change("code-evil", enabled=False)

    assert file.read()["code-evil"].enabled is False
    assert file.path.read_text().startswith('policy = "/etc/acc/policy.toml"')


def test_a_host_enforces_the_policy_its_config_names(home):
    _config(home, f'policy = "{home / "policy.toml"}"\n')

    host = started_host(home)
    try:
        assert host.state("code-evil") is State.ERROR
        assert host.state("audit-log") is State.ACTIVE
    finally:
        host.stop()


@pytest.mark.parametrize(
    ("text", "problem"),
    [(None, "cannot be read"), ("[plugins\n", "is not valid TOML")],
)
def test_a_named_policy_that_cannot_be_read_fails_closed(
    home, monkeypatch, text, problem
):
    """No host runs without the policy it was told to enforce."""
    target = home / "named.toml"
    if text is not None:
        target.write_text(text)
    monkeypatch.setenv(POLICY_ENV, str(target))

    with pytest.raises(PolicyError, match=problem):
        PluginHost([home / "plugins"], config_dir=home / "config")


@pytest.fixture(name="run")
def _run(home):
    def run(*args, env=None):
        options = [
            f"--path={home / 'plugins'}",
            f"--cache-dir={home / 'cache'}",
            f"--data-dir={home / 'data'}",
            f"--config-dir={home / 'config'}",
        ]
        return CliRunner().invoke(
            cli, [*options, *args], env={"COLUMNS": "200", **(env or {})}
        )

    return run


def test_show_without_a_policy_says_everything_is_allowed(run):
    result = run("policy", "show")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("no policy:")


def test_show_says_where_the_policy_came_from(run, home):
    result = run("policy", "show", env={POLICY_ENV: str(home / "policy.toml")})

    assert result.exit_code == 0, result.output
    assert f"policy {home / 'policy.toml'} (from ACC_PLUGINS_POLICY)" in (
        result.output
    )
    assert "plugins blocked:      code-*" in result.output
    assert "required:             audit-log" in result.output


def test_show_json_is_the_policy_and_its_provenance(run, home):
    _config(home, 'policy = "../policy.toml"\n')

    result = run("policy", "show", "--json")

    data = json.loads(result.output)
    assert data["via"].startswith("policy in ")
    assert data["plugins"]["block"] == ["code-*"]
    assert data["mode"] == "enforce"


def test_check_exits_1_and_says_what_is_blocked_and_why(run, home):
    result = run(f"--policy={home / 'policy.toml'}", "policy", "check")

    assert result.exit_code == 1
    assert "blocked  code-evil 1.0.0" in result.output
    assert "[plugins] block matches 'code-*'" in result.output
    assert "ok  audit-log 1.0.0" in result.output


def test_check_in_report_only_mode_says_would_block(run, home):
    (home / "policy.toml").write_text('mode = "report-only"\n' + BLOCK)

    result = run(f"--policy={home / 'policy.toml'}", "policy", "check")

    assert result.exit_code == 1
    assert "would block  code-evil" in result.output
    assert "1 would block" in result.output


def test_check_exits_0_when_nothing_is_blocked_and_lists_the_missing(
    run, home
):
    (home / "policy.toml").write_text(
        '[plugins]\nrequired = ["secret-scan"]\n'
    )

    result = run(
        f"--policy={home / 'policy.toml'}", "policy", "check", "--json"
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["blocked"] == []
    assert data["missing"] == [
        (
            f"policy {home / 'policy.toml'} requires 'secret-scan', and it is "
            f"not installed"
        )
    ]


def test_check_takes_its_own_paths(run, home, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    write_plugin(other, "text-tools", PING)

    result = run(
        f"--policy={home / 'policy.toml'}",
        "policy",
        "check",
        f"--path={other}",
    )

    assert result.exit_code == 0, result.output
    assert "ok  text-tools" in result.output
    assert "code-evil" not in result.output


@pytest.mark.parametrize("command", [("policy", "show"), ("list",)])
def test_an_invalid_policy_is_one_error_line_and_exit_1(run, home, command):
    (home / "policy.toml").write_text("[plugins]\nblok = []\n")

    result = run(f"--policy={home / 'policy.toml'}", *command)

    assert result.exit_code == 1
    assert result.output == (
        f"error: {home / 'policy.toml'}: plugins.blok: unknown key\n"
    )


def test_disable_refuses_a_required_plugin(run, home):
    result = run(
        f"--policy={home / 'policy.toml'}", "disable", "audit-log", "--yes"
    )

    assert result.exit_code == 1
    assert "error: blocked by policy" in result.output
    assert "[plugins] required lists 'audit-log'" in result.output
    assert not (home / "config" / "config.toml").exists()
