"""
Prompt contributions: text one plugin adds to an agent's system prompt.

Text in a prompt steers the agent, so text added to another plugin's agent
is a permission of its own (``host:prompt.inject:<plugin>.<agent>``).
Before each run of an agent, the host asks every matching contribution
for its text, in plugin-name order, checks the grant of each contributor
that does not own the agent, and audits what it adds (its size and hash).
Each part is labelled with its plugin, so the model and anyone reading the
prompt can tell who said what.  A contributor that fails or is refused
is left out; the agent still runs.

The text reaches the model in the host's own query for a declared agent,
and in the agent's own ``ctx.claude.query`` calls while its ``run()``
runs (through a context variable, so nothing else picks it up).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
from typing import TYPE_CHECKING, Final

from acc_plugins.errors import PluginCallError
from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loader import manifest_of
from acc_plugins.security import AuditKind

from ._dispatch import call_plugin


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.host.gate._trail import AuditTrail

_log = logging.getLogger("acc_plugins.host")

# (the plugin whose agent runs, the text added to its system prompts)
_ADDED: Final[contextvars.ContextVar[tuple[str, str] | None]] = (
    contextvars.ContextVar("acc_plugins_prompt_additions", default=None)
)


def join_prompts(system: str | None, added: str) -> str | None:
    """
    *system* with *added* after it.
    """
    if not added:
        return system
    return f"{system}\n\n{added}" if system else added


def with_additions(plugin: str, system: str | None) -> str | None:
    """
    *system* with what contributors added, if an agent of *plugin* is
    running in this context.
    """
    current = _ADDED.get()
    if current is None or current[0] != plugin:
        return system
    return join_prompts(system, current[1])


@contextlib.contextmanager
def additions(plugin: str, added: str) -> Iterator[None]:
    """
    Let *plugin*'s Claude queries carry *added* while the block runs.
    """
    token = _ADDED.set((plugin, added))
    try:
        yield
    finally:
        _ADDED.reset(token)


def matches(pattern: str, target: str) -> bool:
    """
    Whether a contribution for *pattern* (``plugin.agent``, ``plugin.*``)
    is for the agent *target*.
    """
    plugin, _, name = pattern.partition(".")
    owner, _, agent = target.partition(".")
    return plugin == owner and name in ("*", agent)


class Prompts:
    """
    Collects what plugins add to an agent's system prompt.

    Args:
        plugins: The host's plugins.

        trail: Where each accepted contribution is audited.

        effective_grants: What a plugin may use.

        on_denied: Judges a contribution made without its grant.

        forward: Asks an isolated plugin's worker.
    """

    def __init__(
        self,
        plugins: Plugins,
        trail: AuditTrail,
        *,
        effective_grants: Callable[[PluginRecord], frozenset[str]],
        on_denied: Callable[[str, str], None],
        forward: Callable[[PluginRecord, str, dict[str, Any]], object],
    ) -> None:
        self._records = plugins.records
        self._trail = trail
        self._effective_grants = effective_grants
        self._on_denied = on_denied
        self._forward = forward

    def __repr__(self) -> str:
        return "<Prompts>"

    def contributions(self, target: str, task: str) -> str:
        """
        The labelled text every permitted contributor adds to the agent
        *target* for *task*, or ``""``.
        """
        owner = target.partition(".")[0]
        parts = []
        for name in sorted(self._records):
            record = self._records[name]
            if record.state is not State.ACTIVE:
                continue
            patterns = (
                record.remote_offer.get("prompts", ())
                if record.remote is not None
                else tuple(spec.agent for spec in record.prompts)
            )
            if not any(matches(p, target) for p in patterns):
                continue
            if not self._may_add(record, target):
                continue
            text = self._accept(
                record, target, self._ask(record, target, task)
            )
            if text:
                label = "its own plugin" if name == owner else name
                parts.append(f"[Added by {label}]\n{text}")
        return "\n\n".join(parts)

    def _may_add(self, record: PluginRecord, target: str) -> bool:
        owner = target.partition(".")[0]
        if record.name == owner:
            return True
        granted = self._effective_grants(record)
        exact = f"host:prompt.inject:{target}"
        if exact in granted or f"host:prompt.inject:{owner}.*" in granted:
            return True
        self._on_denied(record.name, exact)
        return False

    def _ask(self, record: PluginRecord, target: str, task: str) -> object:
        where = f"{record.name} prompt for {target}"
        try:
            if record.remote is not None:
                message = {"op": "prompt", "agent": target, "task": task}
                return self._forward(record, where, message)
            return self.own_prompt(record, target, task)
        except PluginCallError as exc:
            _log.warning("%s left out: %s", where, exc)
            return ""

    def own_prompt(self, record: PluginRecord, target: str, task: str) -> str:
        """
        What *record*'s own contributions for *target* say, joined (the
        worker of an isolated plugin answers with this).
        """
        texts = []
        for spec in record.prompts:
            if matches(spec.agent, target):
                where = f"{record.name} prompt for {target}"
                text = call_plugin(
                    record, where, spec.function, (record.instance, task)
                )
                if type(text) is not str:
                    msg = f"returned {type(text).__name__}, not str"
                    raise PluginCallError(where, msg)
                texts.append(text.strip())
        return "\n\n".join(t for t in texts if t)

    def _accept(self, record: PluginRecord, target: str, text: object) -> str:
        if type(text) is not str or not text.strip():
            return ""
        data = text.encode("utf-8", "surrogatepass")
        limit = manifest_of(record).limits.output_bytes
        if len(data) > limit:
            _log.warning(
                "%s's prompt for %s left out: %d bytes, more than its "
                "output-bytes (%d)",
                record.name,
                target,
                len(data),
                limit,
            )
            return ""
        self._trail.record(
            AuditKind.PROMPT,
            record.name,
            agent=target,
            bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        return text.strip()
