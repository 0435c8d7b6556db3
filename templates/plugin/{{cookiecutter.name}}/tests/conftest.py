"""
A host with only this plugin loaded, for the tests beside this file.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from acc_plugins.host import FakeClaude, PluginHost

PLUGIN = "{{ cookiecutter.name }}"


@pytest.fixture(name="claude")
def fixture_claude() -> FakeClaude:
    """An offline Claude that answers at once and records every query."""
    return FakeClaude()


@pytest.fixture(name="host")
def fixture_host(
    request: pytest.FixtureRequest, tmp_path: Path, claude: FakeClaude
) -> Iterator[PluginHost]:
    """This plugin in a started host whose folders are all under tmp_path."""
    plugin = request.path.parent.parent  # the folder above tests/
    host = PluginHost(
        [plugin],
        claude=claude,
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
        workspace=tmp_path,
        auto_update=False,
    )
    with host:
        assert host.state(PLUGIN).value == "active", host.info(PLUGIN).last_error
        yield host
