"""
The tool and the hook of {{ cookiecutter.name }}, through a host.
"""

from acc_plugins.testing import assert_not_denied

PLUGIN = "{{ cookiecutter.name }}"


def test_greet_uses_the_greeting_setting(plugin_host):
    """greet() starts with the configured greeting."""
    assert plugin_host.call_tool(f"{PLUGIN}.greet", name="Ada") == "Hello, Ada!"


def test_the_hook_counts_sessions(plugin_host):
    """Each session.started event reaches the hook, which stores a count."""
    delivered = plugin_host.emit("session.started", {"id": 1})
    plugin_host.emit("session.started", {"id": 2})

    assert delivered == 1
    assert plugin_host.call_tool(f"{PLUGIN}.sessions_seen") == 2
    assert_not_denied(plugin_host)


def test_the_greeting_is_a_setting(make_plugin_host):
    """Another greeting, set as a user would, changes what greet() says."""
    host = make_plugin_host(settings={"greeting": "Welcome"})

    assert host.call_tool(f"{PLUGIN}.greet", name="Ada") == "Welcome, Ada!"
