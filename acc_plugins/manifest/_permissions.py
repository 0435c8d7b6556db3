"""
The permission grammar: permission text to permission objects and back.

A permission has two spellings.
The *entry* is what a plugin writes in its ``[permissions]`` table,
for example ``"read:${workspace}/src/**"`` in the ``filesystem`` array.
The *canonical* form puts the kind in front,
``"fs:read:${workspace}/src/**"``,
and names the permission everywhere else: policies, grants, audit records.
"""

import difflib
import re
from collections.abc import Callable, Iterable
from typing import ClassVar, Final, Literal, Self, TypeAlias

import attrs


PLUGIN_NAME_PATTERN: Final = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"

FsAccess: TypeAlias = Literal["read", "write"]
FsRoot: TypeAlias = Literal["data", "plugin", "workspace"]
Scheme: TypeAlias = Literal["http", "https"]

_FS_ACCESS: Final[tuple[FsAccess, ...]] = ("read", "write")
_FS_ROOTS: Final[tuple[FsRoot, ...]] = ("data", "plugin", "workspace")
_ROOTS_TEXT: Final = "${workspace}, ${plugin} or ${data}"
_SEGMENT_CHARS: Final = re.compile(r"[A-Za-z0-9._+@=,%*?-]+")
_DNS_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_OCTET: Final = re.compile(r"0|[1-9][0-9]{0,2}")
_PORT: Final = re.compile(r"[1-9][0-9]{0,4}")
_ENV_NAME: Final = re.compile(r"[A-Z_][A-Z0-9_]*")
_COMMAND: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
_CLAUDE_TOOL: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PLUGIN_TOOL: Final = re.compile(
    rf"(?:{PLUGIN_NAME_PATTERN})\.(?:[A-Za-z_][A-Za-z0-9_]*|\*)"
)
_IPV4_OCTETS: Final = 4
_OCTET_MAX: Final = 255
_PORT_MAX: Final = 65535
_HOST_MAX: Final = 253
_WILDCARD_MIN_LABELS: Final = 2
_URL_PARTS: Final = {
    "#": "a fragment",
    "/": "a path",
    "?": "a query",
    "@": "user information",
}
_TOO_BROAD_HOST: Final = (
    "is too broad; name a host such as 'api.example.com' or '*.example.com'"
)

# Host APIs a plugin may ask for, and the argument each one needs
# (None: no argument). Sorted, so a reviewer reads the whole surface at once.
HOST_APIS: Final[tuple[tuple[str, str | None], ...]] = (
    ("claude.query", None),
    ("claude.tools", "<tool-name>"),
    ("events.emit", None),
    ("sessions", None),
    ("tools", "<plugin>.<tool> or <plugin>.*"),
)
_HOST_ARGUMENTS: Final = dict(HOST_APIS)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """
    Return ``"; did you mean 'x'?"`` for the closest candidate, or ``""``.
    """
    choices = list(candidates)
    # A difference in case only is surely a slip: 'mit' means 'MIT'.
    folded = [c for c in choices if c.lower() == word.lower()]
    matches = folded or difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def matching(
    pattern: str, what: str, advice: str = ""
) -> Callable[[object, object, str], None]:
    """
    Make a validator saying "'x' is not a valid <what>; <advice>".
    """
    regex = re.compile(pattern)
    tail = f"; {advice}" if advice else ""

    def check(_: object, __: object, value: str) -> None:
        if not regex.fullmatch(value):
            msg = f"{value!r} is not a valid {what}{tail}"
            raise ValueError(msg)

    return check


class _Kind:
    """
    What every kind of permission offers.

    ``ENTRY_PATTERN`` feeds the JSON Schema; ``from_entry`` has the last word.
    """

    __slots__ = ()
    PREFIX: ClassVar[str]
    ENTRY_PATTERN: ClassVar[str]

    @property
    def entry(self) -> str:
        """
        The form written in the ``[permissions]`` table.
        """
        raise NotImplementedError

    @property
    def canonical(self) -> str:
        """
        The form that names the permission everywhere else.
        """
        return f"{self.PREFIX}:{self.entry}"


def _check_pattern(_: object, __: object, pattern: str) -> None:
    """
    Refuse a path pattern that could leave its root or be read two ways.
    """
    if not pattern:
        return
    for segment in pattern.split("/"):
        if not segment:
            msg = (
                "empty path segments ('//' or a trailing '/') are not allowed"
            )
            raise ValueError(msg)
        if segment in {".", ".."}:
            msg = f"{segment!r} segments are not allowed"
            raise ValueError(msg)
        if "**" in segment and segment != "**":
            msg = f"'**' must be a whole path segment, not part of {segment!r}"
            raise ValueError(msg)
        if not _SEGMENT_CHARS.fullmatch(segment):
            msg = (
                f"{segment!r} is not allowed in a path; use letters, digits,"
                " '._-+@=,%' and the wildcards '*' and '?'"
            )
            raise ValueError(msg)


@attrs.frozen
class FilesystemPermission(_Kind):
    """
    Access to files below one of the roots the host provides.

    Attributes:
        access: ``"read"`` or ``"write"``.

        root: ``"workspace"``, ``"plugin"`` or ``"data"``,
            written ``${workspace}`` and so on.

        pattern: Glob segments after the root and its ``/``;
            empty for the whole root.
    """

    PREFIX: ClassVar[str] = "fs"
    ENTRY_PATTERN: ClassVar[str] = (
        r"^(read|write):\$\{(workspace|plugin|data)\}(/[A-Za-z0-9._+@=,%*?-]+)*$"
    )

    access: FsAccess = attrs.field(validator=attrs.validators.in_(_FS_ACCESS))
    root: FsRoot = attrs.field(validator=attrs.validators.in_(_FS_ROOTS))
    pattern: str = attrs.field(default="", validator=_check_pattern)

    @property
    def entry(self) -> str:
        tail = f"/{self.pattern}" if self.pattern else ""
        return f"{self.access}:${{{self.root}}}{tail}"

    @classmethod
    def from_entry(cls, text: str) -> Self:
        """
        Parse a ``filesystem`` entry such as ``"read:${workspace}/**"``.
        """
        access, sep, path = text.partition(":")
        if not sep or access not in _FS_ACCESS:
            msg = f"{text!r} must start with 'read:' or 'write:'"
            raise ValueError(msg)
        absolute = path.startswith("/") or re.match(r"[A-Za-z]:", path)
        for refused, msg in (
            ("\\" in path, "backslashes are not allowed; separate with '/'"),
            ("\x00" in path, "NUL characters are not allowed"),
            (absolute, f"{path!r} is absolute; start it with {_ROOTS_TEXT}"),
            (path.startswith("~"), f"'~' is not allowed; use {_ROOTS_TEXT}"),
        ):
            if refused:
                raise ValueError(msg)
        for root in _FS_ROOTS:
            token = f"${{{root}}}"
            if path == token:
                return cls(access, root)
            if path.startswith(f"{token}/"):
                rest = path.removeprefix(f"{token}/")
                # '${data}/' would otherwise read as the whole root.
                _check_pattern(None, None, rest or "/")
                return cls(access, root, rest)
        msg = f"{path!r} must start with {_ROOTS_TEXT}"
        raise ValueError(msg)


def _is_ipv4(labels: list[str]) -> bool:
    return len(labels) == _IPV4_OCTETS and all(
        _OCTET.fullmatch(octet) and int(octet) <= _OCTET_MAX
        for octet in labels
    )


def _check_host(_: object, __: object, host: str) -> None:
    """
    Accept a lowercase DNS name, ``*.`` and a DNS name, IPv4 or localhost.
    """
    if host != host.lower():
        msg = f"{host!r} must be lowercase: {host.lower()!r}"
        raise ValueError(msg)
    labels = host.split(".")
    wildcard = labels[0] == "*"
    if wildcard:
        labels = labels[1:]
    # '*.com' would be a whole top-level domain.
    if host == "*" or (wildcard and len(labels) < _WILDCARD_MIN_LABELS):
        msg = f"{host!r} {_TOO_BROAD_HOST}"
        raise ValueError(msg)
    if "*" in ".".join(labels):
        msg = f"in {host!r}, '*' may only be the whole leftmost label"
        raise ValueError(msg)
    if all(label.isascii() and label.isdigit() for label in labels):
        if wildcard or not _is_ipv4(labels):
            msg = f"{host!r} is not a valid IPv4 address"
            raise ValueError(msg)
        return
    if (
        len(host) > _HOST_MAX
        or not all(_DNS_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        msg = (
            f"{host!r} is not a valid host name"
            " (write international names in their 'xn--' form)"
        )
        raise ValueError(msg)


def _check_port(_: object, __: object, port: int | None) -> None:
    if port is not None and (
        type(port) is not int or not 0 < port <= _PORT_MAX
    ):
        msg = f"port must be from 1 to 65535, got {port!r}"
        raise ValueError(msg)


@attrs.frozen
class NetworkPermission(_Kind):
    """
    Requests to one host, or to every subdomain of one (``*.example.com``).

    Attributes:
        scheme: ``"https"`` (the default when none is written) or ``"http"``.

        host: A lowercase host name, ``*.`` and a host name,
            an IPv4 address or ``localhost``.

        port: The only port allowed, or ``None`` for the scheme's default.
    """

    PREFIX: ClassVar[str] = "net"
    ENTRY_PATTERN: ClassVar[str] = (
        r"^(https?://)?(\*\.)?[a-z0-9.-]+(:[1-9][0-9]{0,4})?$"
    )

    scheme: Scheme = attrs.field(
        validator=attrs.validators.in_(("http", "https"))
    )
    host: str = attrs.field(validator=_check_host)
    port: int | None = attrs.field(default=None, validator=_check_port)

    @property
    def entry(self) -> str:
        port = "" if self.port is None else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}"

    @classmethod
    def from_entry(cls, text: str) -> Self:
        """
        Parse a ``network`` entry such as ``"https://api.example.com"``.
        """
        scheme, sep, rest = text.partition("://")
        if not sep:
            scheme, rest = "https", text
        elif scheme not in {"http", "https"}:
            msg = f"scheme {scheme!r} is not allowed; use https or http"
            raise ValueError(msg)
        host, sep, port_text = rest.partition(":")
        extra = next((c for c in "/?#@" if c in rest), None)
        for refused, msg in (
            (
                extra,
                (
                    f"{text!r} has {_URL_PARTS.get(extra or '')}; name only"
                    " the host and the port"
                ),
            ),
            (rest.startswith("["), "IPv6 addresses are not supported"),
            (not host, f"{text!r} names no host"),
        ):
            if refused:
                raise ValueError(msg)
        port = None
        if sep:
            if not _PORT.fullmatch(port_text) or int(port_text) > _PORT_MAX:
                msg = f"port must be from 1 to 65535, got {port_text!r}"
                raise ValueError(msg)
            port = int(port_text)
        return cls("http" if scheme == "http" else "https", host, port)


@attrs.frozen
class EnvironmentPermission(_Kind):
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
class ProcessPermission(_Kind):
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
class HostPermission(_Kind):
    """
    Calling one API the host offers to plugins.

    Attributes:
        api: The API's name, such as ``"claude.query"``.

        argument: What the API is limited to, where it needs that:
            a Claude tool name for ``claude.tools``,
            ``<plugin>.<tool>`` or ``<plugin>.*`` for ``tools``.
    """

    PREFIX: ClassVar[str] = "host"
    ENTRY_PATTERN: ClassVar[str] = (
        r"^(claude\.query|claude\.tools:[A-Za-z0-9_-]{1,64}|events\.emit"
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
