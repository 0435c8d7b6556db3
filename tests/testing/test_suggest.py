"""
``acc-plugins permissions suggest``: the plugin's tests run with
recording on, and what they used becomes the smallest [permissions].
"""

import json

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli


USES_NETWORK_AND_A_FILE = """
from acc_plugins.testing import assert_not_denied

def test_forecast(plugin_host, fake_http):
    fake_http.respond("GET", "https://api.example.com/forecast/oslo", text="snow")
    assert plugin_host.call_tool("weather.forecast", city="oslo") == "snow"

def test_notes(plugin_host):
    (plugin_host.workspace / "notes.txt").write_text("dry")
    assert plugin_host.call_tool("weather.notes") == "dry"
    assert_not_denied(plugin_host)
"""


def suggest(*arguments):
    return CliRunner().invoke(cli, ["permissions", "suggest", *arguments])


def test_the_block_lists_exactly_what_the_tests_used(weather):
    """Wider or unused requests give way to the narrowest entries."""
    root = weather(
        """
        filesystem = ["read:${workspace}/**"]
        network = ["https://*.example.com"]
        host = ["events.emit", "claude.query"]
        """,
        USES_NETWORK_AND_A_FILE,
    )

    result = suggest(str(root))

    assert result.exit_code == 0, result.output
    assert result.output == (
        "# The smallest [permissions] for weather, from what its tests used:\n"
        "[permissions]\n"
        'filesystem = ["read:${workspace}/notes.txt"]\n'
        'network = ["https://api.example.com"]\n'
        'host = ["events.emit"]\n'
        "# plugin.toml also requests (no test needed it so): "
        "fs:read:${workspace}/**, net:https://*.example.com, "
        "host:claude.query\n"
    )


def test_an_undeclared_use_is_suggested_and_the_run_fails(weather):
    """The refused use is in the block; the failed run is said, status 1."""
    root = weather(
        'network = ["https://api.example.com"]\nhost = ["events.emit"]',
        """
        def test_units(plugin_host):
            assert plugin_host.call_tool("weather.units") == "metric"
        """,
    )

    result = suggest(str(root), "--json")

    assert result.exit_code == 1
    facts = json.loads(result.stdout)
    assert facts["permissions"] == {"environment": ["WEATHER_UNITS"]}
    assert facts["passed"] is False
    assert facts["pytest_status"] == 1
    assert facts["unused"] == [
        "net:https://api.example.com",
        "host:events.emit",
    ]
    assert result.stderr.splitlines()[-1] == (
        "error: the tests of weather failed (pytest exit status 1): "
        "the block covers what ran until then; add it and run again"
    )


def test_tests_that_do_not_use_the_kit_record_nothing(weather):
    """No host built by the kit: an error says nothing was recorded."""
    root = weather("", "def test_nothing():\n    pass\n")

    result = suggest(str(root))

    assert result.exit_code == 1
    assert "built no host with the testing kit's fixtures" in result.stderr


def test_a_folder_without_tests_is_one_error_line(tmp_path, weather):
    """No tests/ folder: one line naming it, status 1."""
    root = weather("")
    for path in sorted((root / "tests").iterdir()):
        path.unlink()
    (root / "tests").rmdir()

    result = suggest(str(root))

    assert result.exit_code == 1
    assert (
        result.stderr == f"error: {root / 'tests'}: no tests folder to run\n"
    )


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_a_path_that_is_not_a_plugin_is_one_error_line(tmp_path, make):
    """Nothing to run: said as package and scan say it, before pytest."""
    root = tmp_path / "here"
    if make == "empty":
        root.mkdir()

    result = suggest(str(root))

    assert result.exit_code == 1
    expected = "no such folder" if make == "missing" else "not a plugin folder"
    assert result.stderr.startswith(f"error: {root}: {expected}")
    assert result.stderr.count("\n") == 1
