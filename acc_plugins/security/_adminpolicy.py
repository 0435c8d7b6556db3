"""
The administrator's policy: which plugins may be installed and loaded,
the third term of a plugin's effective grants, and the settings a user
may not loosen.

A policy is a TOML file::

    mode = "enforce"              # or "report-only": log, audit, block nothing

    [plugins]
    allow = ["code-*", "publisher:acme", "key:0123456789abcdef"]
    block = ["publisher:shady"]   # wins over allow
    required = ["audit-log"]      # installed, enabled, cannot be removed
    recommended = ["text-tools>=1.2"]

    [registries]
    allow = ["corp", "https://plugins.corp.example/*"]

    [signatures]
    require = "verified"          # "none", "signed" or "verified"

    [permissions]
    allow = ["fs:read:*", "host:claude.query", "env:CI"]   # absent: all
    deny = ["process:*", "net:*"]     # never granted
    refuse = ["process:*"]            # a plugin asking for it is blocked

    [isolation]
    require = "subprocess"        # every plugin in a worker process

    [scan]
    blocks = "high"               # findings this bad keep a plugin out

    [quarantine]
    breaches = 3                  # budget breaches before quarantine

    [updates]
    auto = "patch"                # forces the users' auto-update setting

    [settings.code-reviewer]      # values no user or project may change
    style = "strict"

    [limits]                      # ceilings on every plugin's [limits]
    timeout-ms = 10000
    memory-mb = 256
    steps = 100000000             # also imposed where a manifest counts none

Permission patterns match canonical permissions (as ``acc-plugins
permissions show`` prints them) with shell-style wildcards; ``*`` crosses
``:`` and ``/``.  A permission is allowed when it matches some ``allow``
pattern (or there is no ``allow`` list) and no ``deny`` pattern.  Deny
wins.  ``deny`` only drops the grant; ``refuse`` keeps out the plugin
that asks.
"""

from __future__ import annotations

import fnmatch
import tomllib
from typing import TYPE_CHECKING, Any

import attrs

from acc_plugins.errors import PolicyError

from ._admission import (
    Signatures,
    Verdict,
    registry_of,
    signature_refusal,
)
from ._policyfile import compile_patterns, policy_fields, policy_json
from ._policyplugins import PluginRules, Requirement
from ._policyregistries import RegistryRules


if TYPE_CHECKING:
    import re
    from collections.abc import Mapping
    from pathlib import Path

    from acc_plugins.manifest import IsolationMode, Limits, Manifest

    from ._admission import Provenance
    from ._rules import Severity
    from ._updatemode import UpdateMode


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

        refuse: Permission patterns that keep out a plugin requesting a
            matching permission.

        plugins: Plugins allowed, blocked, required and recommended.

        registries: The registries plugins may be installed from.

        signatures: The signatures every plugin needs.

        report_only: Whether the rules that keep plugins out (``plugins``,
            ``registries``, ``signatures``, ``refuse``) only log and audit
            what they would block.  The rest always applies.

        auto_update: The automatic-update mode every user gets, over
            their own ``auto-update`` setting; None to leave it to them.

        source: Where the policy came from, for messages.
    """

    allow: tuple[str, ...] | None = None
    deny: tuple[str, ...] = ()
    isolation: IsolationMode | None = None
    scan_blocks: Severity | None = None
    breach_limit: int | None = None
    ceilings: tuple[tuple[str, float], ...] = ()
    settings: Mapping[str, Mapping[str, Any]] = attrs.Factory(dict)
    refuse: tuple[str, ...] = ()
    plugins: PluginRules = attrs.Factory(PluginRules)
    registries: RegistryRules = attrs.Factory(RegistryRules)
    signatures: Signatures = Signatures.NONE
    report_only: bool = False
    auto_update: UpdateMode | None = None
    source: str = "the default policy"
    _allowed: re.Pattern[str] | None = attrs.field(
        init=False, eq=False, repr=False
    )
    _denied: re.Pattern[str] | None = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        allowed = None if self.allow is None else compile_patterns(self.allow)
        object.__setattr__(self, "_allowed", allowed)
        object.__setattr__(self, "_denied", compile_patterns(self.deny))

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

    @property
    def governs_admission(self) -> bool:
        """
        Whether any rule can keep a plugin out (so that a host without
        one need not read where each plugin came from).
        """
        return (
            self.plugins != PluginRules()
            or self.registries.allow is not None
            or self.signatures is not Signatures.NONE
            or bool(self.refuse)
        )

    def admit(
        self,
        manifest: Manifest,
        origin: Provenance | None,
        registry: str | None = None,
        *,
        location: str | None = None,
    ) -> Verdict:
        """
        Whether the plugin *manifest* describes may be installed or
        loaded: the one decision the installer makes before installing
        and the host makes at every load.  Pure: it reads no file.

        Args:
            manifest: The plugin's manifest.

            origin: Where it came from (``acc_plugins.market`` 's
                ``Origin``, or what the installer is about to write);
                None for a local folder, which counts as unsigned and
                without a publisher.

            registry: The registry it is installed from, by name; by
                default the one *origin* names (``registry:<name>``).
                None for a folder or an archive file, which the
                ``[registries]`` rule does not govern.

            location: That registry's folder or URL, for location
                patterns in ``[registries] allow``; None when unknown.

        Returns:
            Every rule the plugin breaks, each naming this policy's file.
            In report-only mode it is allowed whatever the reasons.
        """
        name = manifest.plugin.name
        publisher = origin.publisher if origin is not None else None
        key_id = origin.key_id if origin is not None else None
        rules = [
            self.plugins.refusal(name, publisher, key_id),
            signature_refusal(self.signatures, origin),
        ]
        registry = registry if registry is not None else registry_of(origin)
        if registry is not None:
            rules.append(self.registries.refusal(registry, location))
        rules.extend(self._refusals(manifest))
        return Verdict.of(
            [rule for rule in rules if rule is not None],
            source=self.source,
            report_only=self.report_only,
        )

    def _refusals(self, manifest: Manifest) -> list[str]:
        found = []
        for permission in sorted(
            {p.canonical for p in manifest.permissions.all}
        ):
            pattern = next(
                (p for p in self.refuse if fnmatch.fnmatchcase(permission, p)),
                None,
            )
            if pattern is not None:
                found.append(
                    f"[permissions] refuse matches {pattern!r}, and it "
                    f"requests {permission!r}"
                )
        return found

    def allows_registry(
        self, name: str | None, location: str | None
    ) -> Verdict:
        """
        Whether plugins may be installed from the registry called *name*
        at *location* (for ``acc-plugins registry add`` and the installer,
        before anything is fetched).
        """
        rule = self.registries.refusal(name, location)
        return Verdict.of(
            [rule] if rule else [],
            source=self.source,
            report_only=self.report_only,
        )

    @property
    def required(self) -> tuple[Requirement, ...]:
        """
        Plugins that must be installed and enabled; the user can neither
        disable nor uninstall them.
        """
        return self.plugins.required

    @property
    def recommended(self) -> tuple[Requirement, ...]:
        """
        Plugins installed by default; the user may disable or uninstall
        them.
        """
        return self.plugins.recommended

    def may_disable(self, name: str) -> Verdict:
        """
        Whether the user may disable or uninstall the plugin *name*: not
        when the policy requires it (unless it only reports).
        """
        requirement = self.plugins.requirement(name)
        rules = []
        if requirement is not None:
            rules.append(
                f"[plugins] required lists {requirement.text!r}: it "
                f"cannot be disabled or uninstalled"
            )
        return Verdict.of(
            rules, source=self.source, report_only=self.report_only
        )

    def to_json(self) -> dict[str, Any]:
        """
        The policy as JSON data laid out like its file: ``source``,
        ``mode``, and one object per table with every rule, defaults
        included (None where a rule is absent: "any").
        """
        return policy_json(self)

    @classmethod
    def load(cls, path: Path) -> Policy:
        """
        Read a policy file.

        Raises:
            PolicyError: Naming every problem, if it is not a valid policy
                (or cannot be read: a policy that was named must not be
                silently replaced by none).
        """
        where = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PolicyError(
                where, [f"cannot be read: {exc.strerror or exc}"]
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
        fields = policy_fields(data, problems)
        if problems:
            raise PolicyError(source, problems)
        return cls(**fields, source=source)
