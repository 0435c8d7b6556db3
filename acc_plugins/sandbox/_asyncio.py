"""
The ``asyncio`` plugin code imports: sleeping, running coroutines side by
side, timeouts, tasks, locks, events, semaphores and queues.

None of it is asyncio's own object.  Each awaitable here is a
``SandboxAwaitable`` whose work the driver (``_coroutines.drive``) does on
the real loop, so plugin code never holds a future, a task, a loop or a
frame; tasks, locks and queues are stand-ins whose real counterparts are
private to the host.  Each sandbox gets its own module, bound to its
budget (``asyncio.run`` inside a plugin call runs under that call's
budget).
"""

from __future__ import annotations

import asyncio
import inspect
import numbers
from typing import TYPE_CHECKING, Any, Final, final

from ._coroutines import SandboxAwaitable, is_awaitable


if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from ._coroutines import Driver

    Drive = Callable[[object], Coroutine[Any, Any, object]]


def _awaitable(value: object, what: str) -> object:
    if not is_awaitable(value):
        msg = f"{what} must be awaitable, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _seconds(value: object, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{what} must be a number of seconds"
        raise TypeError(msg)
    seconds = float(value)
    if seconds != seconds:  # noqa: PLR0124 -- NaN: a timer that never fires
        msg = f"{what} must be a number of seconds, not NaN"
        raise ValueError(msg)
    return seconds


def sleep(delay: object, result: object = None) -> SandboxAwaitable:
    """
    Wait *delay* seconds, then give *result*.
    """
    seconds = _seconds(delay, "delay") or 0.0
    return SandboxAwaitable(lambda: asyncio.sleep(seconds, result))


def _gather(drive: Drive) -> Callable[..., SandboxAwaitable]:
    def gather(
        *awaitables: object, return_exceptions: bool = False
    ) -> SandboxAwaitable:
        """
        Await several awaitables side by side; a list of their results.
        """
        parts = [_awaitable(a, "each argument") for a in awaitables]

        async def perform() -> list[object]:
            results = await asyncio.gather(
                *(drive(part) for part in parts),
                return_exceptions=bool(return_exceptions),
            )
            return list(results)

        return SandboxAwaitable(perform)

    return gather


def _wait_for(drive: Drive) -> Callable[[object, object], SandboxAwaitable]:
    def wait_for(awaitable: object, timeout: object) -> SandboxAwaitable:
        """
        Await *awaitable*, cancelling it after *timeout* seconds.
        """
        part = _awaitable(awaitable, "the first argument")
        seconds = _seconds(timeout, "timeout")
        return SandboxAwaitable(lambda: asyncio.wait_for(drive(part), seconds))

    return wait_for


def iscoroutine(value: object) -> bool:
    """
    Tell whether *value* is a coroutine object.
    """
    return inspect.iscoroutine(value)


def iscoroutinefunction(value: object) -> bool:
    """
    Tell whether *value* is an ``async def`` function.
    """
    return inspect.iscoroutinefunction(value)


@final
class Task:
    """
    A coroutine running side by side with the one that started it.
    """

    __slots__ = ("_task",)

    def __init__(self, task: asyncio.Task[object]) -> None:
        self._task = task

    def __await__(self) -> Any:
        task = self._task

        async def result() -> object:
            return await task

        return SandboxAwaitable(result).__await__()

    def done(self) -> bool:
        return self._task.done()

    def cancelled(self) -> bool:
        return self._task.cancelled()

    def cancel(self) -> bool:
        return self._task.cancel()

    def result(self) -> object:
        return self._task.result()

    def exception(self) -> BaseException | None:
        return self._task.exception()

    def get_name(self) -> str:
        return self._task.get_name()

    def __repr__(self) -> str:
        state = "done" if self._task.done() else "pending"
        return f"<sandbox task {self._task.get_name()!r} {state}>"


def _create_task(drive: Drive) -> Callable[..., Task]:
    def create_task(coro: object, *, name: object = None) -> Task:
        """
        Start *coro* side by side with the current coroutine.

        Raises:
            RuntimeError: Outside a running coroutine.
        """
        part = _awaitable(coro, "the coroutine")
        loop = asyncio.get_running_loop()
        label = None if name is None else str(name)
        return Task(loop.create_task(drive(part), name=label))

    return create_task


class _Slots:
    """
    What a lock and a semaphore share: slots taken and given back.
    """

    __slots__ = ("_slots",)

    _slots: asyncio.Lock | asyncio.Semaphore

    def acquire(self) -> SandboxAwaitable:
        return SandboxAwaitable(self._slots.acquire)

    def release(self) -> None:
        self._slots.release()

    def locked(self) -> bool:
        return self._slots.locked()

    def __aenter__(self) -> SandboxAwaitable:
        return SandboxAwaitable(self._slots.acquire)

    def __aexit__(self, *exc_info: object) -> SandboxAwaitable:
        self._slots.release()
        return sleep(0)


@final
class Lock(_Slots):
    """
    A lock for coroutines; ``async with lock:`` holds it.
    """

    __slots__ = ()

    def __init__(self) -> None:
        self._slots = asyncio.Lock()


@final
class Semaphore(_Slots):
    """
    A counter of free slots for coroutines; ``async with sem:`` takes one.
    """

    __slots__ = ()

    def __init__(self, value: int = 1) -> None:
        self._slots = asyncio.Semaphore(value)


@final
class Event:
    """
    A flag coroutines can wait for.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self) -> SandboxAwaitable:
        return SandboxAwaitable(self._event.wait)


@final
class Queue:
    """
    A first-in, first-out queue between coroutines.
    """

    __slots__ = ("_queue",)

    def __init__(self, maxsize: int = 0) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize)

    def put(self, item: object) -> SandboxAwaitable:
        return SandboxAwaitable(lambda: self._queue.put(item))

    def get(self) -> SandboxAwaitable:
        return SandboxAwaitable(self._queue.get)

    def put_nowait(self, item: object) -> None:
        self._queue.put_nowait(item)

    def get_nowait(self) -> object:
        return self._queue.get_nowait()

    def task_done(self) -> None:
        self._queue.task_done()

    def join(self) -> SandboxAwaitable:
        return SandboxAwaitable(self._queue.join)

    def qsize(self) -> int:
        return self._queue.qsize()

    def empty(self) -> bool:
        return self._queue.empty()

    def full(self) -> bool:
        return self._queue.full()

    @property
    def maxsize(self) -> int:
        return self._queue.maxsize


# The members every sandbox's ``asyncio`` shares; those that run coroutines
# are added per sandbox, bound to its driver.
SHARED_MEMBERS: Final[dict[str, object]] = {
    "CancelledError": asyncio.CancelledError,
    "Event": Event,
    "Lock": Lock,
    "Queue": Queue,
    "QueueEmpty": asyncio.QueueEmpty,
    "QueueFull": asyncio.QueueFull,
    "Semaphore": Semaphore,
    "Task": Task,
    "TimeoutError": TimeoutError,
    "iscoroutine": iscoroutine,
    "iscoroutinefunction": iscoroutinefunction,
    "sleep": sleep,
}


# Every name of the module, shared or bound.
ASYNCIO_NAMES: Final = tuple(
    sorted({*SHARED_MEMBERS, "create_task", "gather", "run", "wait_for"})
)


def asyncio_members(driver: Driver) -> dict[str, object]:
    """
    The members of one sandbox's ``asyncio`` module.
    """

    def run(main: object) -> object:
        """
        Run the coroutine *main* to its end and give its result.
        """
        if not inspect.iscoroutine(main):
            msg = f"a coroutine was expected, not {type(main).__name__}"
            raise TypeError(msg)
        return driver.run(main)

    drive = driver.drive
    return {
        **SHARED_MEMBERS,
        "create_task": _create_task(drive),
        "gather": _gather(drive),
        "run": run,
        "wait_for": _wait_for(drive),
    }
