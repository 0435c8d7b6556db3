"""
A seccomp filter for the worker: the system calls it never needs are
refused with an error, for good, whatever privileges it has.

``RLIMIT_NPROC`` does not hold for root, and a worker started by a root
host is root: refusing ``fork`` is what stops a fork bomb there.  The
filter is a classic BPF program, assembled here and installed with
``prctl`` through ctypes.  Only the worker calls this, on itself.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
from typing import Final


_PR_SET_SECCOMP: Final = 22
_SECCOMP_MODE_FILTER: Final = 2
_ALLOW: Final = 0x7FFF_0000
_ERRNO: Final = 0x0005_0000
# BPF opcodes: load a 32-bit word of seccomp_data, compare, return.
_LOAD: Final = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ: Final = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE: Final = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JSET: Final = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET: Final = 0x06  # BPF_RET | BPF_K
# Offsets in seccomp_data: nr, arch, then the arguments (little-endian
# here: the low half of an argument comes first).
_NR: Final = 0
_ARCH: Final = 4
_ARG0: Final = 16
_CLONE_THREAD: Final = 0x0001_0000
_X32_BIT: Final = 0x4000_0000


# System call numbers of the architectures the filter knows.
_ARCHES: Final = {
    "x86_64": {
        "audit": 0xC000_003E,
        "socket": 41,
        "clone": 56,
        "fork": 57,
        "vfork": 58,
        "execve": 59,
        "ptrace": 101,
        "process_vm_readv": 310,
        "process_vm_writev": 311,
        "execveat": 322,
        "clone3": 435,
        "unshare": 272,
        "setns": 308,
        "pidfd_getfd": 438,
    },
    "aarch64": {
        "audit": 0xC000_00B7,
        "socket": 198,
        "clone": 220,
        "execve": 221,
        "ptrace": 117,
        "process_vm_readv": 270,
        "process_vm_writev": 271,
        "execveat": 281,
        "clone3": 435,
        "unshare": 97,
        "setns": 268,
        "pidfd_getfd": 438,
    },
}
# Reaching into other processes, or into new namespaces: never needed.
_NEVER: Final = (
    "pidfd_getfd",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    "setns",
    "unshare",
)


class SeccompUnavailable(OSError):  # noqa: N818 -- reads as the answer
    """
    This architecture or kernel takes no filter from us.
    """


class _SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (
        ("len", ctypes.c_ushort),
        ("filter", ctypes.POINTER(_SockFilter)),
    )


def _program(
    numbers: dict[str, int],
    *,
    processes: bool,
    socket_families: tuple[int, ...] | None,
) -> list[tuple[int, int, int, int]]:
    deny = _ERRNO | errno.EPERM
    program = [
        (_LOAD, 0, 0, _ARCH),
        # Another ABI (32-bit calls on a 64-bit kernel) would have other
        # numbers: refuse every call made through one.
        (_JEQ, 1, 0, numbers["audit"]),
        (_RET, 0, 0, deny),
        (_LOAD, 0, 0, _NR),
    ]
    if numbers["audit"] == _ARCHES["x86_64"]["audit"]:
        program += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, deny)]
    refused: list[str] = [name for name in _NEVER if name in numbers]
    if not processes:
        refused += [
            name
            for name in ("fork", "vfork", "execve", "execveat")
            if name in numbers
        ]
    for name in refused:
        program += [(_JEQ, 0, 1, numbers[name]), (_RET, 0, 0, deny)]
    if not processes:
        # glibc falls back to clone() when clone3() is missing; clone()
        # is allowed for threads only.
        program += [
            (_JEQ, 0, 1, numbers["clone3"]),
            (_RET, 0, 0, _ERRNO | errno.ENOSYS),
            (_JEQ, 0, 4, numbers["clone"]),
            (_LOAD, 0, 0, _ARG0),
            (_JSET, 0, 1, _CLONE_THREAD),
            (_RET, 0, 0, _ALLOW),
            (_RET, 0, 0, _ERRNO | errno.EAGAIN),
        ]
    if socket_families is not None:
        families = list(socket_families)
        program += [
            (_JEQ, 0, len(families) + 2, numbers["socket"]),
            (_LOAD, 0, 0, _ARG0),
        ]
        for index, family in enumerate(families):
            # A match jumps past the other families and the refusal, to
            # the final return.
            program.append((_JEQ, len(families) - index, 0, family))
        program.append((_RET, 0, 0, _ERRNO | errno.EAFNOSUPPORT))
    program.append((_RET, 0, 0, _ALLOW))
    return program


def install(
    *, processes: bool, socket_families: tuple[int, ...] | None
) -> dict[str, object]:
    """
    Refuse, for good, reaching into other processes (ptrace and its
    kind) and, unless *processes*, starting any: no fork, no exec, threads
    only.

    Args:
        processes: Whether the worker may start programs (a ``process:``
            grant).

        socket_families: The address families ``socket`` may open; None
            leaves sockets alone.

    Returns:
        What holds, for the worker's report.

    Raises:
        SeccompUnavailable: On an architecture the filter does not know,
            or when the kernel refuses the filter.
    """
    machine = platform.machine()
    numbers = _ARCHES.get(machine)
    if numbers is None:
        msg = f"no seccomp filter for the {machine} architecture"
        raise SeccompUnavailable(errno.ENOSYS, msg)
    program = _program(
        numbers, processes=processes, socket_families=socket_families
    )
    filters = (_SockFilter * len(program))(
        *(_SockFilter(*instruction) for instruction in program)
    )
    fprog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog)):
        code = ctypes.get_errno()
        msg = f"prctl(PR_SET_SECCOMP): {os.strerror(code)}"
        raise SeccompUnavailable(code, msg)
    return {
        "processes": processes,
        "sockets": None
        if socket_families is None
        else [int(f) for f in socket_families],
    }
