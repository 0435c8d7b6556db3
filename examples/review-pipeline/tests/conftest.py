"""
review-pipeline chains text-tools and code-reviewer: every plugin_host
loads them too, from the folders beside this plugin's.  Where they are
not there (``acc-plugins publish`` tests the packaged plugin alone), the
tests are skipped.
"""

import pytest


@pytest.fixture(name="plugin_dependencies")
def _plugin_dependencies(plugin_path):
    folders = [
        plugin_path.parent / "text-tools",
        plugin_path.parent / "code-reviewer",
    ]
    missing = [f.name for f in folders if not (f / "plugin.toml").is_file()]
    if missing:
        pytest.skip(f"{', '.join(missing)} not beside {plugin_path}")
    return folders
