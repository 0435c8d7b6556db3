"""
The tool and the hook of {{ cookiecutter.name }}, through a host.
"""

PLUGIN = "{{ cookiecutter.name }}"


def test_greet_uses_the_greeting_setting(host):
    """greet() starts with the configured greeting."""
    assert host.call_tool(f"{PLUGIN}.greet", name="Ada") == "Hello, Ada!"


def test_the_hook_counts_sessions(host):
    """Each session.started event reaches the hook, which stores a count."""
    delivered = host.emit("session.started", {"id": 1})
    host.emit("session.started", {"id": 2})

    assert delivered == 1
    assert host.call_tool(f"{PLUGIN}.sessions_seen") == 2
