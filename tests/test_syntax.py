"""
Parsing and compiling from several threads at once: CPython 3.11 counts
the depth of its tree conversions per interpreter, and a garbage
collection that lets another thread run in the middle broke the count
(a SystemError in a concurrent publish).
"""

import ast
import gc
import threading
import time

import pytest

from acc_plugins._syntax import compile_tree, parse, parse_module


SOURCE = "\n".join(
    f"def f{i}(a, b=[1, {{'k': (2, 3)}}]):\n"
    f"    return [x * {i} for x in range(a) if x and b]\n"
    for i in range(150)
)


@pytest.fixture(name="switchy_collections")
def _switchy_collections():
    """
    Collections often, each one giving other threads the GIL: the
    conditions under which conversions of two threads interleave.
    """

    def let_others_run(phase, info):
        time.sleep(0)

    threshold = gc.get_threshold()
    gc.callbacks.append(let_others_run)
    gc.set_threshold(20, 1, 1)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(let_others_run)


def test_threads_parse_and_compile_at_once(switchy_collections):
    """Every thread gets its tree and its code; none sees a SystemError."""
    errors: list[BaseException] = []
    done: list[int] = []

    def work():
        try:
            for _ in range(6):
                tree = parse_module(SOURCE, "m.py")
                compile_tree(tree, "m.py")
            done.append(1)
        except BaseException as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(done) == len(threads)


def test_a_mismatch_from_a_foreign_thread_is_retried(monkeypatch):
    """Code that is not ours can still race with us: one retry mends it."""
    calls = []
    real = ast.parse

    def racing(*args):
        calls.append(args)
        if len(calls) == 1:
            msg = (
                "AST constructor recursion depth mismatch (before=3, after=9)"
            )
            raise SystemError(msg)
        return real(*args)

    monkeypatch.setattr(ast, "parse", racing)

    tree = parse("x = 1")

    assert isinstance(tree, ast.Module)
    assert len(calls) == 2


def test_other_errors_are_not_retried(monkeypatch):
    calls = []

    def broken(*args):
        calls.append(args)
        msg = "something else"
        raise SystemError(msg)

    monkeypatch.setattr(ast, "parse", broken)

    with pytest.raises(SystemError, match="something else"):
        parse("x = 1")
    assert len(calls) == 1
    monkeypatch.undo()
    with pytest.raises(SyntaxError):
        parse("x = (")
