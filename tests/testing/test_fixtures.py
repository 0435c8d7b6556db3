"""
The kit's fixtures, run by pytest as a plugin author runs them: the
plugin found from the test's folder, fakes that record and answer,
grants and settings chosen per test, strict mode, both tiers.
"""

import pytest


NETWORK = """
network = ["https://api.example.com"]
host = ["events.emit", "claude.query"]
"""


def test_plugin_host_loads_the_plugin_above_the_tests(pytester, weather):
    """plugin_host is the plugin of the nearest plugin.toml, active."""
    weather(
        NETWORK,
        """
        def test_it(plugin_host):
            assert plugin_host.plugin == "weather"
            assert plugin_host.state("weather").value == "active"
            assert [t.name for t in plugin_host.tools()][0] == "weather.forecast"
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)


def test_fake_http_answers_what_was_scripted_and_records(pytester, weather):
    """ctx.http goes through fake_http, after the host's grant check."""
    weather(
        NETWORK,
        """
        from acc_plugins.testing import assert_emitted

        def test_it(plugin_host, fake_http):
            fake_http.respond(
                "GET", "https://api.example.com/forecast/oslo", text="snow"
            )

            assert plugin_host.call_tool("weather.forecast", city="oslo") == "snow"
            assert [r.url for r in fake_http.requests] == [
                "https://api.example.com/forecast/oslo"
            ]
            assert_emitted(plugin_host, "weather.fetched", {"city": "oslo"})
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)


def test_an_unscripted_request_names_itself(pytester, weather):
    """A request with no scripted response fails the call, naming it."""
    weather(
        NETWORK,
        """
        def test_it(plugin_host):
            plugin_host.call_tool("weather.forecast", city="rome")
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*GET https://api.example.com/forecast/rome: no response scripted*"]
    )


def test_fake_claude_gives_scripted_answers(pytester, weather):
    """fake_claude answers what the test scripted and records prompts."""
    weather(
        NETWORK,
        """
        def test_it(plugin_host, fake_claude):
            fake_claude.answer("cold", when="Oslo")

            assert plugin_host.call_tool("weather.summary", text="Oslo: -5") == "cold"
            assert fake_claude.queries == [("Summarise the weather.", "Oslo: -5")]
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)


def test_grants_and_settings_are_chosen_per_host(pytester, weather):
    """make_plugin_host grants less than requested; the use is denied."""
    weather(
        NETWORK,
        """
        import pytest
        from acc_plugins.errors import PluginCallError
        from acc_plugins.testing import assert_denied, assert_audited

        def test_it(make_plugin_host):
            host = make_plugin_host(grants=["host:events.emit"])

            with pytest.raises(PluginCallError, match="net:https://api.example.com"):
                host.call_tool("weather.forecast", city="oslo")

            assert_denied(host, "net:https://api.example.com")
            assert_audited(host, "denial", permission="net:https://api.example.com")
            assert host.http.requests == []
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)


def test_a_grant_the_manifest_lacks_is_a_clear_error(pytester, weather):
    """Granting what plugin.toml does not request fails at once."""
    weather(
        NETWORK,
        """
        def test_it(make_plugin_host):
            make_plugin_host(grants=["process:git"])
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*weather's plugin.toml does not request process:git*"]
    )


def test_strict_mode_fails_a_use_the_manifest_does_not_declare(
    pytester, weather
):
    """An undeclared permission fails the test, named, even if caught."""
    weather(
        NETWORK,
        """
        import pytest
        from acc_plugins.errors import PluginCallError

        def test_it(plugin_host):
            with pytest.raises(PluginCallError):
                plugin_host.call_tool("weather.units")
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*strict: weather used env:WEATHER_UNITS, which its plugin.toml *"]
    )


def test_without_strict_mode_the_host_refusal_can_be_tested(pytester, weather):
    """strict=False leaves the undeclared use to the host: quarantine."""
    weather(
        NETWORK,
        """
        import pytest
        from acc_plugins.errors import PluginCallError
        from acc_plugins.testing import assert_audited

        def test_it(make_plugin_host):
            host = make_plugin_host(strict=False)

            with pytest.raises(PluginCallError):
                host.call_tool("weather.units")

            assert host.state("weather").value == "quarantined"
            assert_audited(host, "quarantine")
        """,
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)


def test_the_ini_option_names_the_plugin_folder(pytester, weather):
    """acc_plugins_plugin points tests elsewhere at the plugin."""
    root = weather(NETWORK)
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "test_it.py").write_text(
        "def test_it(plugin_path, plugin_host):\n"
        "    assert plugin_host.plugin == 'weather'\n"
    )
    pytester.makeini("[pytest]\nacc_plugins_plugin = .\n")

    result = pytester.runpytest("-q", "elsewhere")

    result.assert_outcomes(passed=1)


def test_no_plugin_toml_is_one_clear_failure(pytester):
    """Without a plugin.toml above the test, the fixture says what to do."""
    pytester.makepyfile("def test_it(plugin_host):\n    pass\n")

    result = pytester.runpytest("-q")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*no plugin.toml in * set acc_plugins_plugin*"]
    )


@pytest.mark.parametrize("tier", ["sandboxed", "isolated"])
def test_the_kit_works_in_both_tiers(pytester, weather, tier):
    """Claude, HTTP, grants, denials and strict mode reach a worker."""
    weather(
        NETWORK,
        f"""
        import pytest
        from acc_plugins.errors import PluginCallError
        from acc_plugins.testing import assert_denied

        def test_claude(plugin_host, fake_claude):
            fake_claude.answer("mild")
            assert plugin_host.call_tool("weather.summary", text="x") == "mild"
            in_worker = plugin_host.stats()[0].peak_memory_mb is not None
            assert in_worker == ({tier!r} == "isolated")

        def test_denied(make_plugin_host):
            host = make_plugin_host(grants=[])
            with pytest.raises(PluginCallError):
                host.call_tool("weather.summary", text="x")
            assert_denied(host, "host:claude.query")

        def test_http(plugin_host, fake_http):
            fake_http.respond(
                "GET", "https://api.example.com/forecast/oslo", text="snow"
            )
            assert plugin_host.call_tool("weather.forecast", city="oslo") == "snow"
            assert [r.method for r in fake_http.requests] == ["GET"]

        def test_strict(plugin_host):
            with pytest.raises(PluginCallError):
                plugin_host.call_tool("weather.units")
        """,
    )

    result = pytester.runpytest("-q", "-o", f"acc_plugins_tier={tier}")

    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*strict: weather used env:WEATHER_UNITS*"])
