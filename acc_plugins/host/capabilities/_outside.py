"""
Capabilities that reach outside the process: files, environment variables
and programs.  Each checks the plugin's grants first, uses only what the
check returns (the canonical path, the copied argv), and bounds what it
hands back.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from acc_plugins.errors import PermissionDenied

from ._allowance import PerCall
from ._facades import facade
from ._http import build_http, send_urllib
from ._shield import shielded


if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from acc_plugins.sandbox import Budget
    from acc_plugins.security import Grants

    from ._http import HttpTransport

_T = TypeVar("_T")

# Programs get a small, fixed environment: never the host's secrets.
_CHILD_ENV_KEYS: Final = ("HOME", "LANG", "LC_ALL", "PATH", "TMPDIR")


def _text(what: str, value: object) -> str:
    if type(value) is not str:
        msg = f"{what} must be a string, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _capped(data: str, limit: int, what: str) -> str:
    if len(data.encode("utf-8", "surrogatepass")) > limit:
        msg = (
            f"{what} is larger than the plugin's output limit of {limit} bytes"
        )
        raise ValueError(msg)
    return data


def _processes(
    grants: Grants,
    output_bytes: int,
    budget: Budget,
    guarded: Callable[[Callable[[], list[str]]], list[str]],
) -> Any:
    """
    The ``process`` facade: granted programs by name, never a shell.
    """

    def run(
        argv: list[str],
        *,
        input: str | None = None,  # noqa: A002 -- subprocess's own word
        timeout: float = 10.0,
    ) -> dict[str, object]:
        command = guarded(lambda: grants.check_command(argv))
        if input is not None:
            _text("input", input)
        left = budget.time_left()
        if type(timeout) not in (int, float) or timeout <= 0:
            msg = "timeout must be a positive number of seconds"
            raise ValueError(msg)
        limit = max(0.001, min(float(timeout), left))
        environment = {
            k: os.environ[k] for k in _CHILD_ENV_KEYS if k in os.environ
        }
        try:
            done = subprocess.run(  # noqa: S603 -- argv checked against the grants, no shell
                command,
                input=input,
                capture_output=True,
                text=True,
                timeout=limit,
                cwd=grants.roots.workspace,
                env=environment,
                check=False,
            )
        except FileNotFoundError:
            msg = f"program {command[0]!r} is not installed"
            raise FileNotFoundError(msg) from None
        except subprocess.TimeoutExpired:
            msg = f"{command[0]} did not finish within {limit:.3g} s"
            raise TimeoutError(msg) from None
        return {
            "returncode": done.returncode,
            "stdout": _capped(
                done.stdout, output_bytes, "the program's output"
            ),
            "stderr": _capped(
                done.stderr, output_bytes, "the program's errors"
            ),
        }

    return facade("Processes", run=shielded(run))


def build_outside(
    grants: Grants,
    *,
    output_bytes: int,
    network_requests: int,
    budget: Budget,
    on_denied: Callable[[str], None],
    fs_operations: int = 1000,
    protected: Sequence[Path] = (),
    allowed_within: Sequence[Path] = (),
    send: HttpTransport = send_urllib,
) -> dict[str, Any]:
    """
    The ``fs``, ``env``, ``process`` and ``http`` facades of one plugin.

    Args:
        grants: What the plugin may touch.

        output_bytes: The most a single read or program output may return.

        network_requests: HTTP requests allowed per call into the plugin.

        fs_operations: File operations allowed per call into the plugin.

        budget: The plugin's time budget; a program may run for what is
            left of it.

        on_denied: Told of every refusal (for the audit trail).

        protected: The host's own folders (bytecode cache, data, the
            library itself), which no grant can cover: cached bytecode
            runs without the restricting compiler, so it is trusted code.

        allowed_within: Folders inside *protected* that stay grantable
            (the plugin's own data folder), resolved by the caller.

        send: Sends each HTTP request once it is checked.
    """

    guarded_roots = list(protected)  # resolved by the host, once
    open_roots = list(allowed_within)

    def guarded(check: Callable[[], _T]) -> _T:
        try:
            return check()
        except PermissionDenied as exc:
            on_denied(exc.permission)
            raise

    operations = PerCall(
        budget, fs_operations, "file operations", "fs-operations"
    )

    def checked_path(path: str, access: str) -> Path:
        operations.take()
        real = guarded(lambda: grants.check_path(path, access))  # type: ignore[arg-type]
        if any(
            real.is_relative_to(root) for root in guarded_roots
        ) and not any(real.is_relative_to(root) for root in open_roots):
            permission = f"fs:{access}:{real} (the host's own files)"
            on_denied(permission)
            raise PermissionDenied(grants.plugin, permission)
        return real

    def read_text(path: str, encoding: str = "utf-8") -> str:
        real = checked_path(path, "read")
        with real.open("rb") as handle:
            data = handle.read(output_bytes + 1)
        if len(data) > output_bytes:
            msg = f"{path} is larger than the plugin's output limit of {output_bytes} bytes"
            raise ValueError(msg)
        return data.decode(_text("encoding", encoding))

    def write_text(path: str, text: str, encoding: str = "utf-8") -> int:
        real = checked_path(path, "write")
        data = _text("text", text).encode(_text("encoding", encoding))
        real.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: a crash leaves the old file or the new one.
        fd, tmp = tempfile.mkstemp(
            dir=real.parent, prefix=".acc-", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(real)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return len(data)

    def exists(path: str) -> bool:
        return checked_path(path, "read").exists()

    def listdir(path: str = ".") -> list[str]:
        real = checked_path(path, "read")
        return sorted(entry.name for entry in real.iterdir())

    def getenv(name: str, default: str | None = None) -> str | None:
        checked = guarded(lambda: grants.check_env(_text("name", name)))
        return os.environ.get(checked, default)

    return {
        "fs": facade(
            "Files",
            read_text=shielded(read_text),
            write_text=shielded(write_text),
            exists=shielded(exists),
            listdir=shielded(listdir),
        ),
        "env": facade("Environment", get=shielded(getenv)),
        "process": _processes(grants, output_bytes, budget, guarded),
        "http": build_http(
            grants,
            output_bytes=output_bytes,
            max_requests=network_requests,
            budget=budget,
            on_denied=on_denied,
            send=send,
        ),
    }
