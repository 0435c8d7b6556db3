"""
Telling MCP clients that the tools changed: a plugin added, reloaded with
other tools, removed, enabled, disabled, quarantined or in ``error``.

The host tells its listeners on its own threads, in the middle of a
lifecycle move; the MCP sessions live in an event loop.  So the listener
only rings a bell (a ``threading.Event``: it never blocks, never waits for
the loop or a client).  In the loop, one task waits for the bell (in a
thread of its own), lets a burst of events end (a reload of ten plugins
is a few dozen events), lists the tools again and compares names,
descriptions and schemas with what it last saw; only a different list is
announced.  Events that come while it lists ring the bell again, so
nothing is missed; a long burst may be announced more than once.

Clients of either protocol era hear it: a handshake-era session (Claude
Code, ``ClientSession.initialize``) gets ``notifications/tools/list_changed``
on its connection; a 2026-07-28 client gets it on the
``subscriptions/listen`` stream it opened.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Final

import anyio
import anyio.to_thread
from mcp.server.subscriptions import (
    InMemorySubscriptionBus,
    ListenHandler,
    ToolsListChanged,
)


if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    import mcp_types as types
    from mcp.server.context import CallNext, HandlerResult
    from mcp.server.context import ServerRequestContext as Context
    from mcp.server.session import ServerSession

    from acc_plugins.host import PluginHost
    from acc_plugins.sdk import Event

_log = logging.getLogger("acc_plugins.claude")

# A burst of host events ends after this long without one (seconds) ...
QUIET: Final = 0.1
# ... or, if it goes on, this long after it began.
LONGEST: Final = 1.0

_Offer = tuple[tuple[str, str, str], ...]


class ToolChanges:
    """
    Announces changes of the offered tools to the clients of one server
    run (what ``Server.run`` serves: one stdio or in-process connection).
    Sessions are kept until the run ends: a transport that serves many
    connections in one run (streamable HTTP) keeps those of closed ones,
    and the SDK drops what is sent to them.

    Args:
        host: The host whose plugins' events are followed.

        tools: What the server offers now (``McpBridge.tools``); called
            in a worker thread.
    """

    def __init__(
        self, host: PluginHost, tools: Callable[[], list[types.Tool]]
    ) -> None:
        self._host = host
        self._tools = tools
        self._bell = threading.Event()
        self._sessions: list[ServerSession] = []
        self._bus = InMemorySubscriptionBus()
        self._listen = ListenHandler(self._bus)
        self._offered: _Offer = ()

    def __repr__(self) -> str:
        return f"<ToolChanges sessions={len(self._sessions)}>"

    def heard(self, event: Event) -> None:
        """
        Ring the bell for a lifecycle event of the host's (any thread).
        """
        if event.source == "host" and event.name.startswith("plugin."):
            self._bell.set()

    def greet(self, session: ServerSession) -> None:
        """
        Announce changes to a handshake-era session from now on (it has
        sent ``notifications/initialized``).
        """
        self._sessions.append(session)

    async def listen(
        self,
        ctx: Context[Any],
        params: types.SubscriptionsListenRequestParams,
    ) -> types.SubscriptionsListenResult:
        """
        Serve one 2026-07-28 ``subscriptions/listen`` stream until the
        client or the run ends it.
        """
        return await self._listen(ctx, params)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ToolChanges]:
        """
        Follow the host while the block runs; unsubscribe after it.
        """
        self._host.subscribe(self.heard)
        try:
            # Listed after subscribing: a change in between rings the bell.
            self._offered = await anyio.to_thread.run_sync(self._offer)
            async with anyio.create_task_group() as group:
                group.start_soon(self._follow)
                try:
                    yield self
                finally:
                    self._listen.close()
                    group.cancel_scope.cancel()
        finally:
            self._host.unsubscribe(self.heard)
            self._bell.set()  # frees the thread that waited for it

    def _offer(self) -> _Offer:
        return tuple(
            (
                tool.name,
                tool.description or "",
                json.dumps(tool.input_schema, sort_keys=True),
            )
            for tool in self._tools()
        )

    async def _follow(self) -> None:
        # A limiter of its own: the waiting thread takes no place from the
        # tool calls' threads.
        waiting = anyio.CapacityLimiter(1)
        while True:
            await anyio.to_thread.run_sync(
                self._bell.wait, abandon_on_cancel=True, limiter=waiting
            )
            with anyio.move_on_after(LONGEST):
                while self._bell.is_set():
                    self._bell.clear()
                    await anyio.sleep(QUIET)
            try:
                await self._check()
            except Exception:  # noqa: BLE001 -- the server must outlive it
                _log.exception("telling clients of changed tools failed")

    async def _check(self) -> None:
        """
        List the tools; announce them if they are not what they were.
        """
        offered = await anyio.to_thread.run_sync(self._offer)
        if offered == self._offered:
            _log.debug("plugins changed, the tools did not: not announced")
            return
        self._offered = offered
        _log.debug("the tools changed: announcing it")
        for session in list(self._sessions):
            # Fire and forget: the SDK drops it for a closed connection.
            await session.send_tool_list_changed()
        await self._bus.publish(ToolsListChanged())


async def greet_initialized(
    ctx: Context[ToolChanges], call_next: CallNext
) -> HandlerResult:
    """
    Server middleware: hand each handshake-era session to the run's
    ``ToolChanges`` once it is initialized.
    """
    if ctx.method == "notifications/initialized":
        # Before the SDK sees it: this runs at once, ahead of any request
        # the client sent after it, so that changes after that request
        # reach the client.
        ctx.lifespan_context.greet(ctx.session)
    return await call_next(ctx)
