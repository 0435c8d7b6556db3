"""
Reading a policy file's TOML into what a `Policy` is made of, with every
problem found at once, each naming its key (``plugins.allow[2]: ...``).

Why every problem at once, and nothing of a bad file: a policy is
enforced on a fleet, so an administrator fixes it in one pass, and a
policy that is half understood must not be half applied (a misspelt
``blok`` list would silently admit what it meant to keep out).
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from acc_plugins.manifest import IsolationMode, Limits

from ._admission import Signatures
from ._policyplugins import PluginPattern, PluginRules, Requirement
from ._policyregistries import RegistryRules
from ._rules import Severity
from ._updatemode import UpdateMode


if TYPE_CHECKING:
    from ._adminpolicy import Policy

_E = TypeVar("_E", IsolationMode, Severity, Signatures, UpdateMode)

TABLES: Final = {
    "permissions": {"allow", "deny", "refuse"},
    "plugins": {"allow", "block", "required", "recommended"},
    "registries": {"allow"},
    "signatures": {"require"},
    "isolation": {"require"},
    "scan": {"blocks"},
    "quarantine": {"breaches"},
    "updates": {"auto"},
    "limits": {f.name.replace("_", "-") for f in attrs.fields(Limits)},
}
# Tables whose keys are free (plugin names); checked on their own.
_OPEN_TABLES: Final = {"settings"}
MODES: Final = ("enforce", "report-only")


def compile_patterns(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """
    One regular expression matching what any of the shell-style
    *patterns* matches; None for no patterns.
    """
    parts = [fnmatch.translate(p) for p in patterns]
    return re.compile("|".join(parts)) if parts else None


def policy_fields(data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """
    The `Policy` attributes *data* (a parsed policy file) gives, adding
    each problem found to *problems*.
    """
    _check_layout(data, problems)
    permissions = _table(data, "permissions")
    return {
        "allow": _strings(permissions, "permissions", "allow", problems),
        "deny": _strings(permissions, "permissions", "deny", problems) or (),
        "refuse": _strings(permissions, "permissions", "refuse", problems)
        or (),
        "plugins": _plugins(_table(data, "plugins"), problems),
        "registries": _registries(_table(data, "registries"), problems),
        "signatures": _choice(
            data.get("signatures"),
            "signatures",
            "require",
            Signatures,
            problems,
        )
        or Signatures.NONE,
        "isolation": _choice(
            data.get("isolation"),
            "isolation",
            "require",
            IsolationMode,
            problems,
        ),
        "scan_blocks": _choice(
            data.get("scan"), "scan", "blocks", Severity, problems
        ),
        "breach_limit": _breaches(data.get("quarantine"), problems),
        "ceilings": _ceilings(data.get("limits"), problems),
        "settings": _settings(data.get("settings"), problems),
        "report_only": _mode(data.get("mode", "enforce"), problems),
        "auto_update": _choice(
            data.get("updates"), "updates", "auto", UpdateMode, problems
        ),
    }


def _check_layout(data: dict[str, Any], problems: list[str]) -> None:
    for table, value in data.items():
        if table in _OPEN_TABLES or table == "mode":
            continue
        if table not in TABLES:
            problems.append(f"{table}: unknown table")
        elif not isinstance(value, dict):
            problems.append(f"{table}: must be a table")
        else:
            problems.extend(
                f"{table}.{key}: unknown key"
                for key in value
                if key not in TABLES[table]
            )


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    return value if isinstance(value, dict) else {}


def _mode(value: object, problems: list[str]) -> bool:
    if value not in MODES:
        options = ", ".join(repr(m) for m in MODES)
        problems.append(f"mode: {value!r} is not one of {options}")
        return False
    return value == "report-only"


def _strings(
    table: dict[str, Any], name: str, key: str, problems: list[str]
) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item for item in value
    ):
        problems.append(f"{name}.{key}: must be a list of non-empty strings")
        return None
    return tuple(value)


def _patterns(
    table: dict[str, Any], key: str, problems: list[str]
) -> tuple[PluginPattern, ...] | None:
    texts = _strings(table, "plugins", key, problems)
    if texts is None:
        return None
    found = []
    for index, text in enumerate(texts):
        try:
            found.append(PluginPattern.parse(text))
        except ValueError as exc:
            problems.append(f"plugins.{key}[{index}]: {exc}")
    return tuple(found)


def _requirements(
    table: dict[str, Any], key: str, problems: list[str]
) -> tuple[Requirement, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        problems.append(f"plugins.{key}: must be a list")
        return ()
    found: dict[str, Requirement] = {}
    for index, entry in enumerate(value):
        try:
            requirement = Requirement.parse(entry)
        except ValueError as exc:
            problems.append(f"plugins.{key}[{index}]: {exc}")
            continue
        if requirement.name in found:
            problems.append(
                f"plugins.{key}[{index}]: {requirement.name!r} is listed twice"
            )
        found[requirement.name] = requirement
    return tuple(found.values())


def _plugins(table: dict[str, Any], problems: list[str]) -> PluginRules:
    rules = PluginRules(
        allow=_patterns(table, "allow", problems),
        block=_patterns(table, "block", problems) or (),
        required=_requirements(table, "required", problems),
        recommended=_requirements(table, "recommended", problems),
    )
    required = {r.name for r in rules.required}
    problems.extend(
        f"plugins.recommended: {requirement.name!r} is required too"
        for requirement in rules.recommended
        if requirement.name in required
    )
    for key in ("required", "recommended"):
        for requirement in getattr(rules, key):
            problems.extend(
                f"plugins.{key}: {requirement.name!r} is also blocked, by "
                f"{pattern.text!r}"
                for pattern in rules.block
                if pattern.kind == "name"
                and pattern.matches(requirement.name, None, None)
            )
    return rules


def _registries(table: dict[str, Any], problems: list[str]) -> RegistryRules:
    allow = _strings(table, "registries", "allow", problems)
    for index, text in enumerate(allow or ()):
        problem = RegistryRules.check(text)
        if problem is not None:
            problems.append(f"registries.allow[{index}]: {problem}")
    return RegistryRules(allow)


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
        if key not in TABLES["limits"]:
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


def policy_json(policy: Policy) -> dict[str, Any]:
    """
    *policy* as JSON data laid out like its file (``mode`` and one object
    per table), every rule present, defaults included.
    """
    rules = policy.plugins

    def requirements(found: tuple[Requirement, ...]) -> list[dict[str, Any]]:
        return [{"plugin": r.text, "registry": r.registry} for r in found]

    return {
        "source": policy.source,
        "mode": MODES[policy.report_only],
        "plugins": {
            "allow": None
            if rules.allow is None
            else [p.text for p in rules.allow],
            "block": [p.text for p in rules.block],
            "required": requirements(rules.required),
            "recommended": requirements(rules.recommended),
        },
        "registries": {"allow": _listed(policy.registries.allow)},
        "signatures": {"require": policy.signatures.value},
        "permissions": {
            "allow": _listed(policy.allow),
            "deny": list(policy.deny),
            "refuse": list(policy.refuse),
        },
        "isolation": {
            "require": policy.isolation.value if policy.isolation else None
        },
        "scan": {
            "blocks": policy.scan_blocks.value if policy.scan_blocks else None
        },
        "quarantine": {"breaches": policy.breach_limit},
        "updates": {
            "auto": policy.auto_update.value if policy.auto_update else None
        },
        "limits": {a.replace("_", "-"): c for a, c in policy.ceilings},
        "settings": {k: dict(v) for k, v in policy.settings.items()},
    }


def _listed(patterns: tuple[str, ...] | None) -> list[str] | None:
    return None if patterns is None else list(patterns)
