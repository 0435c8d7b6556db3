"""
The effective grants of one plugin, and the checks capabilities run.

Every check returns normally (often with the canonical value the capability
must use from then on) or raises ``PermissionDenied`` naming the most useful
permission to add. Malformed requests, such as a path with a NUL character
or a URL with user information, are ``ValueError`` or ``TypeError``: no
permission could allow them.
"""

import ipaddress
import os
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, Literal, Self

import attrs

from acc_plugins.errors import PermissionDenied
from acc_plugins.manifest import (
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    NetworkPermission,
    Permission,
    ProcessPermission,
)
from acc_plugins.security import _paths
from acc_plugins.security._roots import ROOT_NAMES, FsRoot, Roots


__all__ = ["FsRoot", "Grants", "Roots"]

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_DNS_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# inet_aton, behind getaddrinfo, reads '127.1', '0x7f.0.0.1' and
# '2130706433' as addresses: hosts made only of such labels must be
# dotted-quad IPv4 to be matched at all.
_NUMERIC_LABEL: Final = re.compile(r"0x[0-9a-f]*|[0-9]+")
_UNSAFE_URL_CHARS: Final = re.compile(r"[\x00-\x20\x7f\\]")
_HOST_MAX: Final = 253


def _text(value: object, what: str) -> str:
    """
    Return *value*, which plugin code passed, if it is a ``str``.
    """
    if not isinstance(value, str):
        msg = f"{what} must be str, not {type(value)!r}"
        raise TypeError(msg)
    return value


def _check_url_host(url: str, host: str) -> str:
    """
    Return *host* lowercased and IDNA-encoded, or refuse it.
    """
    host = host.removesuffix(".")
    if not host:
        msg = f"{url!r} names no host"
        raise ValueError(msg)
    if ":" in host:
        msg = f"{url!r}: IPv6 addresses are not supported"
        raise ValueError(msg)
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        msg = f"{url!r}: {host!r} is not a valid host name"
        raise ValueError(msg) from exc
    labels = host.split(".")
    if all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError as exc:
            msg = f"{url!r}: {host!r} is not a dotted-quad IPv4 address"
            raise ValueError(msg) from exc
    if len(host) > _HOST_MAX or not all(
        _DNS_LABEL.fullmatch(label) for label in labels
    ):
        msg = f"{url!r}: {host!r} is not a valid host name"
        raise ValueError(msg)
    return host


def _host_matches(granted: str, host: str) -> bool:
    if granted.startswith("*."):
        # '*.example.com' is every subdomain, not example.com itself.
        return host.endswith(granted[1:])
    return host == granted


@attrs.frozen
class Grants:
    """
    What one plugin may do: requested ∩ user-granted ∩ policy-allowed.

    Attributes:
        plugin: The plugin's name, for ``PermissionDenied``.

        roots: What ``${workspace}``, ``${plugin}`` and ``${data}`` are.

        permissions: The granted permissions.
    """

    plugin: str
    roots: Roots
    permissions: frozenset[Permission]

    @classmethod
    def from_permissions(
        cls, permissions: Iterable[Permission], roots: Roots, *, plugin: str
    ) -> Self:
        """
        Build the grants of *plugin* from permission objects.

        Args:
            permissions: The effective permissions; duplicates are merged.

            roots: The directories filesystem permissions refer to.

            plugin: The plugin's name.
        """
        return cls(plugin, roots, frozenset(permissions))

    @property
    def canonical(self) -> frozenset[str]:
        """
        The canonical text of every granted permission.
        """
        return frozenset(p.canonical for p in self.permissions)

    def intersection(self, *others: "Grants") -> Self:
        """
        Keep the permissions that every one of *others* grants as well.

        This first version compares canonical text: ``fs:read:${data}/**``
        and ``fs:read:${data}/cache/**`` have nothing in common, although
        the first covers the second.

        Raises:
            ValueError: The grants are for another plugin or other roots.
        """
        kept = set(self.permissions)
        for other in others:
            if (other.plugin, other.roots) != (self.plugin, self.roots):
                msg = (
                    f"cannot intersect the grants of {self.plugin!r} with"
                    f" those of {other.plugin!r} or with other roots"
                )
                raise ValueError(msg)
            texts = other.canonical
            kept = {p for p in kept if p.canonical in texts}
        return attrs.evolve(self, permissions=frozenset(kept))

    def __and__(self, other: object) -> Self:
        if not isinstance(other, Grants):
            return NotImplemented
        return self.intersection(other)

    def _deny(self, permission: str) -> PermissionDenied:
        return PermissionDenied(self.plugin, permission)

    def _root(self, name: FsRoot) -> str:
        return str(self.roots.path(name))

    def check_path(
        self,
        path: str | os.PathLike[str],
        access: Literal["read", "write"],
    ) -> Path:
        """
        Check that the plugin may *access* *path*.

        Args:
            path: Absolute, or relative to ``${workspace}``.

            access: ``"read"`` or ``"write"``; neither implies the other.

        Returns:
            The canonical absolute path, symlinks resolved: the capability
            must use this path, not the one it was given.

        Raises:
            PermissionDenied: No grant covers the path.

            ValueError: An empty path, a NUL character, an unknown access,
                or ``..`` below a directory that does not exist yet.

            TypeError: Not a ``str`` or ``os.PathLike[str]``.
        """
        if access not in {"read", "write"}:
            msg = f"access must be 'read' or 'write', not {access!r}"
            raise ValueError(msg)
        text = _paths.path_text(path)
        resolved = _paths.resolve(text, self.roots.workspace)
        # The deepest root names the narrowest missing permission.
        inside: list[tuple[FsRoot, str]] = []
        for name in sorted(ROOT_NAMES, key=lambda n: -len(self._root(n))):
            folded = name in self.roots.case_insensitive
            split = _paths.relative_to_root(
                resolved, self._root(name), case_insensitive=folded
            )
            if split is None:
                continue
            spelled, remainder = split
            inside.append((name, remainder))
            if any(
                isinstance(granted, FilesystemPermission)
                and (granted.access, granted.root) == (access, name)
                and _paths.glob_matches(
                    granted.pattern, remainder, case_insensitive=folded
                )
                for granted in self.permissions
            ):
                return Path(spelled)
        if not inside:
            missing = (
                f"fs:{access}:{text} (outside ${{workspace}}, ${{plugin}}"
                " and ${data}: no root contains it)"
            )
        else:
            name, remainder = inside[0]
            pattern = _paths.literal_pattern(remainder)
            missing = FilesystemPermission(access, name, pattern).canonical
        raise self._deny(missing)

    def check_url(self, url: str) -> str:
        """
        Check that the plugin may send a request to *url*.

        Returns:
            The URL normalised: lowercase scheme and IDNA host, the port
            only when it is not the scheme's default, no fragment. The
            capability must request this URL.

        Raises:
            PermissionDenied: No ``net:`` grant covers the scheme, host
                and port.

            ValueError: Not an absolute http(s) URL with a host; user
                information, IPv6, whitespace, control characters and
                backslashes are refused.

            TypeError: Not a ``str``.
        """
        url = _text(url, "a URL")
        if _UNSAFE_URL_CHARS.search(url):
            msg = f"{url!r} has whitespace, control characters or '\\'"
            raise ValueError(msg)
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            msg = f"{url!r}: only http and https URLs are allowed"
            raise ValueError(msg)
        if "@" in parts.netloc:
            msg = f"{url!r}: user information is not allowed in a URL"
            raise ValueError(msg)
        if parts.netloc.startswith("["):
            msg = f"{url!r}: IPv6 addresses are not supported"
            raise ValueError(msg)
        host_text, _, port_text = parts.netloc.partition(":")
        host = _check_url_host(url, host_text)
        port = _DEFAULT_PORTS[scheme]
        if port_text or parts.netloc.endswith(":"):
            if not port_text.isascii() or not port_text.isdigit():
                msg = f"{url!r}: the port must be a number"
                raise ValueError(msg)
            port = int(port_text)
            if not 0 < port <= 65535:  # noqa: PLR2004 -- the last TCP port
                msg = f"{url!r}: the port must be from 1 to 65535"
                raise ValueError(msg)
        for granted in self.permissions:
            if (
                isinstance(granted, NetworkPermission)
                and granted.scheme == scheme
                and (granted.port or _DEFAULT_PORTS[granted.scheme]) == port
                and _host_matches(granted.host, host)
            ):
                break
        else:
            default = port == _DEFAULT_PORTS[scheme]
            wanted = NetworkPermission(
                "http" if scheme == "http" else "https",
                host,
                None if default else port,
            )
            raise self._deny(wanted.canonical)
        netloc = host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
        return urllib.parse.urlunsplit(
            (scheme, netloc, parts.path or "/", parts.query, "")
        )

    def check_env(self, name: str) -> str:
        """
        Check that the plugin may read the environment variable *name*.

        Names outside the manifest grammar (upper case, digits, ``_``) are
        never granted.

        Returns:
            *name*.

        Raises:
            PermissionDenied: No ``env:`` grant names it or a prefix of it.

            TypeError: Not a ``str``.
        """
        name = _text(name, "an environment variable name")
        for granted in self.permissions:
            if isinstance(granted, EnvironmentPermission) and (
                name.startswith(granted.name)
                if granted.prefix
                else name == granted.name
            ):
                return name
        missing = f"env:{name}"
        raise self._deny(missing)

    def check_command(self, argv: Sequence[str]) -> list[str]:
        """
        Check that the plugin may run *argv*.

        Returns:
            A copy of *argv*, as a list.

        Raises:
            PermissionDenied: No ``process:`` grant names ``argv[0]``.

            ValueError: *argv* is empty, ``argv[0]`` is a path, or an
                argument has a NUL character.

            TypeError: *argv* is a string, or holds something else than
                strings.
        """
        if isinstance(argv, str | bytes) or not isinstance(argv, Sequence):
            msg = f"argv must be a sequence of str, not {type(argv)!r}"
            raise TypeError(msg)
        copy = [_text(argument, "an argument") for argument in argv]
        if not copy:
            msg = "argv must name a command"
            raise ValueError(msg)
        for argument in copy:
            if "\x00" in argument:
                msg = "arguments must not contain NUL characters"
                raise ValueError(msg)
        command = copy[0]
        if "/" in command or "\\" in command:
            msg = f"{command!r} is a path; name the command, such as 'git'"
            raise ValueError(msg)
        for granted in self.permissions:
            if (
                isinstance(granted, ProcessPermission)
                and granted.command == command
            ):
                return copy
        missing = f"process:{command}"
        raise self._deny(missing)

    def check_host_api(self, api: str, argument: str | None = None) -> None:
        """
        Check that the plugin may call the host API *api*.

        A ``tools:<plugin>.*`` grant covers every tool of that plugin.

        Raises:
            PermissionDenied: No ``host:`` grant covers the call.

            ValueError: *api* is unknown, or *argument* does not fit it.
        """
        wanted = HostPermission(api, argument)
        for granted in self.permissions:
            if isinstance(granted, HostPermission) and (
                granted == wanted
                or (
                    granted.api == api == "tools"
                    and argument is not None
                    and granted.argument is not None
                    and granted.argument.endswith(".*")
                    and argument.startswith(granted.argument[:-1])
                )
            ):
                return
        raise self._deny(wanted.canonical)
