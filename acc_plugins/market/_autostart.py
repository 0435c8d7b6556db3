"""
The automatic-update check a host runs as it starts: the mode in force,
and an `AutoUpdater` over the host's install root with the user's
grants, registries, trusted keys, health check and policy.

Why apart from `AutoUpdater`: this is where the user's folders are
turned into stores (I/O at the edge), and where the promise that
nothing stops a host from starting is kept, by catching what is left.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs

from acc_plugins.host.config._updatesetting import update_setting
from acc_plugins.security._updatemode import UpdateMode

from ._autonote import UpdateRun
from ._autoupdate import AutoUpdater


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.security import Policy

_log = logging.getLogger("acc_plugins.market")


@attrs.frozen
class StartupUpdates:
    """
    What a host needs to run its automatic-update check.

    Attributes:
        root: The install root (the host's first plugin folder).

        config_dir: The user's config folder (``config.toml``,
            ``registries.json``).

        data_dir: The user's data folder (grants, trusted keys, audit).

        policy: The administrator's policy (it may force the mode).

        mode: The mode the application asked for instead of the user's
            setting; None to read the setting.  The policy wins either way.
    """

    root: Path
    config_dir: Path
    data_dir: Path
    policy: Policy
    mode: UpdateMode | None = None

    def effective_mode(self) -> UpdateMode:
        """
        The mode in force: the policy's, else the one asked for, else the
        user's setting.
        """
        if self.policy.auto_update is None and self.mode is not None:
            return self.mode
        return update_setting(self.config_dir, self.policy).mode

    def updater(self) -> AutoUpdater:
        """
        The updater over the install root, with the user's stores.
        """
        from acc_plugins.host.gate._consent import GrantStore  # noqa: PLC0415 -- the host imports this module

        from ._health import ScratchHostCheck  # noqa: PLC0415 -- likewise
        from ._installer import Installer  # noqa: PLC0415
        from ._installroot import InstallRoot  # noqa: PLC0415
        from ._registries import Registries  # noqa: PLC0415
        from ._trust import TrustStore  # noqa: PLC0415

        check = ScratchHostCheck(self.data_dir, self.config_dir, self.policy)
        installer = Installer(
            InstallRoot(self.root),
            GrantStore(self.data_dir / "grants.json"),
            check=check,
            policy=self.policy,
        )
        return AutoUpdater(
            installer,
            Registries(self.config_dir / "registries.json"),
            TrustStore(self.data_dir / "trusted-keys.json"),
        )

    def run(self, *, force: bool = False) -> UpdateRun:
        """
        Run the check if it is due (or *force*: then with the mode
        ``off`` it reports what is available); never raises: whatever
        goes wrong is logged and the host starts anyway.
        """
        try:
            mode = self.effective_mode()
            if mode is UpdateMode.OFF:
                if not force:
                    return UpdateRun(mode, ran=False)
                mode = UpdateMode.NOTIFY  # asked by hand: report only
            return self.updater().run(mode, force=force)
        except Exception as exc:  # noqa: BLE001 -- nothing may stop the host from starting
            _log.warning("automatic updates failed: %s", exc)
            return UpdateRun(UpdateMode.OFF, ran=False, warnings=(str(exc),))
