"""
The marketplace's public surface: what ``acc_plugins.market`` exports
works as one piece, and its errors are caught the way callers expect.
"""

import pytest
from tests.market._installkit import fingerprint, plugin_folder

from acc_plugins import PolicyBlockedError, market
from acc_plugins.errors import MarketplaceError
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.market._sources import stage_local
from acc_plugins.security import Policy


def test_every_exported_error_is_a_marketplace_error():
    """One except MarketplaceError catches every error the package exports."""
    errors = [
        getattr(market, name)
        for name in market.__all__
        if name.endswith("Error")
    ]

    assert len(errors) >= 10
    assert all(issubclass(error, MarketplaceError) for error in errors)


def test_installer_policy_refusal_is_the_hosts_policy_blocked_error(
    tmp_path,
):
    """A blocked install raises acc_plugins.PolicyBlockedError, naming the
    plugin, and the install root does not change."""
    policy = Policy.from_dict(
        {"plugins": {"block": ["demo"]}}, source="/etc/acc/policy.toml"
    )
    tool = market.Installer(
        market.InstallRoot(tmp_path / "plugins"),
        GrantStore(tmp_path / "grants.json"),
        policy=policy,
    )
    folder = plugin_folder(tmp_path)

    with tool.locked():
        before = fingerprint(tool.root.path)
        candidate = stage_local(
            tool.root, market.parse_requirement(f"{folder}/")
        )
        with pytest.raises(PolicyBlockedError) as caught:
            tool.install([candidate], {})
    after = fingerprint(tool.root.path)

    assert isinstance(caught.value, MarketplaceError)
    assert caught.value.plugin == "demo"
    assert str(caught.value).startswith("demo: blocked by policy ")
    assert tool.installed() == {}
    assert {k: v for k, v in after.items() if ".acc-staging" not in k} == {
        k: v for k, v in before.items() if ".acc-staging" not in k
    }
