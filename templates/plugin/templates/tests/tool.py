"""
The tools of {{ cookiecutter.name }}, called through a host as Claude and
users call them.
"""

import pytest
from acc_plugins.errors import PluginCallError, ToolArgumentError

PLUGIN = "{{ cookiecutter.name }}"


def test_greet_uses_the_greeting_setting(plugin_host):
    """greet() repeats the configured greeting."""
    greeting = plugin_host.call_tool(f"{PLUGIN}.greet", name="Ada", times=2)

    assert greeting == "Hello, Ada! Hello, Ada!"


def test_greet_refuses_too_many_times(plugin_host):
    """A ToolError reaches the caller as a PluginCallError."""
    with pytest.raises(PluginCallError, match="between 1 and 10"):
        plugin_host.call_tool(f"{PLUGIN}.greet", name="Ada", times=11)


def test_the_schema_checks_argument_types(plugin_host):
    """The type hints are checked before the tool runs."""
    with pytest.raises(ToolArgumentError):
        plugin_host.call_tool(f"{PLUGIN}.greet", name="Ada", times="many")


def test_word_count_measures_a_text(plugin_host):
    """word_count() counts words, lines and characters."""
    counts = plugin_host.call_tool(f"{PLUGIN}.word_count", text="one two\nthree")

    assert counts == {"words": 3, "lines": 2, "characters": 13}
