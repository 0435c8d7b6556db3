"""
async def, await, async for, async with and the sandbox's asyncio: plain
coroutine code runs, under the budget, and nothing it can reach leads to
the event loop, a future or a frame.
"""

import pytest

from acc_plugins.errors import BudgetExceeded, CompileError, SandboxViolation
from acc_plugins.sandbox import Sandbox


def run_main(sandboxed, source, **files):
    sandbox = sandboxed(source, **files)
    main = sandbox.import_module("m").__dict__["main"]
    return sandbox.run(main)


LANGUAGE = """
class Resource:
    def __init__(self):
        self.log = []
    async def __aenter__(self):
        self.log.append("enter")
        return self
    async def __aexit__(self, *exc):
        self.log.append("exit")
        return False

class Countdown:
    def __init__(self, n):
        self.n = n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.n <= 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n

async def numbers():
    for i in range(3):
        yield i

async def double(x):
    return 2 * x

async def main():
    resource = Resource()
    async with resource:
        doubled = await double(4)
    total = 0
    async for value in numbers():
        total += value
    return (
        doubled,
        resource.log,
        [i async for i in Countdown(3)],
        total,
        await anext(aiter(numbers())),
    )
"""


def test_coroutine_syntax_runs(sandboxed):
    """Every async construct of the language works as in CPython."""
    assert run_main(sandboxed, LANGUAGE) == (
        8,
        ["enter", "exit"],
        [2, 1, 0],
        3,
        0,
    )


ASYNCIO = """
import asyncio

async def worker(i, lock, order):
    # Turns of the loop, not delays: the order holds on a busy machine.
    for _ in range(3 - i):
        await asyncio.sleep(0)
    async with lock:
        order.append(i)
    return i * 10

async def producer(queue):
    for i in range(3):
        await queue.put(i)
    await queue.put(None)

async def main():
    lock = asyncio.Lock()
    order = []
    results = await asyncio.gather(*(worker(i, lock, order) for i in range(3)))
    queue = asyncio.Queue()
    task = asyncio.create_task(producer(queue))
    got = []
    while (item := await queue.get()) is not None:
        got.append(item)
    await task
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.01)
        timed_out = False
    except asyncio.TimeoutError:
        timed_out = True
    event = asyncio.Event()
    async def setter():
        event.set()
    await asyncio.gather(event.wait(), setter())
    failures = await asyncio.gather(
        asyncio.sleep(0, "fine"), double_fail(), return_exceptions=True
    )
    return (
        results, order, got, task.done(), timed_out, event.is_set(),
        failures[0], type(failures[1]).__name__,
    )

async def double_fail():
    raise ValueError("no")
"""


def test_the_sandbox_asyncio(sandboxed):
    """sleep, gather, wait_for, tasks, locks, queues and events."""
    assert run_main(sandboxed, ASYNCIO) == (
        [0, 10, 20],
        [2, 1, 0],
        [0, 1, 2],
        True,
        True,
        True,
        "fine",
        "ValueError",
    )


def test_asyncio_run_inside_a_sync_call(sandboxed):
    """asyncio.run(coro) in plugin code runs within the current call."""
    source = """
    import asyncio
    async def inner():
        await asyncio.sleep(0)
        return 5
    def main():
        return asyncio.run(inner())
    """
    assert run_main(sandboxed, source) == 5


@pytest.mark.parametrize(
    ("source", "error", "match"),
    [
        (
            (
                "async def f():\n    pass\ndef main():\n    c = f()\n"
                "    return c.cr_frame\n"
            ),
            CompileError,
            "cr_frame",
        ),
        (
            "async def g():\n    yield 1\ndef main():\n    return g().ag_frame\n",
            CompileError,
            "ag_frame",
        ),
        (
            (
                "import asyncio\ndef main():\n"
                "    return asyncio.sleep(1).__await__().send(None)\n"
            ),
            SandboxViolation,
            "'__await__'",
        ),
        (
            (
                "import asyncio\nasync def f():\n    pass\nasync def main():\n"
                "    t = asyncio.create_task(f())\n    return t._task\n"
            ),
            SandboxViolation,
            "private attribute '_task'",
        ),
        (
            "import asyncio\ndef main():\n    return asyncio.Lock()._slots\n",
            SandboxViolation,
            "private attribute '_slots'",
        ),
        (
            (
                "def f():\n    pass\nasync def main():\n"
                "    return getattr(f, 'cr_' + 'frame')\n"
            ),
            SandboxViolation,
            "cr_frame",
        ),
    ],
)
def test_no_way_to_the_loop_or_a_frame(sandboxed, source, error, match):
    """Frames, futures and the real asyncio objects stay out of reach."""
    with pytest.raises(error, match=match):
        run_main(sandboxed, source)


def test_a_plugin_awaitable_cannot_hand_the_driver_anything(sandboxed):
    """Yielding a value of one's own from __await__ is a TypeError."""
    source = """
    class Sneaky:
        def __await__(self):
            yield "give me the loop"
            return 1
    async def main():
        try:
            await Sneaky()
        except TypeError as exc:
            return str(exc)
    """
    assert "can await its own coroutines" in run_main(sandboxed, source)


def test_async_with_cannot_swallow_a_refusal(sandboxed):
    """__aexit__ returning True does not hide a sandbox refusal."""
    source = """
    class Swallow:
        async def __aenter__(self):
            return self
        async def __aexit__(self, *exc):
            return True
    async def main():
        async with Swallow():
            getattr((), "__bas" + "es__")
        return "escaped"
    """
    with pytest.raises(SandboxViolation, match="'__bases__'"):
        run_main(sandboxed, source)


def test_cancellation_cannot_outlive_the_budget(tmp_path):
    """A coroutine that swallows cancellation still stops at its budget."""
    (tmp_path / "m.py").write_text(
        "import asyncio\n"
        "async def main():\n"
        "    while True:\n"
        "        try:\n"
        "            await asyncio.sleep(100)\n"
        "        except asyncio.CancelledError:\n"
        "            pass\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)
    assert sandbox.budget.breaches >= 1


def test_a_busy_coroutine_meets_the_budget(tmp_path):
    """async for and loops inside coroutines check the budget."""
    (tmp_path / "m.py").write_text(
        "async def ticks():\n"
        "    while True:\n"
        "        yield 1\n"
        "async def main():\n"
        "    async for _ in ticks():\n"
        "        pass\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)


def test_a_nan_delay_is_refused(sandboxed):
    """sleep(nan) would be a timer that never fires: a ValueError."""
    source = """
    import asyncio
    async def main():
        try:
            await asyncio.sleep(float("nan"))
        except ValueError as exc:
            return str(exc)
    """
    assert "not NaN" in run_main(sandboxed, source)
