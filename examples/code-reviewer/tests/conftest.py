"""
code-reviewer needs text-tools: every plugin_host loads it too, from the
folder beside this plugin's.  Where it is not there (``acc-plugins
publish`` tests the packaged plugin alone), the tests are skipped.
"""

import pytest


@pytest.fixture(name="text_tools")
def _text_tools(plugin_path):
    folder = plugin_path.parent / "text-tools"
    if not (folder / "plugin.toml").is_file():
        pytest.skip(f"text-tools is not beside {plugin_path}")
    return folder


@pytest.fixture(name="plugin_dependencies")
def _plugin_dependencies(text_tools):
    return [text_tools]
