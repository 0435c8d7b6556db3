"""
A property-based fuzzer of attack programs (issue #8).

Hypothesis composes plugin modules from the inventory's vocabulary: calls
of allowlisted callables and of methods found by name, ``getattr`` and
``setattr`` with dangerous attribute names, keyword arguments named like
them, item reads, ``type()``, and plugin-made objects built to confuse the
library (a property, a dict subclass that overrides its lookups, a str
subclass, an object whose ``__eq__``, ``__hash__`` and ``__index__`` lie,
functions, lambdas, a subclass of an allowlisted class).  Each program runs
in a fresh sandbox; refusals and errors are fine.  The property: no run
holds ``os``, ``sys``, ``builtins``, ``open``, a frame, a code object, a
traceback or a real module anywhere in its result, its ``LOOT`` or its
module globals, and the host's shared objects are unchanged.

The budget is ``ACC_FUZZ_EXAMPLES`` programs (40 by default, a few
seconds); ``nox -s fuzz`` runs thousands.  Doors found by review rather
than by the fuzzer sit at the end, as strict xfails.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Final

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.security.test_escapes import (
    World,
    _host_snapshot,
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    assert_goal_not_reached,
    run_attack,
)

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import ALLOWED_MODULES
from acc_plugins.sandbox._inventory import inventory


if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest


EXAMPLES: Final = int(os.environ.get("ACC_FUZZ_EXAMPLES", "40"))

# Attribute names that lead from an ordinary object to the interpreter,
# and names of the keyword arguments library functions read names from.
DANGEROUS_NAMES: Final = (
    "__annotations__",
    "__base__",
    "__bases__",
    "__builtins__",
    "__call__",
    "__class__",
    "__closure__",
    "__code__",
    "__defaults__",
    "__dict__",
    "__func__",
    "__get__",
    "__getattr__",
    "__getattribute__",
    "__globals__",
    "__import__",
    "__init__",
    "__kwdefaults__",
    "__module__",
    "__mro__",
    "__qualname__",
    "__reduce_ex__",
    "__self__",
    "__set_name__",
    "__setattr__",
    "__subclasses__",
    "__wrapped__",
    "_nil",
    "f_globals",
    "gi_frame",
    "tb_frame",
)
KEYWORD_NAMES: Final = (
    "assigned",
    "boundary",
    "cls",
    "default",
    "globals",
    "key",
    "locals",
    "memo",
    "module",
    "name",
    "names",
    "namespace",
    "object_hook",
    "qualname",
    "type",
    "updated",
)

# Plugin-made objects meant to confuse the library.
PRELUDE: Final = """
LOOT = []

class Box:
    plain = "__globals__"

    @property
    def prop(self):
        LOOT.append("prop read")
        return "__globals__"

    def method(self, *args, **kwargs):
        LOOT.append(args)
        return self

class Dicty(dict):
    def get(self, key, default=None):
        LOOT.append(key)
        return default

    def __getitem__(self, key):
        LOOT.append(key)
        return "__globals__"

    def __setitem__(self, key, value):
        LOOT.append(value)

class Texty(str):
    pass

class Liar:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def __index__(self):
        return 3

def own_function(*args, **kwargs):
    LOOT.append((args, kwargs))
    return args

def own_generator():
    yield "__globals__"

try:
    class Sub(BASE):
        def method(self, *args):
            return self
except Exception:
    Sub = Box
"""

PLUGIN_OBJECTS: Final = (
    "(lambda *a, **k: (a, k))",
    "Box",
    "Box()",
    "Dicty()",
    "Dicty(x=1)",
    "Liar()",
    "Sub",
    "Texty('__globals__')",
    "own_function",
    "own_generator",
    "own_generator()",
)
PLAIN_VALUES: Final = (
    "''",
    "'x'",
    "()",
    "(1, 2)",
    "-1",
    "0",
    "1",
    "1000000",
    "255",
    "7",
    "None",
    "True",
    "[0]",
    "[]",
    "b'x'",
    "{'a': 1}",
    "{}",
    *(repr(name) for name in DANGEROUS_NAMES),
)
BUILTIN_CALLABLES: Final = (
    "delattr",
    "dict",
    "format",
    "getattr",
    "hasattr",
    "isinstance",
    "iter",
    "list",
    "next",
    "repr",
    "setattr",
    "sorted",
    "str",
    "super",
    "tuple",
    "type",
)


@functools.cache
def _vocabulary() -> tuple[tuple[str, ...], ...]:
    """
    The module members plugin code can name, the callable ones, every
    attribute name the inventory lists as readable, and the library
    classes a plugin class may derive from.
    """
    entries = inventory()
    members, callables, bases = [], [], []
    for entry in entries:
        module, _, name = entry.path.rpartition(".")
        if (
            module in ALLOWED_MODULES
            and module != "__future__"
            and entry.kind != "removed"
            and name in ALLOWED_MODULES[module]
        ):
            members.append(entry.path)
            if callable(entry.value):
                callables.append(entry.path)
            if isinstance(entry.value, type) and not str(
                entry.value.__module__
            ).startswith("acc_plugins"):
                bases.append(entry.path)
    names = sorted(
        {
            entry.path.rpartition(".")[2]
            for entry in entries
            if entry.kind != "removed" and entry.path.count(".")
        }
        | set(DANGEROUS_NAMES)
    )
    return tuple(members), tuple(callables), tuple(names), tuple(bases)


def _names() -> st.SearchStrategy[str]:
    return st.deferred(lambda: st.sampled_from(_vocabulary()[2]))


def _objects(earlier: int) -> st.SearchStrategy[str]:
    choices = [
        st.sampled_from(PLUGIN_OBJECTS),
        st.sampled_from(PLAIN_VALUES),
        st.deferred(lambda: st.sampled_from(_vocabulary()[0])),
    ]
    if earlier:
        choices.append(st.integers(0, earlier - 1).map(lambda j: f"r{j}"))
    return st.one_of(choices)


def _callees(earlier: int) -> st.SearchStrategy[str]:
    found = st.tuples(_objects(earlier), _names()).map(
        lambda pair: f"getattr({pair[0]}, {pair[1]!r})"
    )
    return st.one_of(
        st.deferred(lambda: st.sampled_from(_vocabulary()[1])),
        st.sampled_from(BUILTIN_CALLABLES),
        st.sampled_from(PLUGIN_OBJECTS),
        found,
        *(
            [st.integers(0, earlier - 1).map(lambda j: f"r{j}")]
            if earlier
            else []
        ),
    )


def _keywords(earlier: int) -> st.SearchStrategy[tuple[str, str]]:
    """
    ``(name, text)`` of one keyword argument, named plainly or, for names
    no call could spell, through ``**{...}``.
    """
    plain = st.tuples(st.sampled_from(KEYWORD_NAMES), _objects(earlier)).map(
        lambda pair: (pair[0], f"{pair[0]}={pair[1]}")
    )
    spelled = st.tuples(_names(), _objects(earlier)).map(
        lambda pair: (pair[0], f"**{{{pair[0]!r}: {pair[1]}}}")
    )
    return st.one_of(plain, spelled)


def _held(earlier: int) -> st.SearchStrategy[str]:
    """
    Objects that are no literal (``'x'[0]`` is a SyntaxWarning, an error
    here) and no lambda.
    """
    choices = [st.sampled_from(PLUGIN_OBJECTS[1:])]
    if earlier:
        choices.append(st.integers(0, earlier - 1).map(lambda j: f"r{j}"))
    return st.one_of(choices)


# How often each kind of statement is drawn: a refused write ends the
# program, so writes are rarer than reads and calls.
_KINDS: Final = ("call",) * 4 + ("getattr",) * 2 + ("item", "setattr", "type")


@st.composite
def _expressions(draw: st.DrawFn, earlier: int) -> str:
    """
    One expression of statement number *earlier*.
    """
    kind = draw(st.sampled_from(_KINDS))
    if kind == "getattr":
        target = draw(_objects(earlier))
        return f"getattr({target}, {draw(_names())!r})"
    if kind == "setattr":
        value = draw(_objects(earlier))
        # The plugin's own objects: a write into anything else ends the run.
        return f"setattr({draw(_held(0))}, {draw(_names())!r}, {value})"
    if kind == "type":
        return f"type({draw(_objects(earlier))})"
    if kind == "item":
        return f"{draw(_held(earlier))}[{draw(_objects(earlier))}]"
    callee = draw(_callees(earlier))
    arguments = draw(st.lists(_objects(earlier), max_size=3))
    keywords = draw(
        st.lists(_keywords(earlier), max_size=2, unique_by=lambda k: k[0])
    )
    texts = [*arguments, *(text for _, text in keywords)]
    return f"{callee}({', '.join(texts)})"


@st.composite
def programs(draw: st.DrawFn) -> str:
    """
    A plugin module whose ``attack()`` runs a few generated statements and
    keeps every result in ``LOOT``.
    """
    base = draw(st.sampled_from(["object", *_vocabulary()[3]]))
    lines = ["def attack():"]
    for number in range(draw(st.integers(1, 8))):
        expression = draw(_expressions(number))
        lines += [
            "    try:",
            f"        r{number} = {expression}",
            "    except Exception as error:",
            f"        r{number} = error",
            f"    LOOT.append(r{number})",
        ]
    lines.append("    return LOOT")
    return _module_source(base, lines)


def _module_source(base: str, attack: list[str]) -> str:
    top = sorted({name.partition(".")[0] for name in ALLOWED_MODULES})
    top.remove("__future__")
    imports = f"import {', '.join(top)}\n"
    return imports + PRELUDE.replace("BASE", base) + "\n".join(attack) + "\n"


@contextlib.contextmanager
def _address_space(headroom: int) -> Iterator[None]:
    """
    Cap the process's address space at its current size plus *headroom*
    while a program runs: a door the fuzzer finds by chance
    (``list(type(itertools.repeat(0, 1))(0))``) then ends in MemoryError
    instead of taking the machine's memory.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    cap = pages * resource.getpagesize() + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _fresh_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """
    The world of ``test_escapes`` for one example (its fixture is made per
    test, not per example).
    """
    tmp = tmp_path_factory.mktemp("fuzz")
    workspace = tmp / "ws"
    workspace.mkdir()
    token = secrets.token_hex(16)
    secret = workspace / "secret.txt"
    secret.write_text(f"token={token}\n")
    root = tmp / "plugin"
    root.mkdir()
    return World(tmp, workspace, root, secret, workspace / "canary.txt", token)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=programs())
def test_no_generated_program_escapes(tmp_path_factory, source):
    """No generated program reaches the interpreter or changes the host."""
    world = _fresh_world(tmp_path_factory)
    before = _host_snapshot()

    with _address_space(2 * 2**30):
        outcome = run_attack(world, source, timeout=1.0, memory_mb=64)

    assert_goal_not_reached(world, outcome)
    assert _host_snapshot() == before


def test_the_prelude_runs(world):
    """The plugin objects build: the fuzzer is not refused wholesale."""
    attack = [
        "def attack():",
        "    return [Box().prop, Dicty()['k'], Liar() == 1, Sub.__name__]",
    ]
    source = _module_source("json.JSONDecoder", attack)

    outcome = run_attack(world, source)

    assert (outcome.error, outcome.value) == (
        None,
        ["__globals__", "__globals__", True, "Sub"],
    )


# -- an escape found while classifying the inventory --------------------------

ENUM_FIELD_CODE = """
import enum, dataclasses
LOOT = []
Field = type(dataclasses.field())
CODE = (
    "x=LOOT.append([c for c in ().__class__.__base__.__subclasses__()"
    " if c.__name__ == '_wrap_close'][0].__init__.__globals__['sys']),*y"
)
def get_name(self):
    return CODE
def set_name(self, value):
    pass
ARGS = (dataclasses.MISSING, dataclasses.MISSING, False, False, False, False, None, False)
E = enum.Enum("E", [("name", property(get_name, set_name)), ("A", ARGS)], type=Field)
class C:
    y: int = E.A
def attack():
    try:
        dataclasses.dataclass(C)
    except TypeError:
        pass
    return LOOT
"""


def test_a_functional_enum_cannot_make_a_field_subclass(world):
    """No plugin class, however made, chooses the source dataclasses runs."""
    outcome = run_attack(world, ENUM_FIELD_CODE)

    assert isinstance(outcome.error, SandboxViolation)
    assert_goal_not_reached(world, outcome)
