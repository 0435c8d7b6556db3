"""
The ``filesystem`` permission: reading or writing paths below a host root.

Its grammar refuses any path that could leave its root or be read two ways:
absolute paths, ``~``, ``..``, backslashes and empty segments.
"""

import re
from typing import ClassVar, Final, Literal, Self, TypeAlias

import attrs

from acc_plugins.manifest._kind import PermissionKind


FsAccess: TypeAlias = Literal["read", "write"]
FsRoot: TypeAlias = Literal["data", "plugin", "workspace"]

_FS_ACCESS: Final[tuple[FsAccess, ...]] = ("read", "write")
_FS_ROOTS: Final[tuple[FsRoot, ...]] = ("data", "plugin", "workspace")
_ROOTS_TEXT: Final = "${workspace}, ${plugin} or ${data}"
_SEGMENT_CHARS: Final = re.compile(r"[A-Za-z0-9._+@=,%*?-]+")


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
class FilesystemPermission(PermissionKind):
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
