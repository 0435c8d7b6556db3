"""
Claude through Claude Code in print mode (``claude -p``), for people
who use a Claude Code subscription rather than an API key: each query is
one run of the ``claude`` command with no tools, answering in JSON with
its usage and cost.

No extra is needed, only Claude Code itself: ``claude`` on ``PATH``, the
one bundled with the Claude Agent SDK, or ``[claude] command``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Final

from acc_plugins.errors import ClaudeError, ConfigError
from acc_plugins.host.capabilities._claude import ClaudeReply

from ._prices import cost_of, price_of


_NAME: Final = "claude-code"
_SAID: Final = 300  # characters of a failure's own words to pass on


def find_claude() -> str | None:
    """
    The ``claude`` executable: the one on ``PATH``, else the one the
    Claude Agent SDK bundles, else None.
    """
    found = shutil.which("claude")
    if found:
        return found
    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "_bundled" / "claude"
    return str(bundled) if os.access(bundled, os.X_OK) else None


class ClaudeCodeProvider:
    """
    A ``ClaudeProvider`` that asks Claude through Claude Code.

    Each query runs ``claude -p --output-format json`` with no tools and
    no saved session; the prompt goes in on standard input (never on the
    command line, where other users could read it), the system prompt
    replaces Claude Code's own (from a file), and ``max_tokens`` becomes
    ``CLAUDE_CODE_MAX_OUTPUT_TOKENS``.  It runs in an empty folder of its
    own, so no project's ``CLAUDE.md`` leaks into the answer; the system
    prompt goes there too, in a file, rather than on the command line.  It reports
    the usage and cost Claude Code prints, so the host's model budgets
    count them.

    Args:
        command: The ``claude`` executable; by default `find_claude`'s.

        model: The model (``sonnet``, ``opus`` or a full name); None for
            Claude Code's default.

        max_tokens: A ceiling on every answer, whatever a query asks;
            None for none.

        timeout: Seconds one query may take.

        extra_args: More arguments for every run (``--fallback-model``,
            ``--settings``...).

    Raises:
        ConfigError: If there is no ``claude`` to run.
    """

    def __init__(
        self,
        *,
        command: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        timeout: float = 600.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        found = command or find_claude()
        if found is None:
            problem = (
                "no claude command: install Claude Code, or the agent-sdk "
                "extra (which bundles it), or set [claude] command"
            )
            msg = f"the {_NAME} provider"
            raise ConfigError(msg, [problem])
        self.command = found
        self.model = model
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.extra_args = tuple(extra_args)
        self.price = price_of(model or "")

    def __repr__(self) -> str:
        return f"<ClaudeCodeProvider {self.command} model={self.model}>"

    def query(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> str:
        """
        Claude Code's text answer to *prompt*.

        Raises:
            ClaudeError: If the run failed.
        """
        return self.reply(prompt, system=system, max_tokens=max_tokens).text

    def reply(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> ClaudeReply:
        """
        Claude Code's answer to *prompt*, with the usage and cost it
        reports.

        Raises:
            ClaudeError: If the run failed, timed out or printed no answer.
        """
        arguments = [
            self.command,
            "--print",
            "--output-format",
            "json",
            "--tools",
            "",
            "--no-session-persistence",
            "--strict-mcp-config",  # none of the user's MCP servers
            *(("--model", self.model) if self.model else ()),
            *self.extra_args,
        ]
        environment = {
            **os.environ,
            "CLAUDE_CODE_MAX_OUTPUT_TOKENS": str(
                max_tokens
                if self.max_tokens is None
                else min(max_tokens, self.max_tokens)
            ),
        }
        with tempfile.TemporaryDirectory(prefix="acc-claude-") as folder:
            if system:  # from a file: argv is visible to every user
                prompt_file = Path(folder, "system-prompt.txt")
                prompt_file.write_text(system, encoding="utf-8")
                arguments += ["--system-prompt-file", str(prompt_file)]
            try:
                done = _run(
                    arguments,
                    prompt,
                    seconds=self.timeout,
                    cwd=folder,
                    env=environment,
                )
            except subprocess.TimeoutExpired:
                failure = f"claude did not answer within {self.timeout:g} s"
            except OSError as exc:
                failure = (
                    f"could not run {self.command}: {exc.strerror or exc}"
                )
            else:
                return self._reply_of(done)
        raise ClaudeError(_NAME, failure)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """
        Dollars for *input_tokens* and *output_tokens* at the model's list
        price (Sonnet's when the model is Claude Code's default).
        """
        return cost_of(self.price, input_tokens, output_tokens)

    def _reply_of(self, done: subprocess.CompletedProcess[str]) -> ClaudeReply:
        try:
            result: Any = json.loads(done.stdout)
        except ValueError:
            result = None
        if not isinstance(result, dict) or "result" not in result:
            said = (done.stderr.strip() or done.stdout.strip())[-_SAID:]
            failure = (
                f"claude exited with status {done.returncode} and no answer"
                + (f": {said}" if said else "")
            )
            raise ClaudeError(_NAME, failure)
        if result.get("is_error") or result.get("subtype") != "success":
            said = str(result.get("result") or result.get("subtype"))
            raise ClaudeError(_NAME, f"claude failed: {said[:_SAID]}")
        usage = result.get("usage") or {}
        writes = _count(usage, "cache_creation_input_tokens")
        reads = _count(usage, "cache_read_input_tokens")
        fresh = _count(usage, "input_tokens")
        output = _count(usage, "output_tokens")
        cost = result.get("total_cost_usd")
        return ClaudeReply(
            str(result["result"]),
            input_tokens=fresh + writes + reads,
            output_tokens=output,
            cost_usd=float(cost)
            if isinstance(cost, (int, float))
            else cost_of(self.price, fresh, output, writes, reads),
            model=self.model or "",
            stop_reason=str(result.get("stop_reason") or "") or None,
        )


def _run(
    arguments: list[str],
    given: str,
    *,
    seconds: float,
    cwd: str,
    env: dict[str, str],
) -> subprocess.CompletedProcess[str]:
    # subprocess.run(timeout=...) waits for the child's exit by polling
    # in growing sleeps, which added about a millisecond to every query;
    # here a timer keeps the limit and the wait blocks.  The child leads
    # a process group of its own, so that a timeout stops what it started.
    expired = threading.Event()
    with subprocess.Popen(  # noqa: S603 -- our own arguments, no shell
        arguments,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        env=env,
        start_new_session=True,
    ) as process:

        def stop() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(seconds, stop)
        timer.daemon = True
        timer.start()
        try:
            output, errors = process.communicate(given)
        finally:
            timer.cancel()
    if expired.is_set() and process.returncode < 0:
        raise subprocess.TimeoutExpired(arguments, seconds)
    return subprocess.CompletedProcess(
        arguments, process.returncode, output, errors
    )


def _count(usage: object, key: str) -> int:
    value = usage.get(key) if isinstance(usage, dict) else None
    return value if type(value) is int and value >= 0 else 0
