"""
The testing kit for plugin authors: a pytest plugin (registered through
the ``pytest11`` entry point, so installing ``acc-plugins[testing]`` is
enough) whose fixtures load a plugin into a sandboxed host of its own,
with fake Claude and HTTP, and assertions about what the plugin did.

Fixtures: ``plugin_host``, ``make_plugin_host``, ``fake_claude``,
``fake_http``, and the settings they read, ``plugin_path``,
``plugin_dependencies``, ``plugin_grants``, ``plugin_settings``,
``plugin_tier`` and ``plugin_strict``: override one in a ``conftest.py``
(or parametrize it) to change what every ``plugin_host`` gets.
"""

from acc_plugins.host import FakeClaude

from ._assertions import (
    assert_audited,
    assert_denied,
    assert_emitted,
    assert_not_denied,
    assert_within_budget,
)
from ._fakehttp import FakeHttp, HttpRequest
from ._hostundertest import HostUnderTest, Tier
from ._recording import RECORD_ENV
from ._suggest import Suggestion, suggest_permissions


__all__ = [
    "RECORD_ENV",
    "FakeClaude",
    "FakeHttp",
    "HostUnderTest",
    "HttpRequest",
    "Suggestion",
    "Tier",
    "assert_audited",
    "assert_denied",
    "assert_emitted",
    "assert_not_denied",
    "assert_within_budget",
    "suggest_permissions",
]
