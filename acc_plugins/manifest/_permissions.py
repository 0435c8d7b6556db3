"""
The permission grammar: permission text to permission objects and back.

A permission has two spellings.
The *entry* is what a plugin writes in its ``[permissions]`` table,
for example ``"read:${workspace}/src/**"`` in the ``filesystem`` array.
The *canonical* form puts the kind in front,
``"fs:read:${workspace}/src/**"``,
and names the permission everywhere else: policies, grants, audit records.

The ``environment``, ``process`` and ``host`` kinds live here, with the
``Permission`` union, ``parse_permission`` and the ``Permissions`` table;
``_filesystem`` and ``_network`` hold the kinds with the most grammar.
"""

import re
from typing import ClassVar, Final, Self, TypeAlias

import attrs

from acc_plugins.manifest._checks import (
    PLUGIN_NAME_PATTERN,
    did_you_mean,
    matching,
)
from acc_plugins.manifest._filesystem import FilesystemPermission
from acc_plugins.manifest._kind import PermissionKind
from acc_plugins.manifest._network import NetworkPermission


_ENV_NAME: Final = re.compile(r"[A-Z_][A-Z0-9_]*")
_COMMAND: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
_CLAUDE_TOOL: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
# ``plugin.name`` or ``plugin.*``: a tool or an agent of another plugin
# (their names may hold ``-``, as the SDK allows).
_PLUGIN_TOOL: Final = re.compile(
    rf"(?:{PLUGIN_NAME_PATTERN})\.(?:[A-Za-z_][A-Za-z0-9_-]*|\*)"
)

# Host APIs a plugin may ask for, and the argument each one needs
# (None: no argument). Sorted, so a reviewer reads the whole surface at once.
HOST_APIS: Final[tuple[tuple[str, str | None], ...]] = (
    ("claude.query", None),
    ("claude.tools", "<tool-name>"),
    ("events.emit", None),
    ("prompt.inject", "<plugin>.<agent> or <plugin>.*"),
    ("sessions", None),
    ("tools", "<plugin>.<tool> or <plugin>.*"),
)
_HOST_ARGUMENTS: Final = dict(HOST_APIS)


@attrs.frozen
class EnvironmentPermission(PermissionKind):
    """
    Reading one environment variable, or every one with a prefix.

    Attributes:
        name: The variable's name, or the prefix when ``prefix`` is set.

        prefix: Whether ``name`` is a prefix (written with a trailing ``*``).
    """

    PREFIX: ClassVar[str] = "env"
    ENTRY_PATTERN: ClassVar[str] = r"^[A-Z_][A-Z0-9_]*\*?$"

    name: str = attrs.field(
        validator=matching(_ENV_NAME.pattern, "environment variable name")
    )
    prefix: bool = False

    @property
    def entry(self) -> str:
        return f"{self.name}*" if self.prefix else self.name

    @classmethod
    def from_entry(cls, text: str) -> Self:
        """
        Parse an ``environment`` entry such as ``"GITHUB_TOKEN"``.
        """
        if text == "*":
            msg = (
                "'*' is too broad; name a variable such as 'GITHUB_TOKEN'"
                " or a prefix such as 'ACC_*'"
            )
            raise ValueError(msg)
        name = text.removesuffix("*")
        if not _ENV_NAME.fullmatch(name):
            msg = (
                f"{text!r} is not an environment variable name; use"
                " upper-case letters, digits and '_', and a trailing '*'"
                " for a prefix"
            )
            raise ValueError(msg)
        return cls(name, prefix=name != text)


@attrs.frozen
class ProcessPermission(PermissionKind):
    """
    Running one program, looked up by name on the host's ``PATH``.

    Attributes:
        command: The program's name, such as ``"git"``.
    """

    PREFIX: ClassVar[str] = "process"
    ENTRY_PATTERN: ClassVar[str] = f"^{_COMMAND.pattern}$"

    command: str = attrs.field(validator=matching(_COMMAND.pattern, "command"))

    @property
    def entry(self) -> str:
        return self.command

    @classmethod
    def from_entry(cls, text: str) -> Self:
        """
        Parse a ``process`` entry such as ``"git"``.
        """
        for refused, msg in (
            (
                "/" in text or "\\" in text,
                f"{text!r} is a path; name the command",
            ),
            (any(c.isspace() for c in text), "name one command, no arguments"),
            (
                not _COMMAND.fullmatch(text),
                (
                    f"{text!r} is not a command name; use letters, digits"
                    " and '._+-', starting with a letter or digit"
                ),
            ),
        ):
            if refused:
                raise ValueError(msg)
        return cls(text)


def _host_argument_problem(api: str, argument: str | None) -> str | None:
    if api not in _HOST_ARGUMENTS:
        return f"unknown host API {api!r}{did_you_mean(api, _HOST_ARGUMENTS)}"
    wanted = _HOST_ARGUMENTS[api]
    if wanted is None:
        if argument is not None:
            return f"host API {api!r} takes no argument"
        return None
    pattern = _CLAUDE_TOOL if api == "claude.tools" else _PLUGIN_TOOL
    if argument is None or not pattern.fullmatch(argument):
        return f"host API {api!r} needs an argument: '{api}:{wanted}'"
    return None


@attrs.frozen
class HostPermission(PermissionKind):
    """
    Calling one API the host offers to plugins.

    Attributes:
        api: The API's name, such as ``"claude.query"``.

        argument: What the API is limited to, where it needs that:
            a Claude tool name for ``claude.tools``,
            ``<plugin>.<tool>`` or ``<plugin>.*`` for ``tools``,
            ``<plugin>.<agent>`` or ``<plugin>.*`` for ``prompt.inject``.
    """

    PREFIX: ClassVar[str] = "host"
    ENTRY_PATTERN: ClassVar[str] = (
        r"^(claude\.query|claude\.tools:[A-Za-z0-9_-]{1,64}|events\.emit"
        rf"|prompt\.inject:{_PLUGIN_TOOL.pattern}"
        rf"|sessions|tools:{_PLUGIN_TOOL.pattern})$"
    )

    api: str
    argument: str | None = None

    def __attrs_post_init__(self) -> None:
        problem = _host_argument_problem(self.api, self.argument)
        if problem:
            raise ValueError(problem)

    @property
    def entry(self) -> str:
        tail = "" if self.argument is None else f":{self.argument}"
        return f"{self.api}{tail}"

    @classmethod
    def from_entry(cls, text: str) -> Self:
        """
        Parse a ``host`` entry such as ``"tools:text-tools.*"``.
        """
        api, sep, argument = text.partition(":")
        return cls(api, argument if sep else None)


Permission: TypeAlias = (
    FilesystemPermission
    | NetworkPermission
    | EnvironmentPermission
    | ProcessPermission
    | HostPermission
)

_KINDS: Final[dict[str, type[Permission]]] = {
    kind.PREFIX: kind
    for kind in (
        EnvironmentPermission,
        FilesystemPermission,
        HostPermission,
        NetworkPermission,
        ProcessPermission,
    )
}


def parse_permission(text: str) -> Permission:
    """
    Parse a permission in canonical form, such as ``"net:https://x.org"``.

    Args:
        text: ``<kind>:<entry>``, where kind is ``env``, ``fs``, ``host``,
            ``net`` or ``process``.

    Returns:
        The permission; its ``canonical`` property gives back the text.

    Raises:
        ValueError: The text is not a valid permission; the message says why.
    """
    prefix, sep, entry = text.partition(":")
    kind = _KINDS.get(prefix) if sep else None
    if kind is None:
        kinds = ", ".join(f"'{name}:'" for name in _KINDS)
        msg = (
            f"{text!r} does not start with a permission kind ({kinds})"
            f"{did_you_mean(prefix, _KINDS)}"
        )
        raise ValueError(msg)
    return kind.from_entry(entry)


@attrs.frozen(kw_only=True)
class Permissions:
    """
    What a plugin asks to be allowed to do, by kind.

    Attributes:
        filesystem: Files it reads or writes.

        network: Hosts it talks to.

        environment: Environment variables it reads.

        process: Programs it runs.

        host: Host APIs it calls.
    """

    filesystem: tuple[FilesystemPermission, ...] = ()
    network: tuple[NetworkPermission, ...] = ()
    environment: tuple[EnvironmentPermission, ...] = ()
    process: tuple[ProcessPermission, ...] = ()
    host: tuple[HostPermission, ...] = ()

    @property
    def all(self) -> tuple[Permission, ...]:
        """
        Every permission, in the order of the fields and then of the entries.
        """
        return (
            *self.filesystem,
            *self.network,
            *self.environment,
            *self.process,
            *self.host,
        )
