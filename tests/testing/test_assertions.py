"""
The kit's assertions pass on what happened and fail showing what did
happen instead.
"""

import re

import pytest

from acc_plugins.errors import PluginCallError
from acc_plugins.testing import (
    assert_audited,
    assert_denied,
    assert_emitted,
    assert_not_denied,
    assert_within_budget,
)

from .conftest import MANIFEST, WEATHER


PERMISSIONS = """
network = ["https://api.example.com"]
environment = ["WEATHER_UNITS"]
host = ["events.emit"]
"""


@pytest.fixture(name="plugin_path")
def _plugin_path(tmp_path):
    """The weather plugin, as this module's plugin under test."""
    (tmp_path / "weather.py").write_text(WEATHER)
    (tmp_path / "plugin.toml").write_text(
        MANIFEST.format(permissions=PERMISSIONS, isolation="")
    )
    return tmp_path


@pytest.fixture(name="plugin_grants")
def _plugin_grants():
    return ["host:events.emit", "net:https://api.example.com"]


def test_a_denial_passes_and_a_missing_one_lists_the_real_ones(plugin_host):
    with pytest.raises(PluginCallError):
        plugin_host.call_tool("weather.units")

    assert_denied(plugin_host, "env:WEATHER_UNITS")
    with pytest.raises(AssertionError) as raised:
        assert_denied(plugin_host, "net:https://api.example.com")
    with pytest.raises(AssertionError) as nothing:
        assert_not_denied(plugin_host)

    assert str(raised.value) == (
        "net:https://api.example.com was not denied to weather; denied:\n"
        "  env:WEATHER_UNITS"
    )
    assert str(nothing.value) == "weather was denied:\n  env:WEATHER_UNITS"


def test_an_event_not_emitted_lists_the_events_there_were(
    plugin_host, fake_http
):
    fake_http.respond("GET", "https://api.example.com/forecast/oslo")
    plugin_host.call_tool("weather.forecast", city="oslo")

    assert_emitted(plugin_host, "weather.fetched")
    assert_emitted(plugin_host, "weather.fetched", {"city": "oslo"})
    with pytest.raises(AssertionError) as raised:
        assert_emitted(plugin_host, "weather.fetched", {"city": "rome"})

    message = str(raised.value)
    assert message.startswith(
        "no event weather.fetched {'city': 'rome'} was emitted; events:\n"
    )
    assert "  weather.fetched {'city': 'oslo'} (from weather)" in message


def test_an_audit_entry_is_found_by_kind_and_detail(plugin_host):
    with pytest.raises(PluginCallError):
        plugin_host.call_tool("weather.units")

    entry = assert_audited(
        plugin_host, "denial", permission="env:WEATHER_UNITS"
    )
    with pytest.raises(AssertionError) as raised:
        assert_audited(plugin_host, "quarantine")

    assert entry.plugin == "weather"
    assert re.match(
        r"no quarantine entry for weather in the audit trail; entries:\n"
        r"  grant weather: .*\n"
        r"  denial weather: permission='env:WEATHER_UNITS'",
        str(raised.value),
    )


BUSY = """
from acc_plugins.sdk import Plugin, tool


class Weather(Plugin):
    @tool
    def spin(self) -> int:
        total = 0
        while True:
            total += 1
"""


def test_a_budget_breach_is_shown_with_its_message(make_plugin_host, tmp_path):
    (tmp_path / "weather.py").write_text(BUSY)
    (tmp_path / "plugin.toml").write_text(
        MANIFEST.format(permissions="", isolation="")
        + "\n[limits]\ntimeout-ms = 100\n"
    )
    host = make_plugin_host(tmp_path)
    assert_within_budget(host)

    with pytest.raises(PluginCallError):
        host.call_tool("weather.spin")
    with pytest.raises(AssertionError) as raised:
        assert_within_budget(host)

    assert str(raised.value).startswith(
        "weather broke its budget 1 time(s):\n  "
    )
