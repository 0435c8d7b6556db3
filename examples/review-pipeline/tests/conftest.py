"""
review-pipeline chains text-tools and code-reviewer: every plugin_host
loads them too.
"""

import pytest


@pytest.fixture(name="plugin_dependencies")
def _plugin_dependencies(plugin_path):
    return [
        plugin_path.parent / "text-tools",
        plugin_path.parent / "code-reviewer",
    ]
