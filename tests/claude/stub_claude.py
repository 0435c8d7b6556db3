"""
A stand-in for the ``claude`` command in print mode, put on ``PATH`` by
the tests: it records how it was run and answers as ``STUB_CLAUDE_MODE``
says, in Claude Code's JSON result format.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from pathlib import Path


SCRIPT = """\
import json, os, sys, time
record = {
    "argv": sys.argv[1:],
    "stdin": sys.stdin.read(),
    "cwd": os.getcwd(),
    "max_output": os.environ.get("CLAUDE_CODE_MAX_OUTPUT_TOKENS"),
    "system": None,
}
if "--system-prompt-file" in sys.argv:
    with open(sys.argv[sys.argv.index("--system-prompt-file") + 1]) as f:
        record["system"] = f.read()
with open(os.environ["STUB_CLAUDE_LOG"], "a") as log:
    log.write(json.dumps(record) + "\\n")
mode = os.environ.get("STUB_CLAUDE_MODE", "ok")
if mode == "slow":
    time.sleep(60)
if mode == "crash":
    sys.stderr.write("Error: something broke inside\\n")
    sys.exit(3)
result = {
    "type": "result",
    "subtype": "success",
    "is_error": mode == "error",
    "duration_ms": 12,
    "num_turns": 1,
    "result": "Invalid API key" if mode == "error" else "stub says: " + record["stdin"],
    "session_id": "0000",
    "total_cost_usd": 0.0125,
    "usage": {
        "input_tokens": 12,
        "cache_creation_input_tokens": 100,
        "cache_read_input_tokens": 1000,
        "output_tokens": 7,
    },
}
print(json.dumps(result))
"""


def install(folder: Path) -> tuple[Path, Path]:
    """
    Write the stub as ``folder/bin/claude``; return the folder to put on
    ``PATH`` and the log it writes each run to.
    """
    bin_folder = folder / "bin"
    bin_folder.mkdir(parents=True, exist_ok=True)
    stub = bin_folder / "claude"
    stub.write_text(f"#!{sys.executable}\n{SCRIPT}", encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return bin_folder, folder / "claude-runs.jsonl"


def runs(log: Path) -> list[dict[str, Any]]:
    """
    Every run the stub recorded, oldest first.
    """
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def environment(folder: Path, mode: str = "ok") -> dict[str, str]:
    """
    Environment variables that put the stub first on ``PATH``.
    """
    bin_folder, log = install(folder)
    return {
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "STUB_CLAUDE_LOG": str(log),
        "STUB_CLAUDE_MODE": mode,
    }
