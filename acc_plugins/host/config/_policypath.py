"""
Which policy file is in force, and why: the ``--policy`` option (or a
path the application gives), else ``ACC_PLUGINS_POLICY``, else
``policy = "..."`` in the user's ``config.toml``.

Why it fails closed: a policy that is named but cannot be read (missing,
unreadable, invalid) raises `PolicyError`.  Falling back to no policy
would silently allow everything an administrator meant to keep out.
A ``config.toml`` that is not valid TOML names no policy (the host
reports that file on its own); only the user's file is read, never the
project's, because a project is whatever was cloned.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import ConfigError, PolicyError
from acc_plugins.security import Policy

from ._config import CONFIG_NAME
from ._tomlread import parse, read_text


if TYPE_CHECKING:
    from collections.abc import Mapping

POLICY_ENV: Final = "ACC_PLUGINS_POLICY"
_log = logging.getLogger("acc_plugins.host")


@attrs.frozen
class PolicyLocation:
    """
    The policy file in force.

    Attributes:
        path: The file.

        via: How it was chosen, in words: ``"the --policy option"``,
            ``"ACC_PLUGINS_POLICY"`` or ``"policy in <config.toml>"``.
    """

    path: Path
    via: str


def locate_policy(
    config_dir: Path,
    *,
    given: Path | None = None,
    given_via: str = "the --policy option",
    environ: Mapping[str, str] | None = None,
) -> PolicyLocation | None:
    """
    The policy file in force, or None when none is named anywhere.

    Args:
        config_dir: The user's configuration folder (its ``config.toml``
            may name a policy, relative to that folder).

        given: A path given explicitly; it wins over everything.

        given_via: How *given* was given, for messages.

        environ: The environment (``os.environ`` by default).

    Raises:
        PolicyError: If ``config.toml`` names a policy in a way that is
            not a path.
    """
    if given is not None:
        return PolicyLocation(given, given_via)
    environ = os.environ if environ is None else environ
    named = environ.get(POLICY_ENV)
    if named:
        return PolicyLocation(Path(named), POLICY_ENV)
    config = config_dir / CONFIG_NAME
    try:
        data = parse(config, read_text(config))
    except ConfigError as exc:
        # Debug only: a host's configuration reports this file as one
        # error, in these words; a second report here made two messages
        # for one broken file.
        _log.debug("no policy read from it: %s", exc)
        return None
    if "policy" not in data:
        return None
    value = data["policy"]
    if not isinstance(value, str) or not value.strip():
        problem = "policy: must be the path of a policy file (a string)"
        raise PolicyError(str(config), [problem])
    path = Path(value).expanduser()
    return PolicyLocation(config.parent / path, f"policy in {config}")


def load_policy(
    config_dir: Path,
    *,
    given: Path | None = None,
    given_via: str = "the --policy option",
    environ: Mapping[str, str] | None = None,
) -> tuple[Policy, PolicyLocation | None]:
    """
    The policy in force (the default policy when none is named) and where
    it came from.

    Raises:
        PolicyError: If a policy is named but cannot be read, or is
            invalid: naming the file and every problem.
    """
    location = locate_policy(
        config_dir, given=given, given_via=given_via, environ=environ
    )
    if location is None:
        return Policy(), None
    return Policy.load(location.path), location
