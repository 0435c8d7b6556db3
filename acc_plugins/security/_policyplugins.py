"""
The ``[plugins]`` table of a policy: which plugins may be installed and
loaded, and which the administrator requires or recommends::

    [plugins]
    allow = ["code-*", "publisher:acme", "key:0123456789abcdef"]
    block = ["code-evil", "publisher:shady-*"]
    required = ["audit-log", { plugin = "code-review>=2.1", registry = "corp" }]
    recommended = ["text-tools==1.4.0"]

A pattern matches a plugin by name (shell-style wildcards), by publisher
(``publisher:<pattern>``, as the registry names them) or by the key that
signed its archive (``key:<16 hex digits>``, exactly).  Block wins; with
an ``allow`` list, a plugin that no pattern matches is blocked, except
the plugins the policy itself requires or recommends.

Why publishers and keys, not just names: a name is whatever the author
typed, so ``allow = ["code-*"]`` admits anyone's ``code-anything``.  A
key is who actually signed the archive, and a publisher is who the
registry's owner says holds that key.  A local plugin folder has neither,
so only name patterns can match it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Final

import attrs
from packaging.specifiers import InvalidSpecifier, SpecifierSet


if TYPE_CHECKING:
    from packaging.version import Version

_KINDS: Final = ("name", "publisher", "key")
_NAME_PATTERN: Final = re.compile(r"[a-z0-9*?\[\]!-]+")
_PUBLISHER_PATTERN: Final = re.compile(r"[A-Za-z0-9._*?\[\]!-]+")
_KEY_ID: Final = re.compile(r"[0-9a-f]{16}")
# The prefixed kinds: what follows the colon, and how to say so.
_PREFIXED: Final = {
    "publisher": (_PUBLISHER_PATTERN, "a publisher name pattern"),
    "key": (
        _KEY_ID,
        "a key id: 16 lowercase hex digits, as `keys list` shows it",
    ),
}
_PLUGIN_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_REQUIREMENT: Final = re.compile(r"\s*([a-z][a-z0-9-]*)\s*(.*?)\s*")
_REGISTRY_NAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@attrs.frozen
class PluginPattern:
    """
    One entry of ``[plugins] allow`` or ``block``.

    Attributes:
        kind: ``"name"``, ``"publisher"`` or ``"key"``.

        value: The pattern (for a key, the key id itself).

        text: The entry as the policy wrote it, for messages.
    """

    kind: str = attrs.field(validator=attrs.validators.in_(_KINDS))
    value: str
    text: str

    @classmethod
    def parse(cls, text: str) -> PluginPattern:
        """
        The pattern *text* means.

        Raises:
            ValueError: Saying what a pattern may be.
        """
        head, colon, rest = text.partition(":")
        if not colon:
            if not _NAME_PATTERN.fullmatch(text):
                msg = (
                    f"{text!r} is not a plugin name pattern (lowercase "
                    f"letters, digits, '-' and the wildcards * ? [])"
                )
                raise ValueError(msg)
            return cls("name", text, text)
        if head in _PREFIXED:
            form, what = _PREFIXED[head]
            if not form.fullmatch(rest):
                msg = f"{text!r}: {head!r} takes {what}"
                raise ValueError(msg)
            return cls(head, rest, text)
        msg = (
            f"{text!r}: unknown kind {head!r} (a name pattern, "
            f"'publisher:<pattern>' or 'key:<key id>')"
        )
        raise ValueError(msg)

    def matches(
        self, name: str, publisher: str | None, key_id: str | None
    ) -> bool:
        """
        Whether the plugin *name*, published by *publisher* and signed by
        *key_id* (None for neither), is one this pattern means.
        """
        if self.kind == "name":
            return fnmatch.fnmatchcase(name, self.value)
        if self.kind == "publisher":
            return publisher is not None and fnmatch.fnmatchcase(
                publisher, self.value
            )
        return key_id == self.value


@attrs.frozen
class Requirement:
    """
    A plugin the policy requires or recommends.

    Attributes:
        name: The plugin.

        specifier: The versions that will do (empty: any).

        registry: The registry to install it from; None for the first
            that has it.
    """

    name: str
    specifier: SpecifierSet = attrs.Factory(SpecifierSet)
    registry: str | None = None

    @property
    def text(self) -> str:
        """
        The requirement as written: ``name`` or ``name>=1.2``.
        """
        return f"{self.name}{self.specifier}"

    def satisfied_by(self, version: Version) -> bool:
        """
        Whether *version* of the plugin will do (pre-releases included,
        when the specifier names one).
        """
        return self.specifier.contains(version, prereleases=True)

    @classmethod
    def parse(cls, entry: object) -> Requirement:
        """
        A requirement from a list entry: ``"name"``, ``"name==1.2.0"``,
        ``"name>=1.2"``, or a table ``{ plugin = "name>=1.2", registry =
        "corp" }``.

        Raises:
            ValueError: Saying what an entry may be.
        """
        registry = None
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"plugin", "registry"})
            if unknown:
                msg = f"unknown key {unknown[0]!r} (plugin, registry)"
                raise ValueError(msg)
            registry = entry.get("registry")
            if registry is not None and not (
                isinstance(registry, str)
                and _REGISTRY_NAME.fullmatch(registry)
            ):
                msg = f"registry {registry!r} is not a registry name"
                raise ValueError(msg)
            entry = entry.get("plugin")
        if not isinstance(entry, str):
            msg = (
                "must be a string such as 'name' or 'name>=1.2', or a "
                "table with 'plugin' (and 'registry')"
            )
            raise ValueError(msg)  # noqa: TRY004 -- one error type for every bad entry
        found = _REQUIREMENT.fullmatch(entry)
        if found is None or not _PLUGIN_NAME.fullmatch(found[1]):
            msg = f"{entry!r} does not start with a plugin name"
            raise ValueError(msg)
        try:
            specifier = SpecifierSet(found[2])
        except InvalidSpecifier:
            msg = f"{entry!r}: {found[2]!r} is not a version specifier"
            raise ValueError(msg) from None
        return cls(found[1], specifier, registry)


@attrs.frozen
class PluginRules:
    """
    The ``[plugins]`` table.  The default admits every plugin and requires
    none.

    Attributes:
        allow: Patterns a plugin must match; None admits any.

        block: Patterns no plugin may match; they win over ``allow``.

        required: Plugins that must be installed and enabled: the user
            can neither disable nor uninstall them.

        recommended: Plugins installed by default, which the user may
            disable or uninstall.
    """

    allow: tuple[PluginPattern, ...] | None = None
    block: tuple[PluginPattern, ...] = ()
    required: tuple[Requirement, ...] = ()
    recommended: tuple[Requirement, ...] = ()

    def refusal(
        self, name: str, publisher: str | None, key_id: str | None
    ) -> str | None:
        """
        The rule that keeps the plugin out, in words; None if none does.
        """
        for pattern in self.block:
            if pattern.matches(name, publisher, key_id):
                return f"[plugins] block matches {pattern.text!r}"
        if self.allow is None or self.named(name) is not None:
            return None
        if any(p.matches(name, publisher, key_id) for p in self.allow):
            return None
        who = ", ".join(
            f"{what} {value!r}"
            for what, value in (
                ("name", name),
                ("publisher", publisher),
                ("key", key_id),
            )
            if value is not None
        )
        return f"[plugins] allow has no pattern matching it ({who})"

    def named(self, name: str) -> Requirement | None:
        """
        The requirement or recommendation for *name*, if the policy names
        it (required first).
        """
        for requirement in (*self.required, *self.recommended):
            if requirement.name == name:
                return requirement
        return None

    def requirement(self, name: str) -> Requirement | None:
        """
        The requirement for *name*, if the policy requires it.
        """
        return next((r for r in self.required if r.name == name), None)
