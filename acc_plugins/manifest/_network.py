"""
The ``network`` permission: requests to one host, with the host grammar.

A host is a lowercase DNS name, ``*.`` and a DNS name, an IPv4 address or
``localhost``; URLs with paths, queries or user information are refused.
"""

import re
from typing import ClassVar, Final, Literal, Self, TypeAlias

import attrs

from acc_plugins.manifest._kind import PermissionKind


Scheme: TypeAlias = Literal["http", "https"]

_DNS_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_OCTET: Final = re.compile(r"0|[1-9][0-9]{0,2}")
_PORT: Final = re.compile(r"[1-9][0-9]{0,4}")
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
class NetworkPermission(PermissionKind):
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
