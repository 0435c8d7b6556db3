"""
How the host launches a worker, and ends it: its command line, an
environment of its own, a private empty folder to start in, and the plan
its operating-system layer follows, drawn from the plugin's grants.

The worker inherits nothing it was not given: not the host's environment
(API keys live there), not its working directory, not its open files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.errors import ManifestError
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.manifest import (
    EnvironmentPermission,
    FilesystemPermission,
    NetworkPermission,
    ProcessPermission,
    load_manifest,
)
from acc_plugins.security import Policy

from . import _wire


if TYPE_CHECKING:
    from collections.abc import Mapping

    from acc_plugins.manifest import Permission

_BASE_ENVIRONMENT: Final = {
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    # RLIMIT_AS counts address space, and every malloc arena reserves
    # 64 MiB of it: few arenas keep the worker's size close to its use.
    "MALLOC_ARENA_MAX": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_DNS_PORT: Final = 53
# Run in isolated mode (-I: no PYTHON* variables, no user site-packages,
# nothing from the working directory), then find acc_plugins where the
# host found it: argv[1] goes first on sys.path, argv[2] last.
_BOOTSTRAP: Final = (
    "import sys;"
    "front, back = sys.argv[1:3];"
    "sys.path[:0] = [p for p in front.split(':') if p];"
    "sys.path += [p for p in back.split(':') if p];"
    "del sys.argv[1:];"
    "from acc_plugins.host.isolation._worker import main;"
    "main()"
)


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def command() -> list[str]:
    """
    The worker's command line.

    The interpreter finds its own standard library and site-packages (and
    the editable installs listed there).  The host's other ``sys.path``
    entries go last, so nothing there can shadow those; the folder that
    holds the ``acc_plugins`` the host runs goes first, so the worker runs
    the same code.  The host's working directory is never added.
    """
    import acc_plugins  # noqa: PLC0415 -- only its location is wanted

    own = [
        Path(p).resolve()
        for p in {
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            sys.base_exec_prefix,
        }
    ]
    home = Path(acc_plugins.__file__).resolve().parent.parent
    front = "" if _inside(home, own) else str(home)
    back: list[str] = []
    for entry in sys.path:
        if not entry or not os.path.isabs(entry):  # noqa: PTH117 -- str in, str out
            continue  # the working directory: never
        path = Path(entry).resolve()
        if path.exists() and not _inside(path, own) and path != home:
            back.append(str(path))
    return [
        sys.executable,
        "-I",
        "-c",
        _BOOTSTRAP,
        front,
        os.pathsep.join(dict.fromkeys(back)),
    ]


def effective_permissions(config: Mapping[str, Any]) -> list[Permission]:
    """
    The plugin's effective permissions, settled as its host settles them:
    requested (manifest), granted (grant store), permitted (policy).

    The host settled the consent before starting the worker; this only
    reads.  An unreadable manifest or store grants nothing.
    """
    name = str(config["name"])
    try:
        manifest = load_manifest(Path(config["root"]) / "plugin.toml")
    except ManifestError:
        return []
    store = GrantStore(Path(config["data_dir"]) / "grants.json")
    granted = store.granted(name) or frozenset()
    policy = policy_of(config.get("policy"))
    return [
        permission
        for permission in manifest.permissions.all
        if permission.canonical in granted
        and policy.permits(permission.canonical)
    ]


def policy_of(data: object) -> Policy:
    """
    The host's policy from what crossed the pipe.
    """
    if not isinstance(data, dict):
        return Policy()
    allow = data.get("allow")
    return Policy(
        allow=None if allow is None else tuple(allow),
        deny=tuple(data.get("deny") or ()),
        ceilings=tuple((str(a), c) for a, c in data.get("ceilings") or ()),
        source="the host's policy",
    )


def environment(
    permissions: list[Permission], private: Path
) -> dict[str, str]:
    """
    The worker's environment: a fixed few variables, its private folder as
    home and for temporary files, and the host's values of the variables
    the plugin is granted (``env:`` permissions), which it may read.
    """
    wanted = [p for p in permissions if isinstance(p, EnvironmentPermission)]
    granted = {
        key: value
        for key, value in os.environ.items()
        if any(
            key.startswith(p.name) if p.prefix else key == p.name
            for p in wanted
        )
    }
    return {
        **_BASE_ENVIRONMENT,
        "HOME": str(private),
        "TMPDIR": str(private),
        **granted,
    }


def worker_cache(config: Mapping[str, Any]) -> Path:
    """
    The worker's own bytecode cache, beside the host's and never the
    host's: a worker whose sandbox broke could otherwise plant bytecode
    that the host would run.
    """
    return Path(config["cache_dir"]) / "workers" / str(config["name"])


def plan(
    config: Mapping[str, Any], permissions: list[Permission]
) -> dict[str, Any]:
    """
    What the worker's operating-system layer allows, beyond what the
    interpreter needs (the worker adds that itself).

    Returns:
        ``read`` and ``write`` (folders), ``processes`` (whether it may
        start programs) and ``ports`` (the TCP ports it may connect to;
        None when it may start programs, which may need any).
    """
    root = Path(config["root"])
    workspace = Path(config["workspace"])
    read = [root, workspace / ".acc"]
    if config.get("config_dir"):
        read.append(Path(config["config_dir"]))
    write = [Path(config["data_dir"]), Path(config["cache_dir"])]
    places = {"workspace": workspace, "plugin": root}
    for permission in permissions:
        if (
            isinstance(permission, FilesystemPermission)
            and permission.root in places
        ):
            chosen = write if permission.access == "write" else read
            chosen.append(places[permission.root])
    processes = any(isinstance(p, ProcessPermission) for p in permissions)
    ports = {
        p.port or _DEFAULT_PORTS[p.scheme]
        for p in permissions
        if isinstance(p, NetworkPermission)
    }
    if ports:
        ports.add(_DNS_PORT)  # the resolver falls back to TCP
    return {
        "read": sorted({str(p.resolve()) for p in read}),
        "write": sorted({str(p.resolve()) for p in write}),
        "processes": processes,
        "ports": None if processes else sorted(ports),
    }


def end(process: subprocess.Popen[bytes], *, force: bool) -> None:
    """
    Stop a worker: politely (unless *force*), then by killing its process
    group, which also ends whatever it started.
    """
    if not force and process.poll() is None and process.stdin is not None:
        try:
            _wire.write(process.stdin, {"op": "stop"})
            process.wait(timeout=2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
    if process.returncode is None:
        # Not reaped yet, so the group's id cannot have been reused.
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
