"""
The agent of {{ cookiecutter.name }}, run through a host with an offline
fake Claude that records what it is asked (acc-plugins' testing kit).
"""

import pytest
from acc_plugins.errors import PluginCallError
from acc_plugins.testing import assert_denied

PLUGIN = "{{ cookiecutter.name }}"


def test_the_assistant_asks_claude_the_task(plugin_host, fake_claude):
    """The agent passes the task to Claude and returns the answer."""
    fake_claude.answer("A hook reacts to an event.")

    answer = plugin_host.run_agent(f"{PLUGIN}.assistant", "What is a hook?")

    assert answer == "A hook reacts to an event."
    assert fake_claude.prompts == ["What is a hook?"]


def test_the_style_setting_chooses_the_system_prompt(plugin_host, fake_claude):
    """The thorough style asks Claude for step-by-step answers."""
    plugin_host.configure(PLUGIN, "style", "thorough")

    plugin_host.run_agent(f"{PLUGIN}.assistant", "What is a hook?")

    system, _ = fake_claude.queries[-1]
    assert system is not None
    assert "step by step" in system


def test_without_the_claude_grant_the_agent_is_refused(make_plugin_host):
    """A user who did not grant host:claude.query gets a clear refusal."""
    host = make_plugin_host(grants=[])

    with pytest.raises(PluginCallError, match=r"host:claude\.query"):
        host.run_agent(f"{PLUGIN}.assistant", "What is a hook?")

    assert_denied(host, "host:claude.query")
    assert host.claude.queries == []
