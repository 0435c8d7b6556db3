"""
The administrator's policy: the third term of a plugin's effective grants,
and the settings a user may not loosen.

A policy is a TOML file::

    [permissions]
    allow = ["fs:read:*", "host:claude.query", "env:CI"]   # absent: all
    deny = ["process:*", "net:*"]

    [isolation]
    require = "subprocess"        # every plugin in a worker process

    [scan]
    blocks = "high"               # findings this bad keep a plugin out

    [quarantine]
    breaches = 3                  # budget breaches before quarantine

    [settings.code-reviewer]      # values no user or project may change
    style = "strict"

    [limits]                      # ceilings on every plugin's [limits]
    timeout-ms = 10000
    memory-mb = 256
    steps = 100000000             # also imposed where a manifest counts none

Patterns match canonical permissions (as ``acc-plugins permissions show``
prints them) with shell-style wildcards; ``*`` crosses ``:`` and ``/``.
A permission is allowed when it matches some ``allow`` pattern (or there
is no ``allow`` list) and no ``deny`` pattern.  Deny wins.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from acc_plugins.errors import PolicyError
from acc_plugins.manifest import IsolationMode, Limits

from ._rules import Severity


if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

_E = TypeVar("_E", IsolationMode, Severity)

_TABLES: Final = {
    "permissions": {"allow", "deny"},
    "isolation": {"require"},
    "scan": {"blocks"},
    "quarantine": {"breaches"},
    "limits": {f.name.replace("_", "-") for f in attrs.fields(Limits)},
}
# Tables whose keys are free (plugin names); checked on their own.
_OPEN_TABLES: Final = {"settings"}


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    parts = [fnmatch.translate(p) for p in patterns]
    return re.compile("|".join(parts)) if parts else None


@attrs.frozen
class Policy:
    """
    What an administrator allows.  The default allows everything and
    changes nothing.

    Attributes:
        allow: Permission patterns a plugin may be granted; None for all.

        deny: Permission patterns no plugin may be granted.

        isolation: The tier every plugin must run in, whatever its
            manifest says; None to follow the manifests.

        scan_blocks: The scanner severity that keeps a plugin out,
            overriding the host's setting; None to keep it.

        breach_limit: Budget breaches before quarantine, overriding the
            host's setting; None to keep it.

        ceilings: ``(Limits attribute, ceiling)`` pairs: no plugin's
            ``[limits]`` value may be higher.

        settings: Setting values enforced per plugin, over every
            configuration file (checked against the plugin's manifest
            when it loads).

        source: Where the policy came from, for messages.
    """

    allow: tuple[str, ...] | None = None
    deny: tuple[str, ...] = ()
    isolation: IsolationMode | None = None
    scan_blocks: Severity | None = None
    breach_limit: int | None = None
    ceilings: tuple[tuple[str, float], ...] = ()
    settings: Mapping[str, Mapping[str, Any]] = attrs.Factory(dict)
    source: str = "the default policy"
    _allowed: re.Pattern[str] | None = attrs.field(
        init=False, eq=False, repr=False
    )
    _denied: re.Pattern[str] | None = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        allowed = None if self.allow is None else _compile(self.allow)
        object.__setattr__(self, "_allowed", allowed)
        object.__setattr__(self, "_denied", _compile(self.deny))

    def permits(self, permission: str) -> bool:
        """
        Whether *permission* (canonical form) may be granted at all.
        """
        if self._denied is not None and self._denied.fullmatch(permission):
            return False
        if self.allow is None:
            return True
        return self._allowed is not None and bool(
            self._allowed.fullmatch(permission)
        )

    def clamp(self, limits: Limits) -> Limits:
        """
        *limits* with every value above its ceiling lowered to it.  A
        ``steps`` ceiling also applies where the manifest counts none.
        """
        changes = {
            attribute: ceiling
            for attribute, ceiling in self.ceilings
            if getattr(limits, attribute) > ceiling
            or (attribute == "steps" and not limits.steps)
        }
        return attrs.evolve(limits, **changes) if changes else limits  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> Policy:
        """
        Read a policy file.

        Raises:
            PolicyError: Naming every problem, if it is not a valid policy.
        """
        where = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PolicyError(
                where, [f"cannot be read: {exc.strerror}"]
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(where, [f"is not valid TOML: {exc}"]) from None
        return cls.from_dict(data, source=where)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str) -> Policy:
        """
        Build a policy from parsed TOML.

        Raises:
            PolicyError: Naming every problem.
        """
        problems: list[str] = []
        for table, value in data.items():
            if table in _OPEN_TABLES:
                continue
            if table not in _TABLES:
                problems.append(f"{table}: unknown table")
            elif not isinstance(value, dict):
                problems.append(f"{table}: must be a table")
            else:
                problems.extend(
                    f"{table}.{key}: unknown key"
                    for key in value
                    if key not in _TABLES[table]
                )
        permissions = data.get("permissions", {})
        permissions = permissions if isinstance(permissions, dict) else {}
        allow = _patterns(permissions, "allow", problems)
        deny = _patterns(permissions, "deny", problems) or ()
        isolation = _choice(
            data.get("isolation"),
            "isolation",
            "require",
            IsolationMode,
            problems,
        )
        blocks = _choice(
            data.get("scan"), "scan", "blocks", Severity, problems
        )
        breaches = _breaches(data.get("quarantine"), problems)
        ceilings = _ceilings(data.get("limits"), problems)
        settings = _settings(data.get("settings"), problems)
        if problems:
            raise PolicyError(source, problems)
        return cls(
            allow=allow,
            deny=deny,
            isolation=isolation,
            scan_blocks=blocks,
            breach_limit=breaches,
            ceilings=ceilings,
            settings=settings,
            source=source,
        )


def _patterns(
    table: dict[str, Any], key: str, problems: list[str]
) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item for item in value
    ):
        problems.append(
            f"permissions.{key}: must be a list of non-empty strings"
        )
        return None
    return tuple(value)


def _choice(
    table: object, name: str, key: str, kind: type[_E], problems: list[str]
) -> _E | None:
    if not isinstance(table, dict) or key not in table:
        return None
    try:
        return kind(table[key])
    except ValueError:
        options = ", ".join(repr(m.value) for m in kind)
        problems.append(
            f"{name}.{key}: {table[key]!r} is not one of {options}"
        )
        return None


def _breaches(table: object, problems: list[str]) -> int | None:
    if not isinstance(table, dict) or "breaches" not in table:
        return None
    value = table["breaches"]
    if type(value) is not int or value < 1:
        problems.append(
            f"quarantine.breaches: {value!r} is not a whole number >= 1"
        )
        return None
    return value


def _ceilings(
    table: object, problems: list[str]
) -> tuple[tuple[str, float], ...]:
    if not isinstance(table, dict):
        return ()
    found = []
    for key, value in sorted(table.items()):
        if key not in _TABLES["limits"]:
            continue  # reported as an unknown key
        attribute = key.replace("-", "_")
        try:
            # The manifest's own checks: the same types and ranges.
            Limits(**{attribute: value})
        except (TypeError, ValueError) as exc:
            problems.append(f"limits.{key}: {exc}")
            continue
        if attribute == "steps" and value == 0:
            problems.append("limits.steps: a ceiling of 0 would mean none")
            continue
        found.append((attribute, value))
    return tuple(found)


def _settings(table: object, problems: list[str]) -> dict[str, dict[str, Any]]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append("settings: must be a table of plugins")
        return {}
    found = {}
    for plugin, values in table.items():
        if not isinstance(values, dict):
            problems.append(f"settings.{plugin}: must be a table of values")
            continue
        found[plugin] = dict(values)
    return found
