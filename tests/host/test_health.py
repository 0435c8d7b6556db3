"""
``PluginHost.check_health``: a plugin's own ``health()`` runs as plugin
code, in-process or in its worker, and only True, False or None count.
"""

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import BudgetExceeded, LoadError, PluginCallError


SOURCE = """
from acc_plugins.sdk import Plugin

class Main(Plugin):
    def health(self):
        {body}
"""
ISOLATED = 'isolation = "subprocess"\n'


@pytest.fixture(params=["in-process", "subprocess"], name="extra")
def _extra(request):
    return ISOLATED if request.param == "subprocess" else ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return True", True),
        ("return False", False),
        ("return None", None),
        ("pass", None),
    ],
)
def test_health_returns_what_the_plugin_says(tmp_path, extra, body, expected):
    """True, False and None come back as they are."""
    write_plugin(
        tmp_path / "plugins", "p", SOURCE.format(body=body), extra=extra
    )
    with started_host(tmp_path) as host:
        assert host.check_health("p") is expected


def test_a_plugin_without_health_has_no_opinion(tmp_path, extra):
    """The SDK default is None."""
    write_plugin(
        tmp_path / "plugins",
        "p",
        "from acc_plugins.sdk import Plugin\nclass Main(Plugin):\n    pass\n",
        extra=extra,
    )
    with started_host(tmp_path) as host:
        assert host.check_health("p") is None


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("raise ValueError('database unreachable')", "database unreachable"),
        ("return 'yes'", "returned str, not True, False or None"),
    ],
)
def test_raising_or_a_wrong_type_fails(tmp_path, extra, body, match):
    """A check that raises, or answers something else, is a failure."""
    write_plugin(
        tmp_path / "plugins", "p", SOURCE.format(body=body), extra=extra
    )
    with (
        started_host(tmp_path) as host,
        pytest.raises(PluginCallError, match=match),
    ):
        host.check_health("p")


def test_health_runs_under_the_plugin_budget(tmp_path):
    """A check that loops forever is stopped by the plugin's limits."""
    write_plugin(
        tmp_path / "plugins",
        "p",
        SOURCE.format(body="while True:\n            pass"),
        extra="[limits]\ntimeout-ms = 200\n",
    )
    with (
        started_host(tmp_path) as host,
        pytest.raises(PluginCallError) as info,
    ):
        host.check_health("p")

    assert isinstance(info.value.__cause__, BudgetExceeded)


def test_health_of_a_plugin_not_active_says_why(tmp_path):
    """A plugin in error has no health to check; its error is named."""
    write_plugin(
        tmp_path / "plugins",
        "p",
        "from acc_plugins.sdk import Plugin\nclass Main(Plugin):\n"
        "    def on_activate(self):\n        raise RuntimeError('boom')\n",
    )
    with (
        started_host(tmp_path) as host,
        pytest.raises(LoadError, match=r"is error, not active: .*boom"),
    ):
        host.check_health("p")
