"""
Driving plugin coroutines: an ``async def`` tool, hook or agent returns a
coroutine, and the host runs it to its end inside the same call.

Plugin code never touches the event loop.  A coroutine hands whatever it
awaits at the bottom up to whoever calls its ``send()``, and in asyncio
that is a ``Future``, whose ``get_loop()`` leads to ``subprocess_exec``.
So plugin coroutines are stepped by ``drive``, a trampoline of ours: the
only thing the sandbox's awaitables ever yield is an opaque ``Request``,
which ``drive`` performs on the real loop and whose result it sends back
in.  A plugin that steps an awaitable by hand (``sleep(1).send(None)``)
gets the ``Request``, whose insides are private to the host.

The coroutine runs under the budget of the call that created it: its code
meets the same budget checks as any other plugin code, and every wait is
bounded by the time the call has left, after which the coroutine gets the
budget's refusal at its ``await`` (which plugin code cannot catch, unlike
a cancellation) and the call fails as out of time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import types
from typing import TYPE_CHECKING, Any, Final, final

from acc_plugins.errors import BudgetExceeded


if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Generator

    from ._budget import Budget


# Exceptions that end the host's own work: never thrown into plugin code.
_HOST_EXITS: Final = (KeyboardInterrupt, SystemExit)


@final
class Request:
    """
    What a sandbox awaitable yields to the driver: work to do on the loop.
    """

    __slots__ = ("_perform",)

    def __init__(self, perform: Callable[[], Awaitable[object]]) -> None:
        self._perform = perform

    def __repr__(self) -> str:
        return "<sandbox await request>"


# A bare ``yield`` in an ``__await__`` gives the loop one turn, as in asyncio.
_ONE_TURN: Final = Request(lambda: asyncio.sleep(0))


@final
class SandboxAwaitable:
    """
    An awaitable the sandbox hands plugin code (``asyncio.sleep(1)``): it
    yields one ``Request`` and returns what the driver sends back.
    """

    __slots__ = ("_request",)

    def __init__(self, perform: Callable[[], Awaitable[object]]) -> None:
        self._request = Request(perform)

    def __await__(self) -> Generator[Request, object, object]:
        return (yield self._request)

    def __repr__(self) -> str:
        return "<sandbox awaitable>"


def is_awaitable(value: object) -> bool:
    """
    Tell whether ``await value`` can work, without running plugin code.
    """
    return type(value) is types.CoroutineType or hasattr(
        type(value), "__await__"
    )


class Driver:
    """
    Steps plugin awaitables for one sandbox, within its budget: every wait
    ends when the current call's time does, and then the coroutine gets
    the budget's refusal, which plugin code cannot catch.

    Args:
        budget: The sandbox's budget.
    """

    __slots__ = ("_budget", "_overrun", "_overrun_since")

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._overrun: BaseException | None = None
        self._overrun_since = -1.0

    def _left(self) -> float:
        return self._budget.time_left()

    def _out_of_time(self) -> BaseException:
        # One breach per call, however many coroutines it was running.
        budget = self._budget
        started = budget.call_started()
        if self._overrun is None or self._overrun_since != started:
            try:
                budget.overrun()
            except BudgetExceeded as exc:
                self._overrun, self._overrun_since = exc, started
        assert self._overrun is not None  # noqa: S101 -- overrun() always raises
        return self._overrun

    async def drive(self, awaitable: Any) -> object:
        """
        Await a plugin awaitable, performing each ``Request`` it yields on
        the running loop.

        Raises:
            TypeError: If plugin code awaits something that yields
                anything else (an asyncio future made elsewhere, a value).

            BudgetExceeded: If the call's time runs out.
        """
        steps = type(awaitable).__await__(awaitable)
        sent: object = None
        error: BaseException | None = None
        while True:
            try:
                request = (
                    steps.send(sent) if error is None else steps.throw(error)
                )
            except StopIteration as stop:
                return stop.value
            sent, error = None, None
            if request is None:
                request = _ONE_TURN
            if type(request) is not Request:
                error = TypeError(
                    "sandboxed code can await its own coroutines and the "
                    "sandbox's asyncio only, not a "
                    f"{type(request).__name__}"
                )
                continue
            left = self._left()
            if left <= 0:
                error = self._out_of_time()
                continue
            deadline = asyncio.timeout(left)
            try:
                async with deadline:
                    sent = await request._perform()  # noqa: SLF001 -- the driver is the one reader
            except _HOST_EXITS:
                raise
            except BaseException as exc:  # noqa: BLE001 -- cancellation included: the plugin's finally blocks run
                error = self._out_of_time() if deadline.expired() else exc

    def run(self, coro: Any) -> object:
        """
        Run a plugin coroutine to its end in a fresh event loop, in this
        thread or, if this thread already runs a loop, in a helper thread.

        Raises:
            BudgetExceeded: If the call's time runs out.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.drive(coro))
        # ``host.call`` from inside a running loop: that loop is blocked
        # until the call returns anyway, so the coroutine gets a loop of
        # its own.  Context variables (an agent's prompt additions) go
        # along.
        context = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            running = pool.submit(context.run, asyncio.run, self.drive(coro))
            return running.result()

    def finish(self, result: object) -> object:
        """
        *result* itself, or, if plugin code returned a coroutine, what the
        coroutine returns when run to its end within the budget.

        Raises:
            BudgetExceeded: If the call's time runs out.
        """
        if type(result) is not types.CoroutineType:
            return result
        return self.run(result)
