"""
Landlock, the Linux kernel's unprivileged access control: a process limits
itself, and whatever it starts, to the file hierarchies and TCP ports it
names.  Nothing can lift the limit again.

The standard library has no binding, so the three system calls go through
the C library's ``syscall`` (their numbers are the same on every
architecture).  Only the worker calls this, on itself.
"""

from __future__ import annotations

import ctypes
import os
import stat
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Iterable

_CREATE_RULESET: Final = 444
_ADD_RULE: Final = 445
_RESTRICT_SELF: Final = 446
_CREATE_RULESET_VERSION: Final = 1 << 0
_RULE_PATH_BENEATH: Final = 1
_RULE_NET_PORT: Final = 2

# Access to files and directories (linux/landlock.h).
_EXECUTE: Final = 1 << 0
_WRITE_FILE: Final = 1 << 1
_READ_FILE: Final = 1 << 2
_READ_DIR: Final = 1 << 3
_REMOVE_DIR: Final = 1 << 4
_REMOVE_FILE: Final = 1 << 5
_MAKE_DIR: Final = 1 << 7
_MAKE_REG: Final = 1 << 8
_MAKE_SYM: Final = 1 << 12
_REFER: Final = 1 << 13  # ABI 2
_TRUNCATE: Final = 1 << 14  # ABI 3
_IOCTL_DEV: Final = 1 << 15  # ABI 5
# Every right each ABI version knows: all of them are handled, so what no
# rule grants (device nodes, sockets, fifos, ...) is denied everywhere.
_HANDLED_FS: Final = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1}
_HANDLED_FS_LATEST: Final = (1 << 16) - 1
# The rights a rule on a single file may carry; the others need a folder.
_FILE_RIGHTS: Final = (
    _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
)
_READ: Final = _READ_FILE | _READ_DIR
_WRITE: Final = (
    _WRITE_FILE
    | _REMOVE_DIR
    | _REMOVE_FILE
    | _MAKE_DIR
    | _MAKE_REG
    | _MAKE_SYM
    | _REFER
    | _TRUNCATE
)

# TCP (ABI 4) and scopes (ABI 6).
_BIND_TCP: Final = 1 << 0
_CONNECT_TCP: Final = 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET: Final = 1 << 0
_SCOPE_SIGNAL: Final = 1 << 1
_NET_ABI: Final = 4
_SCOPE_ABI: Final = 6


class _RulesetAttr(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # packed in the kernel's header
    _fields_ = (
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    )


class _NetPortAttr(ctypes.Structure):
    _fields_ = (
        ("allowed_access", ctypes.c_uint64),
        ("port", ctypes.c_uint64),
    )


class LandlockUnavailable(OSError):  # noqa: N818 -- reads as the kernel's answer
    """
    The kernel has no Landlock, or it is turned off.
    """


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _call(libc: ctypes.CDLL, *arguments: object) -> int:
    result = int(libc.syscall(*arguments))
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def abi_version() -> int:
    """
    The Landlock ABI version this kernel offers.

    Raises:
        LandlockUnavailable: With the kernel's answer (ENOSYS: not built
            in; EOPNOTSUPP: built in but not enabled at boot).
    """
    try:
        return _call(
            _libc(), _CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION
        )
    except OSError as exc:
        name = os.strerror(exc.errno or 0)
        msg = f"landlock_create_ruleset: {name} (errno {exc.errno})"
        raise LandlockUnavailable(exc.errno, msg) from None


def restrict(
    *,
    read: Iterable[str],
    write: Iterable[str],
    execute: bool,
    ports: Iterable[int] | None,
) -> dict[str, Any]:
    """
    Limit this process, for good, to reading *read*, to reading and
    changing *write*, and to connecting to TCP *ports*.

    Args:
        read: Files and folders it may read (folders: with all they hold).

        write: Files and folders it may also create, change and remove
            things in.

        execute: Whether it may run programs from these places at all.

        ports: The TCP ports it may connect to; None leaves TCP alone.
            It may never listen on one.

    Returns:
        What holds: the ABI version, whether TCP and signals are limited,
        and the paths that did not exist (nothing to allow there).

    Raises:
        LandlockUnavailable: If the kernel offers no Landlock.

        OSError: If a rule or the restriction itself is refused.
    """
    abi = abi_version()
    libc = _libc()
    handled = _HANDLED_FS.get(abi, _HANDLED_FS_LATEST)
    reading = (_READ | (_EXECUTE if execute else 0)) & handled
    writing = (reading | _WRITE) & handled
    tcp = ports is not None and abi >= _NET_ABI
    attr = _RulesetAttr(
        handled_access_fs=handled,
        handled_access_net=(_BIND_TCP | _CONNECT_TCP) if tcp else 0,
        scoped=(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL)
        if abi >= _SCOPE_ABI
        else 0,
    )
    ruleset = _call(
        libc, _CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0
    )
    missing: list[str] = []
    try:
        for paths, rights in ((read, reading), (write, writing)):
            missing.extend(
                path
                for path in paths
                if not _allow_path(libc, ruleset, path, rights)
            )
        for port in sorted(set(ports or ())) if tcp else ():
            rule = _NetPortAttr(allowed_access=_CONNECT_TCP, port=port)
            _call(
                libc, _ADD_RULE, ruleset, _RULE_NET_PORT, ctypes.byref(rule), 0
            )
        _call(libc, _RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    return {
        "abi": abi,
        "tcp": tcp,
        "signals": abi >= _SCOPE_ABI,
        "missing": sorted(set(missing)),
    }


def _allow_path(
    libc: ctypes.CDLL, ruleset: int, path: str, rights: int
) -> bool:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False  # absent: there is nothing to allow
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        _call(
            libc, _ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0
        )
    finally:
        os.close(fd)
    return True
