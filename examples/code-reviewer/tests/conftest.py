"""
code-reviewer needs text-tools: every plugin_host loads it too.
"""

import pytest


@pytest.fixture(name="plugin_dependencies")
def _plugin_dependencies(plugin_path):
    return [plugin_path.parent / "text-tools"]
