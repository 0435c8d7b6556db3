"""
The automatic-update mode in force, and why: ``[updates] auto`` in the
administrator's policy, else ``auto-update = "..."`` in the user's
``config.toml``, else ``off``.

Why only the user's file: a project's ``.acc/config.toml`` is whatever
was cloned, and must not decide what is installed for the user.  Why a
bad value reads as ``off`` here: the host's start must never fail
because of it (the configuration's own check reports the file).
"""

from __future__ import annotations

import logging
import tomllib
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.security._updatemode import UpdateMode


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.security import Policy

KEY: Final = "auto-update"
_CONFIG_NAME: Final = "config.toml"
_log = logging.getLogger("acc_plugins.host")


def mode_problem(value: object) -> str | None:
    """
    What is wrong with *value* as an ``auto-update`` setting, or None.
    """
    if isinstance(value, str) and value in {m.value for m in UpdateMode}:
        return None
    options = ", ".join(repr(m.value) for m in UpdateMode)
    return f"{KEY}: {value!r} is not one of {options}"


@attrs.frozen
class UpdateSetting:
    """
    The automatic-update mode in force.

    Attributes:
        mode: The mode.

        via: Where it comes from, in words: ``"[updates] auto in
            <policy>"``, ``"auto-update in <config.toml>"`` or ``"the
            default"``.

        forced: Whether the administrator's policy sets it.
    """

    mode: UpdateMode
    via: str
    forced: bool = False


def configured_mode(config_dir: Path) -> UpdateSetting:
    """
    The mode the user's ``config.toml`` in *config_dir* sets: ``off`` when
    it sets none, or cannot be read, or sets a bad value (the host's
    configuration reports the file's problems, once, on its own).
    """
    config = config_dir / _CONFIG_NAME
    default = UpdateSetting(UpdateMode.OFF, "the default")
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        _log.debug("%s: cannot read %s from it: %s", config, KEY, exc)
        return default
    if KEY not in data:
        return default
    problem = mode_problem(data[KEY])
    if problem is not None:
        _log.debug("%s: %s; automatic updates are off", config, problem)
        return default
    return UpdateSetting(UpdateMode(data[KEY]), f"{KEY} in {config}")


def update_setting(config_dir: Path, policy: Policy) -> UpdateSetting:
    """
    The mode in force: the policy's, else the user's, else ``off``.
    """
    if policy.auto_update is not None:
        return UpdateSetting(
            policy.auto_update,
            f"[updates] auto in {policy.source}",
            forced=True,
        )
    return configured_mode(config_dir)
