"""
The workflow of {{ cookiecutter.name }}, run through a host, and the
tools it chains.
"""

import pytest
from acc_plugins.errors import PluginError

PLUGIN = "{{ cookiecutter.name }}"


def test_headline_chains_both_tools(plugin_host):
    """The workflow passes each step's result to the next."""
    text = "  plugins   for\nclaude "

    headline = plugin_host.run_workflow(f"{PLUGIN}.headline", text=text)

    assert headline == "Plugins For Claude"


def test_tidy_alone(plugin_host):
    """Each step is a tool that can be called on its own too."""
    assert plugin_host.call_tool(f"{PLUGIN}.tidy", text="a   b") == "a b"


def test_headline_needs_its_input(plugin_host):
    """A workflow run without its declared input is refused."""
    with pytest.raises(PluginError):
        plugin_host.run_workflow(f"{PLUGIN}.headline")
