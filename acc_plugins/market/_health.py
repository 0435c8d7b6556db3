"""
The check an update must pass before it is kept: the new version
activates in a scratch ``PluginHost`` over the install root and its own
``health()`` does not say no.

Why a scratch host: the check must run the plugin exactly as the user's
host will (sandboxed, with the permissions the user granted, its
settings, in a worker if it is isolated), yet without disturbing a host
that is running.  It reads the plugin and the installed plugins it
depends on from the install root, with the user's real data and config
folders (so grants and settings are the real ones; the host records its
audit entries there too) and a throw-away bytecode cache.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Protocol

import attrs

from acc_plugins.errors import PluginError


if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from acc_plugins.host import PluginHost
    from acc_plugins.host.core._record import PluginInfo
    from acc_plugins.security import Policy


@attrs.frozen
class HealthReport:
    """
    How a health check went.

    Attributes:
        ok: Whether the plugin activated and its ``health()`` passed.

        reason: Why not, when not ok.

        info: The loaded plugin (its tools, agents, ...), when it loaded.
    """

    ok: bool
    reason: str = ""
    info: PluginInfo | None = None


class HealthCheck(Protocol):
    """
    Checks that an installed plugin works.
    """

    def __call__(self, name: str, folders: Sequence[Path]) -> HealthReport:
        """
        Load the plugins in *folders* and check *name*.
        """
        ...


@attrs.frozen
class ScratchHostCheck:
    """
    The health check in a throw-away ``PluginHost``.

    Attributes:
        data_dir: The user's data folder (grants, settings' secrets,
            storage, audit trail).

        config_dir: The user's config folder; None for the default.

        policy: The administrator's policy, if any.
    """

    data_dir: Path
    config_dir: Path | None = None
    policy: Policy | None = None

    def __call__(self, name: str, folders: Sequence[Path]) -> HealthReport:
        """
        See `HealthCheck`.
        """
        from acc_plugins.host import PluginHost  # noqa: PLC0415 -- the host imports the market

        with tempfile.TemporaryDirectory(prefix="acc-health-") as cache:
            host = PluginHost(
                folders,
                cache_dir=cache,
                data_dir=self.data_dir,
                config_dir=self.config_dir,
                policy=self.policy,
                auto_update=False,  # it runs inside an update
            )
            with host:
                return check_loaded(host, name)


def check_loaded(host: PluginHost, name: str) -> HealthReport:
    """
    The health of *name* in a started *host*.
    """
    try:
        info = host.info(name)
    except PluginError as exc:
        return HealthReport(ok=False, reason=str(exc))
    if info.state.value != "active":
        error = info.last_error
        why = f": {error}" if error is not None else ""
        return HealthReport(
            ok=False,
            reason=f"it did not activate ({info.state.value}){why}",
            info=info,
        )
    try:
        answer = host.check_health(name)
    except PluginError as exc:
        return HealthReport(
            ok=False, reason=f"its health check failed: {exc}", info=info
        )
    if answer is False:
        return HealthReport(
            ok=False, reason="its health check returned False", info=info
        )
    return HealthReport(ok=True, info=host.info(name))
