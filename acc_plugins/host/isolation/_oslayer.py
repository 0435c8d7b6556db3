"""
The worker's operating-system layer: what still holds when the sandbox
inside the worker is broken.

The worker applies it to itself in two steps.  ``harden`` runs first,
as soon as the configuration is read: no new privileges, no capabilities, limits
on CPU time, files and processes.  ``confine`` runs once the worker's code
is imported and before the plugin's runs: Landlock limits the filesystem
(and TCP) to what the host's plan names plus what the interpreter needs,
and a seccomp filter refuses starting processes and reaching into others.
``cap_memory`` then caps the address space close to what the worker holds
plus the plugin's memory budget.

Each step reports what it applied, and why not where it could not: the
worker sends the report to the host, which keeps it as
``Worker.confinement``.
"""

from __future__ import annotations

import ctypes
import os
import resource
import socket
import sys
from pathlib import Path
from typing import Any, Final

from . import _landlock, _seccomp


_PR_SET_NO_NEW_PRIVS: Final = 38
_PR_GET_NO_NEW_PRIVS: Final = 39
_PR_CAPBSET_DROP: Final = 24
_PR_CAP_AMBIENT: Final = 47
_PR_CAP_AMBIENT_CLEAR_ALL: Final = 4
_CAP_VERSION_3: Final = 0x2008_0522
_CAP_LAST_FALLBACK: Final = 63

# Address space the worker may map beyond its own size and the plugin's
# memory budget (see cap_memory).  Once the plugin has loaded: the
# reply's JSON encoding (a few times output-bytes, 1 MB by default) and
# allocator slack, plus a quarter of the budget so that memory built up
# step by step usually meets the sandbox's own check first (it looks a
# few milliseconds later, and its error names the budget); one large
# allocation meets this cap.  While the plugin loads, also a thread stack
# for the sandbox's watchdog (8 MiB) and compiling the plugin.
_CALL_MARGIN_MB: Final = 16
_LOAD_MARGIN_MB: Final = 64

_OPEN_FILES: Final = 64
# One file may grow this large: the worker writes to the shared storage
# database and the audit trail, which may already be large, so the cap is
# fixed and generous.  It stops one runaway file, not many.
_FILE_BYTES: Final = 2**30
# Threads and programs the worker may add to what its user runs already
# (RLIMIT_NPROC counts every task of the user, threads included).
_TASK_HEADROOM: Final = 32

# What the interpreter and the C library read wherever Python is
# installed.  Absent paths are skipped.
_SYSTEM_READ: Final = (
    "/dev/random",
    "/dev/urandom",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc/self",
    "/sys/devices/system/cpu",
    "/usr",
)
_SYSTEM_WRITE: Final = ("/dev/null",)
# Name resolution and TLS, for a plugin that may connect somewhere.  Not
# /etc/ssl as a whole: /etc/ssl/private holds keys.
_NETWORK_READ: Final = (
    "/etc/ca-certificates",
    "/etc/gai.conf",
    "/etc/host.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
    "/etc/protocols",
    "/etc/resolv.conf",
    "/etc/services",
    "/etc/ssl/certs",
    "/etc/ssl/openssl.cnf",
)
# Programs read their configuration there (git refuses to run when it
# cannot read /etc/gitconfig); only a worker that may run programs
# gets it.
_PROGRAMS_READ: Final = ("/etc",)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def status_fields(*names: str) -> dict[str, str]:
    """
    Fields of ``/proc/self/status`` (values as written, units dropped).
    """
    wanted = {f"{name}:".encode(): name for name in names}
    found: dict[str, str] = {}
    try:
        with open("/proc/self/status", "rb") as status:  # noqa: PTH123 -- one small read
            for line in status:
                key, _, value = line.partition(b"\t")
                if key in wanted:
                    found[wanted[key]] = value.split()[0].decode()
    except (OSError, IndexError):
        pass
    return found


def harden(config: dict[str, Any]) -> dict[str, Any]:
    """
    The first step, before anything else runs: no new privileges, no
    capabilities, and the resource limits.

    Args:
        config: The worker's configuration (``memory_mb``,
            ``cpu_seconds``).

    Returns:
        What holds, for the report.
    """
    libc = _libc()
    # Nothing the worker starts may gain privileges (setuid programs,
    # file capabilities); Landlock and seccomp require it as well.
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    report: dict[str, Any] = {
        "no_new_privs": libc.prctl(_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
        "capabilities": _drop_capabilities(libc),
    }
    report["limits"] = _limit(config)
    return report


def _drop_capabilities(libc: ctypes.CDLL) -> dict[str, Any]:
    """
    Drop every capability, the bounding set included.

    A root worker keeps uid 0, but without CAP_SYS_RESOURCE it cannot
    raise its limits again, and without the rest it cannot load kernel
    modules, mount, or trace the host.
    """
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = _CAP_LAST_FALLBACK
    for capability in range(last + 1):
        # Refused without CAP_SETPCAP: then the set could not grow anyway.
        libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))

    class Data(ctypes.Structure):
        _fields_ = (
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        )

    header = Header(_CAP_VERSION_3, 0)
    empty = (Data * 2)()
    dropped = libc.capset(ctypes.byref(header), empty) == 0
    fields = status_fields("CapEff", "CapPrm", "CapBnd")
    return {
        "dropped": dropped,
        "effective": fields.get("CapEff"),
        "bounding": fields.get("CapBnd"),
    }


def _set(limit: int, value: int, hard: int | None = None) -> None:
    resource.setrlimit(limit, (value, value if hard is None else hard))


def _limit(config: dict[str, Any]) -> dict[str, Any]:
    cpu = int(config["cpu_seconds"])
    # Provisional, until cap_memory measures the worker: the interpreter
    # and its libraries need address space of their own.
    address = (int(config["memory_mb"]) + 768) * 2**20
    _set(resource.RLIMIT_AS, address)
    _set(resource.RLIMIT_CPU, cpu, cpu + 5)
    _set(resource.RLIMIT_NOFILE, _OPEN_FILES)
    _set(resource.RLIMIT_FSIZE, _FILE_BYTES)
    _set(resource.RLIMIT_CORE, 0)
    limits: dict[str, Any] = {
        "cpu_seconds": cpu,
        "open_files": _OPEN_FILES,
        "file_bytes": _FILE_BYTES,
        "core_bytes": 0,
    }
    if os.getuid() == 0:
        # The kernel never applies RLIMIT_NPROC to uid 0, capabilities
        # or not: the seccomp filter is what refuses fork there.
        limits["processes"] = "not enforced for uid 0"
    else:
        tasks = _tasks_of(os.getuid()) + _TASK_HEADROOM
        _set(resource.RLIMIT_NPROC, tasks)
        limits["processes"] = tasks
    return limits


def _tasks_of(uid: int) -> int:
    """
    The tasks (threads included) of processes whose real user is *uid*.
    """
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:  # noqa: PTH123 -- hot loop over /proc
                fields = dict(
                    line.split(b":", 1) for line in status if b":" in line
                )
            if int(fields[b"Uid"].split()[0]) == uid:
                count += int(fields[b"Threads"])
        except (OSError, KeyError, IndexError, ValueError):
            continue  # gone meanwhile
    return count


def _interpreter_paths() -> set[str]:
    """
    Where the running interpreter reads: its installation, site-packages,
    and the folder of every module imported so far (an editable install
    or a source checkout lives outside the installation).
    """
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(Path(sys.executable).resolve().parent),
    }
    paths.update(
        entry
        for entry in sys.path
        if Path(entry).name in {"site-packages", "dist-packages"}
    )
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        if "." in name or spec is None:
            continue  # submodules live in their top-level package
        # A package's folders; a plain module's file.
        places = list(spec.submodule_search_locations or [spec.origin])
        paths.update(
            place
            for place in places
            if isinstance(place, str) and place.startswith("/")
        )
    return paths


def confine(plan: dict[str, Any], private: str) -> dict[str, Any]:
    """
    The second step, before the plugin's code runs: Landlock and seccomp.

    Args:
        plan: What the host allows: ``read`` and ``write`` (folders),
            ``processes`` (may start programs), ``ports`` (TCP ports it
            may connect to; None: TCP and sockets left alone).

        private: The worker's own folder (its working directory).

    Returns:
        What holds, for the report: each layer applied or the reason it
        is not.
    """
    processes = bool(plan.get("processes"))
    ports = plan.get("ports")
    read = set(plan.get("read") or ()) | _interpreter_paths()
    read.update(_SYSTEM_READ)
    if ports or processes:
        read.update(_NETWORK_READ)
    if processes:
        read.update(_PROGRAMS_READ)
    write = {*(plan.get("write") or ()), private, *_SYSTEM_WRITE}
    report: dict[str, Any] = {}
    try:
        applied = _landlock.restrict(
            read=sorted(read),
            write=sorted(write),
            execute=processes,
            ports=None if ports is None else [int(p) for p in ports],
        )
        # Only the host's folders are worth naming: the system's differ
        # from one distribution to the next.
        planned = {*(plan.get("read") or ()), *(plan.get("write") or ())}
        applied["missing"] = [
            path for path in applied["missing"] if path in planned
        ]
        report["landlock"] = {"applied": True, **applied}
    except _landlock.LandlockUnavailable as exc:
        report["landlock"] = {"applied": False, "reason": str(exc)}
    families: tuple[int, ...] | None = None
    if ports is not None:
        families = (socket.AF_INET, socket.AF_INET6) if ports else ()
    try:
        applied = _seccomp.install(
            processes=processes, socket_families=families
        )
        report["seccomp"] = {"applied": True, **applied}
    except _seccomp.SeccompUnavailable as exc:
        report["seccomp"] = {"applied": False, "reason": str(exc)}
    return report


def cap_memory(budget_mb: int, *, loading: bool) -> dict[str, int]:
    """
    Lower the address-space limit to what the worker maps now, plus the
    plugin's memory budget, plus a margin; never raise it.

    Args:
        budget_mb: The plugin's ``memory-mb``.

        loading: Whether the plugin is about to load (a wider margin) or
            has loaded.

    Returns:
        The worker's size before (``vm_kb``, ``rss_kb``) and the limit
        now (``cap_kb``).
    """
    margin = budget_mb // 4 + (_LOAD_MARGIN_MB if loading else _CALL_MARGIN_MB)
    fields = status_fields("VmSize", "VmRSS")
    vm_kb = int(fields.get("VmSize", "0"))
    rss_kb = int(fields.get("VmRSS", "0"))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    cap = (vm_kb + (budget_mb + margin) * 1024) * 1024
    if vm_kb and (soft == resource.RLIM_INFINITY or cap < soft):
        _set(resource.RLIMIT_AS, cap)
        soft = cap
    return {"vm_kb": vm_kb, "rss_kb": rss_kb, "cap_kb": soft // 1024}
