"""
The escape suite: attacks from the public RestrictedPython advisories and
the usual Python jail-escape techniques, each run against a fresh sandbox
(or a full host when it needs ``self.ctx``).

Every test asserts two things: the attack was refused, and its goal was not
reached -- the secret file's token appears nowhere in what the attack got
back, the canary file was not created, and no reference to ``os``, ``sys``,
``builtins``, ``open``, ``__import__``, ``subprocess`` (or a frame, code
object, traceback or real module) is held anywhere the plugin can reach.

Attacks that succeed would be marked ``xfail(strict=True, reason="ESCAPE: ...")``
until the library is fixed.
"""

from __future__ import annotations

import builtins
import collections.abc
import dataclasses
import gc
import importlib
import io
import json
import os
import random
import re
import secrets
import subprocess
import sys
import textwrap
import time
import types
import unicodedata
from typing import TYPE_CHECKING, Any, Final

import pytest

from acc_plugins.errors import (
    BudgetExceeded,
    CompileError,
    PluginCallError,
    SandboxViolation,
)
from acc_plugins.host import PluginHost, State
from acc_plugins.host.core._registration import sdk_members
from acc_plugins.sandbox import Sandbox
from acc_plugins.sdk import Context, Plugin, ToolError


if TYPE_CHECKING:
    from pathlib import Path


# -- what an attack must never obtain ---------------------------------------

_FORBIDDEN: Final[dict[int, str]] = {
    id(value): name
    for name, value in {
        "os": os,
        "sys": sys,
        "builtins": builtins,
        "subprocess": subprocess,
        "importlib": importlib,
        "gc": gc,
        "io": io,
        "builtins.open": builtins.open,
        "io.open": io.open,
        "builtins.__import__": builtins.__import__,
        "builtins.eval": builtins.eval,
        "builtins.exec": builtins.exec,
        "builtins.compile": builtins.compile,
        "builtins.globals": builtins.globals,
        "builtins.vars": builtins.vars,
        "builtins.getattr": builtins.getattr,
        "builtins.setattr": builtins.setattr,
        "builtins.__dict__": vars(builtins),
        "os.system": os.system,
        "os.environ": os.environ,
        "subprocess.run": subprocess.run,
        "subprocess.Popen": subprocess.Popen,
        "importlib.import_module": importlib.import_module,
    }.items()
}
_INTERNALS: Final = (types.FrameType, types.CodeType, types.TracebackType)
_CONTAINERS: Final = (list, tuple, set, frozenset, collections.deque)
_MAX_DEPTH: Final = 8


def _children(obj: object, sandbox: Sandbox | None) -> list[object]:
    """What the plugin could reach from *obj* without a guard."""
    if isinstance(obj, (str, bytes, bytearray)):
        return []
    if isinstance(obj, (dict, types.MappingProxyType)):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, _CONTAINERS):
        return list(obj)
    if isinstance(obj, BaseException):
        return [*obj.args, obj.__context__, obj.__cause__, *vars(obj).values()]
    if sandbox is None or not sandbox.owns(obj):
        return []
    if isinstance(obj, types.ModuleType):
        return [v for k, v in vars(obj).items() if k != "__builtins__"]
    if isinstance(obj, types.FunctionType):
        cells = [c.cell_contents for c in obj.__closure__ or ()]
        return [
            *(obj.__defaults__ or ()),
            *(obj.__kwdefaults__ or {}).values(),
            *cells,
        ]
    if isinstance(obj, type):
        return list(vars(obj).values())
    return list(getattr(obj, "__dict__", {}).values())


def _problems(obj: object, token: str, sandbox: Sandbox | None) -> list[str]:
    """Every secret text and forbidden reference reachable from *obj*."""
    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[object, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if id(item) in seen or depth > _MAX_DEPTH:
            continue
        seen.add(id(item))
        if id(item) in _FORBIDDEN:
            found.append(f"reference to {_FORBIDDEN[id(item)]}")
        elif isinstance(item, _INTERNALS):
            found.append(f"a {type(item).__name__} object")
        elif isinstance(item, types.ModuleType) and not (
            sandbox is not None and sandbox.owns(item)
        ):
            found.append(f"the real module {item.__name__}")
        elif isinstance(item, str) and token in item:
            found.append("the secret token in text")
        elif isinstance(item, (bytes, bytearray)) and token.encode() in item:
            found.append("the secret token in bytes")
        try:
            children = _children(item, sandbox)
        except (AttributeError, ValueError):  # an empty closure cell
            children = []
        stack.extend((child, depth + 1) for child in children)
    return found


def _host_snapshot() -> dict[str, object]:
    """Shared objects a plugin might try to poison, by identity and value."""
    return {
        "os.system": os.system,
        "sys.modules[os]": sys.modules["os"],
        "sys.modules[json]": sys.modules["json"],
        "json.loads": json.loads,
        "json.dumps": json.dumps,
        "json.JSONDecoder": dict(vars(json.JSONDecoder)),
        "json.JSONEncoder": dict(vars(json.JSONEncoder)),
        "str": dict(vars(str)),
        "object": dict(vars(object)),
        "builtins": dict(vars(builtins)),
        "Plugin": dict(vars(Plugin)),
        "Context": dict(vars(Context)),
        "random": random.getstate(),
        "dumps([1, 2])": json.dumps([1, 2]),
    }


# -- the world an attack runs in ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class World:
    tmp: Path
    workspace: Path
    root: Path
    secret: Path
    canary: Path
    token: str


@dataclasses.dataclass
class Outcome:
    error: BaseException | None
    value: object
    sandbox: Sandbox
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@pytest.fixture(name="world")
def _world(tmp_path, monkeypatch) -> World:
    token = secrets.token_hex(16)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    secret = workspace / "secret.txt"
    secret.write_text(f"token={token}\n")
    # A secret in the environment too: reading it needs a capability.
    monkeypatch.setenv("ACC_ESCAPE_SECRET", token)
    root = tmp_path / "plugin"
    root.mkdir()
    return World(
        tmp_path, workspace, root, secret, workspace / "canary.txt", token
    )


@pytest.fixture(name="host_state", autouse=True)
def _host_state() -> Any:
    """No attack may change a shared object of the host."""
    random.seed(1234)
    before = _host_snapshot()
    yield before
    assert _host_snapshot() == before


def run_attack(
    world: World,
    source: str,
    *,
    files: dict[str, str] | None = None,
    timeout: float = 2.0,
    memory_mb: int = 128,
) -> Outcome:
    """
    Write *source* as module ``m`` (after ``SECRET`` and ``CANARY``
    constants), import it in a fresh sandbox and call its ``attack()``
    (if any) inside the time budget.  The value is ``attack()``'s result or
    the module's ``result``.
    """
    header = (
        f"SECRET = {str(world.secret)!r}\nCANARY = {str(world.canary)!r}\n"
    )
    (world.root / "m.py").write_text(header + textwrap.dedent(source))
    for name, text in (files or {}).items():
        path = world.root / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    sandbox = Sandbox(
        world.root,
        "attacker",
        timeout=timeout,
        memory_mb=memory_mb,
        extra_modules={"acc_plugins.sdk": sdk_members()},
        safe_bases=(Plugin, ToolError),
    )
    error: BaseException | None = None
    value: object = None
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        module = sandbox.import_module("m")
        attack = module.__dict__.get("attack")
        if attack is None:
            value = module.__dict__.get("result")
        else:
            sandbox.budget.enter(time.perf_counter())
            try:
                value = attack()
            finally:
                sandbox.budget.leave()
    except Exception as exc:  # noqa: BLE001 -- every refusal is an outcome
        error = exc
    seconds = time.perf_counter() - start
    cpu = time.thread_time() - cpu
    gc.collect()  # runs whatever the attack left for the collector
    return Outcome(error, value, sandbox, seconds, cpu)


def _short(value: object) -> str:
    """A description of *value* that never prints its text (it may leak)."""
    if isinstance(value, (str, bytes, int)):
        return f"a {type(value).__name__} value"
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "..."


def assert_refused(outcome: Outcome, refusal: type[BaseException]) -> None:
    """The attack raised *refusal*, or a refusal was recorded (layer 6)."""
    if outcome.error is None:
        assert refusal is SandboxViolation, (
            f"not refused; got {_short(outcome.value)}"
        )
        assert outcome.sandbox.violations, (
            f"not refused; got {_short(outcome.value)}"
        )
    else:
        assert isinstance(outcome.error, refusal), repr(outcome.error)


def assert_goal_not_reached(world: World, outcome: Outcome) -> None:
    """No secret, no canary, no host reference anywhere the plugin holds."""
    modules = list(outcome.sandbox._modules.values())
    assert _problems(outcome.value, world.token, outcome.sandbox) == []
    assert _problems(modules, world.token, outcome.sandbox) == []
    assert world.token not in str(outcome.error)
    assert not world.canary.exists()


def check(world: World, source: str, refusal: type[BaseException]) -> Outcome:
    outcome = run_attack(world, source)
    assert_refused(outcome, refusal)
    assert_goal_not_reached(world, outcome)
    return outcome


def escape(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"ESCAPE: {reason}")


# -- the harness itself ------------------------------------------------------

BENIGN = """
import json
def attack():
    return json.loads('[1, 2]')
"""
LEAKY_CONTROL = """
def attack():
    return [SECRET]
"""


def test_harness_runs_the_attack(world):
    """A harmless 'attack' runs and returns its value, unrefused."""
    outcome = run_attack(world, BENIGN)

    assert (outcome.error, outcome.value) == (None, [1, 2])
    assert_goal_not_reached(world, outcome)


def test_harness_sees_a_leak(world):
    """The goal check is not vacuous: host objects and text are caught."""
    token = world.token

    assert _problems([{"k": (os,)}], token, None) == ["reference to os"]
    assert _problems(f"x{token}", token, None) == ["the secret token in text"]
    assert _problems(sys._getframe(), token, None) == ["a frame object"]
    assert _problems(run_attack(world, LEAKY_CONTROL).value, token, None) == []


# -- 1. the class hierarchy --------------------------------------------------

CLASS_HIERARCHY = [
    pytest.param(
        """
        def attack():
            return ().__class__.__base__.__subclasses__()
        """,
        CompileError,
        id="tuple-class-base-subclasses",
    ),
    pytest.param(
        """
        def attack():
            return type(()).mro()[-1]
        """,
        CompileError,
        id="type-of-x-mro",
    ),
    pytest.param(
        """
        def attack():
            return object.__subclasses__()
        """,
        CompileError,
        id="object-subclasses",
    ),
    pytest.param(
        """
        def attack():
            return vars(type(1))
        """,
        SandboxViolation,
        id="vars-of-type",
    ),
    pytest.param(
        """
        def attack():
            klass = getattr((), "__cla" + "ss__")
            return getattr(getattr(klass, "__ba" + "se__"), "__subclasses__")()
        """,
        SandboxViolation,
        id="getattr-concatenated-names",
    ),
    pytest.param(
        """
        def attack():
            name = "".join(chr(c) for c in [95, 95, 109, 114, 111, 95, 95])
            return getattr(int, name)
        """,
        SandboxViolation,
        id="getattr-name-from-chr-codes",
    ),
    pytest.param(
        """
        def attack():
            name = "subclasses"[::-1][::-1]
            return getattr(object, "_" + "_" + name + "__")()
        """,
        SandboxViolation,
        id="getattr-name-by-slicing",
    ),
    pytest.param(
        """
        class Name(str):
            def __eq__(self, other):
                return True
            def __hash__(self):
                return hash("x")
        def attack():
            return getattr(object, Name("__subclasses__"))
        """,
        TypeError,
        id="getattr-str-subclass-name",
    ),
    pytest.param(
        """
        def attack():
            return "{0.__class__.__base__.__subclasses__}".format(())
        """,
        SandboxViolation,
        id="str-format-attribute-chain",
    ),
    pytest.param(
        """
        def attack():
            return "{x.__class__.__mro__[1]}".format_map({"x": ()})
        """,
        SandboxViolation,
        id="format-map-attribute-chain",
    ),
    pytest.param(
        """
        def attack():
            template = str.format
            return template("{0.__globals__[__builtins__]}", attack)
        """,
        SandboxViolation,
        id="unbound-str-format-on-a-function",
    ),
    pytest.param(
        """
        def attack():
            fmt = getattr("{0.__init__.__globals__}", "for" + "mat")
            return fmt(attack)
        """,
        SandboxViolation,
        id="format-fetched-by-getattr",
    ),
    pytest.param(
        """
        def attack():
            return f"{().__class__.__base__.__subclasses__()}"
        """,
        CompileError,
        id="f-string-attribute-chain",
    ),
    pytest.param(
        """
        def attack():
            return "%(x.__class__)s" % {"x": ()}
        """,
        KeyError,
        id="percent-format-with-mapping",
    ),
    pytest.param(
        """
        def attack():
            return format((), "{0.__class__}")
        """,
        TypeError,
        id="format-builtin-with-field-spec",
    ),
    pytest.param(
        """
        import random
        from collections import UserString
        def attack():
            text = UserString("{0.__init__.__globals__[_os].environ}")
            return text.format(random.Random)
        """,
        ImportError,  # UserString is left out of the allowlist for this
        id="userstring-format-reads-os-environ",
    ),
    pytest.param(
        """
        import random
        class S(str):
            pass
        def attack():
            return S.format("{0.__init__.__globals__[_os].environ}", random.Random)
        """,
        SandboxViolation,
        id="str-subclass-unbound-format",
    ),
    pytest.param(
        """
        import random
        class S(str):
            pass
        def attack():
            text = S("{0.__init__.__globals__[_os].environ}")
            return super(S, text).format(random.Random)
        """,
        SandboxViolation,
        id="super-of-str-subclass-format",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), CLASS_HIERARCHY)
def test_class_hierarchy_walks(world, source, refusal):
    """No walk from an ordinary object reaches object.__subclasses__()."""
    check(world, source, refusal)


# -- 2. frames and tracebacks --------------------------------------------------

FRAMES = [
    pytest.param(
        """
        def gen():
            yield 1
        def attack():
            return gen().gi_frame.f_back.f_globals
        """,
        CompileError,
        id="generator-gi-frame-f-back",
    ),
    pytest.param(
        """
        def gen():
            yield 1
        def attack():
            frame = getattr(gen(), "gi_" + "frame")
            return getattr(frame, "f_" + "globals")
        """,
        SandboxViolation,
        id="computed-gi-frame-f-globals",
    ),
    pytest.param(
        """
        async def coro():
            return 1
        def attack():
            return coro().cr_frame
        """,
        CompileError,
        id="coroutine-cr-frame",
    ),
    pytest.param(
        """
        async def agen():
            yield 1
        def attack():
            return agen().ag_frame
        """,
        CompileError,
        id="async-generator-ag-frame",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError:
                return sys.exc_info()[2]
        """,
        NameError,
        id="sys-exc-info-absent",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError as exc:
                return exc.__traceback__.tb_frame.f_back
        """,
        CompileError,
        id="exception-traceback-tb-frame",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError as exc:
                tb = getattr(exc, "__trace" + "back__")
            return getattr(tb, "tb_" + "frame")
        """,
        SandboxViolation,
        id="computed-traceback",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError as exc:
                return "{0.__traceback__.tb_frame.f_globals}".format(exc)
        """,
        SandboxViolation,
        id="format-traceback-frame-globals",
    ),
    pytest.param(
        """
        def gen():
            yield 1
        def attack():
            return "{0.gi_frame.f_back.f_globals}".format(gen())
        """,
        SandboxViolation,
        id="format-generator-frame",
    ),
    pytest.param(
        """
        def gen():
            yield 1
        def attack():
            return "{0.gi_code.co_consts}".format(gen())
        """,
        SandboxViolation,
        id="format-generator-code",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError as exc:
                return exc.with_traceback(None).__traceback__
        """,
        CompileError,
        id="with-traceback-then-read",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), FRAMES)
def test_frames_and_tracebacks(world, source, refusal):
    """No frame, and so no f_globals or f_builtins, is ever reached."""
    check(world, source, refusal)


# -- 3. function internals ---------------------------------------------------

FUNCTION_INTERNALS = [
    pytest.param(
        """
        def attack():
            return attack.__globals__["__builtins__"]["open"]
        """,
        CompileError,
        id="function-globals",
    ),
    pytest.param(
        """
        def outer():
            secret = 1
            def inner():
                return secret
            return inner
        def attack():
            return outer().__closure__[0].cell_contents
        """,
        CompileError,
        id="function-closure",
    ),
    pytest.param(
        """
        def attack():
            return attack.__code__.co_consts
        """,
        CompileError,
        id="function-code",
    ),
    pytest.param(
        """
        def target(x=1):
            return x
        def attack():
            target.__defaults__ = (open,)
            return target()
        """,
        CompileError,
        id="defaults-write",
    ),
    pytest.param(
        """
        def target(x=1):
            return x
        def attack():
            setattr(target, "__defaults__", ([],))
            return target()
        """,
        SandboxViolation,
        id="defaults-setattr",
    ),
    pytest.param(
        """
        def target(*, x=1):
            return x
        def attack():
            return getattr(target, "__kw" + "defaults__")
        """,
        SandboxViolation,
        id="kwdefaults-getattr",
    ),
    pytest.param(
        """
        def attack():
            return getattr(attack, "__buil" + "tins__")
        """,
        SandboxViolation,
        id="function-builtins-getattr",
    ),
    pytest.param(
        """
        import json
        def attack():
            return getattr(json.loads, "__glo" + "bals__")["codecs"]
        """,
        SandboxViolation,
        id="host-function-globals",
    ),
    pytest.param(
        """
        import json
        def attack():
            return "{0.__globals__[__builtins__][open]}".format(json.loads)
        """,
        SandboxViolation,
        id="format-host-function-globals",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), FUNCTION_INTERNALS)
def test_function_internals(world, source, refusal):
    """__globals__, __closure__, __code__ and defaults stay out of reach."""
    check(world, source, refusal)


# -- 4. shadowing the guards -------------------------------------------------

GUARD_SHADOWING = [
    pytest.param(
        """
        def attack(_getattr_=getattr):
            return _getattr_((), "__class__")
        """,
        CompileError,
        id="parameter-named-_getattr_",
    ),
    pytest.param(
        """
        def attack(__acc_getattr__=getattr, /):
            return ().__class__
        """,
        CompileError,
        id="positional-only-__acc_getattr__",
    ),
    pytest.param(
        """
        def attack():
            if (_write_ := (lambda obj: obj)):
                return _write_
        """,
        CompileError,
        id="walrus-_write_",
    ),
    pytest.param(
        """
        def attack():
            for _getiter_ in [iter]:
                pass
            return _getiter_
        """,
        CompileError,
        id="for-target-_getiter_",
    ),
    pytest.param(
        """
        class Holder:
            __acc_getattr__ = getattr
        def attack():
            return Holder
        """,
        CompileError,
        id="class-attribute-__acc_getattr__",
    ),
    pytest.param(
        """
        import json as _getattr_
        def attack():
            return _getattr_
        """,
        CompileError,
        id="import-alias-_getattr_",
    ),
    pytest.param(
        """
        __builtins__ = {"open": None}
        def attack():
            return __builtins__
        """,
        CompileError,
        id="rebind-__builtins__",
    ),
    pytest.param(
        """
        def attack():
            global __acc_write__
            __acc_write__ = lambda obj: obj
        """,
        CompileError,
        id="global-__acc_write__",
    ),
    pytest.param(
        """
        def attack():
            try:
                1 / 0
            except ZeroDivisionError as __acc_reraise__:
                return __acc_reraise__
        """,
        CompileError,
        id="except-as-__acc_reraise__",
    ),
    pytest.param(
        """
        def attack():
            match getattr:
                case _print_:
                    return _print_
        """,
        CompileError,
        id="match-capture-_print_",
    ),
    pytest.param(
        """
        def attack():
            return (lambda __acc_with__: __acc_with__)(None)
        """,
        CompileError,
        id="lambda-parameter-__acc_with__",
    ),
    pytest.param(
        """
        def attack():
            return __acc_rawgetattr__((), "__class__")
        """,
        CompileError,
        id="read-raw-getattr-guard",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), GUARD_SHADOWING)
def test_guard_shadowing(world, source, refusal):
    """No binding can replace or read a guard the compiler emits."""
    check(world, source, refusal)


# -- 5. built-ins ------------------------------------------------------------

BUILTINS = [
    pytest.param(
        """
        def attack():
            return __builtins__["open"](SECRET).read()
        """,
        CompileError,
        id="builtins-subscript-open",
    ),
    pytest.param(
        """
        def attack():
            return open(SECRET).read()
        """,
        NameError,
        id="open-absent",
    ),
    pytest.param(
        """
        def attack():
            return __import__("os").popen("cat " + SECRET).read()
        """,
        CompileError,
        id="dunder-import-call",
    ),
    pytest.param(
        """
        def attack():
            return eval("open(SECRET).read()")
        """,
        CompileError,
        id="eval",
    ),
    pytest.param(
        """
        def attack():
            return compile("1", "x", "eval")
        """,
        NameError,
        id="compile-absent",
    ),
    pytest.param(
        """
        def attack():
            return globals()["__builtins__"]
        """,
        KeyError,
        id="globals-hides-builtins",
    ),
    pytest.param(
        """
        import builtins
        def attack():
            return builtins.open(SECRET).read()
        """,
        ModuleNotFoundError,
        id="import-builtins",
    ),
    pytest.param(
        """
        import a
        def attack():
            return getattr((), "__bases__")
        """,
        SandboxViolation,
        id="module-level-getattr-rebinding-stays-local",
    ),
    pytest.param(
        """
        import a
        def attack():
            print("to the log")
            return type("X", (), {})
        """,
        SandboxViolation,
        id="print-and-type-rebinding-stay-local",
    ),
]

SHADOWS = """
getattr = lambda obj, name, *default: "pwned"
print = lambda *args, **kwargs: None
type = lambda *args: "pwned"
"""


@pytest.mark.parametrize(("source", "refusal"), BUILTINS)
def test_builtins_tampering(world, source, refusal):
    """The built-ins table has no way out, and rebinding stays local."""
    outcome = run_attack(world, source, files={"a": SHADOWS})

    assert_refused(outcome, refusal)
    assert_goal_not_reached(world, outcome)
    assert builtins.getattr is getattr


def test_rebinding_getattr_does_not_reach_another_plugin(world):
    """One plugin's module-level getattr leaves another's guard in place."""
    first = run_attack(world, "getattr = lambda *a: 'pwned'\nresult = 1\n")
    other_root = world.tmp / "other"
    other_root.mkdir()
    (other_root / "m.py").write_text("x = getattr((), '__bases__')\n")
    other = Sandbox(other_root, "other", timeout=2.0)

    with pytest.raises(SandboxViolation, match="'__bases__'"):
        other.import_module("m")
    assert first.error is None
    own_getattr = first.sandbox.import_module("m").__dict__["getattr"]
    assert first.sandbox.run(own_getattr) == "pwned"


# -- 6. imports ----------------------------------------------------------------

IMPORTS = [
    pytest.param(
        "import os\nresult = os.listdir\n", AttributeError, id="os-listdir"
    ),
    pytest.param(
        "from os import environ\nresult = environ\n",
        ImportError,
        id="os-environ",
    ),
    pytest.param(
        "import sys\nresult = sys.modules\n", AttributeError, id="sys-modules"
    ),
    pytest.param(
        "import sys\nresult = sys._getframe(0)\n",
        SandboxViolation,
        id="sys-getframe",
    ),
    pytest.param(
        "from sys import settrace\nresult = settrace\n",
        ImportError,
        id="sys-settrace",
    ),
    pytest.param(
        "import subprocess\nresult = subprocess\n",
        ModuleNotFoundError,
        id="subprocess",
    ),
    pytest.param(
        "import importlib\nresult = importlib.import_module('os')\n",
        ModuleNotFoundError,
        id="importlib",
    ),
    pytest.param(
        "import gc\nresult = gc.get_objects()\n", ModuleNotFoundError, id="gc"
    ),
    pytest.param(
        "import ctypes\nresult = ctypes\n", ModuleNotFoundError, id="ctypes"
    ),
    pytest.param(
        "from pathlib import Path\nresult = Path(SECRET).read_text()\n",
        ModuleNotFoundError,
        id="pathlib",
    ),
    pytest.param(
        "import json.decoder\nresult = json.decoder\n",
        ModuleNotFoundError,
        id="submodule-of-an-allowed-module",
    ),
    pytest.param(
        "import acc_plugins.host\nresult = acc_plugins.host\n",
        ModuleNotFoundError,
        id="host-package",
    ),
    pytest.param(
        "from .. import secret\nresult = secret\n",
        SandboxViolation,
        id="relative-import-beyond-the-plugin",
    ),
    pytest.param(
        "import pkg.inner\nresult = pkg.inner.x\n",
        SandboxViolation,
        id="nested-relative-import-beyond-the-plugin",
    ),
    pytest.param(
        "from collections import abc as a\nresult = a.sys\n",
        AttributeError,
        id="collections-abc-sys",
    ),
    pytest.param(
        "import typing\nresult = typing.sys\n", AttributeError, id="typing-sys"
    ),
    pytest.param(
        "import json\nresult = json.codecs\n", AttributeError, id="json-codecs"
    ),
    pytest.param(
        "import re\nresult = re._compiler\n",
        SandboxViolation,
        id="re-compiler",
    ),
    pytest.param(
        "import re\nresult = re.enum\n", AttributeError, id="re-enum"
    ),
    pytest.param(
        "from string import Formatter\n"
        "result = Formatter().format('{0.__class__}', 1)\n",
        ImportError,
        id="string-formatter",
    ),
    pytest.param(
        "from operator import attrgetter\n"
        "result = attrgetter('__class__')(1)\n",
        ImportError,
        id="operator-attrgetter",
    ),
    pytest.param(
        "from operator import methodcaller\n"
        "result = methodcaller('__reduce_ex__', 2)(1)\n",
        ImportError,
        id="operator-methodcaller",
    ),
    pytest.param(
        "from functools import singledispatch\nresult = singledispatch\n",
        ImportError,
        id="functools-singledispatch",
    ),
    pytest.param(
        "from typing import get_type_hints\nresult = get_type_hints\n",
        ImportError,
        id="typing-get-type-hints",
    ),
    pytest.param(
        "from decimal import getcontext\nresult = getcontext()\n",
        ImportError,
        id="decimal-getcontext",
    ),
    pytest.param(
        "import escape\nresult = escape.x\n",
        ModuleNotFoundError,
        id="symlinked-module-outside-the-folder",
    ),
    pytest.param(
        "import json\nresult = json.__dict__\n",
        SandboxViolation,
        id="proxy-dict",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), IMPORTS)
def test_import_tricks(world, source, refusal):
    """Only allowlisted proxies and the plugin's own modules import."""
    outside = world.tmp / "outside.py"
    outside.write_text(f"x = open({str(world.secret)!r}).read()\n")
    (world.root / "escape.py").symlink_to(outside)
    outcome = run_attack(
        world, source, files={"pkg/__init__": "", "pkg/inner": IMPORT_UP}
    )

    assert_refused(outcome, refusal)
    assert_goal_not_reached(world, outcome)


IMPORT_UP = "from ... import secret\nx = secret\n"

PLUGIN_OS = """
def system(command):
    return "the plugin's own os"
"""
PLUGIN_JSON = """
def loads(text):
    return "poisoned"
"""
SHADOW_OS = """
import os
import json
def attack():
    return [os.system("touch " + CANARY), json.loads("1")]
"""


def test_plugin_modules_named_like_stdlib_shadow_only_the_plugin(world):
    """A plugin's os.py and json.py are its own; the host's are untouched."""
    outcome = run_attack(
        world, SHADOW_OS, files={"os": PLUGIN_OS, "json": PLUGIN_JSON}
    )

    assert outcome.error is None
    assert outcome.value == ["the plugin's own os", "poisoned"]
    assert_goal_not_reached(world, outcome)
    assert sys.modules["os"] is os
    assert json.loads("1") == 1


# -- 7. metaclasses and class machinery --------------------------------------

CLASS_MACHINERY = [
    pytest.param(
        """
        class Meta(type):
            pass
        class X(metaclass=Meta):
            pass
        """,
        CompileError,
        id="metaclass-keyword",
    ),
    pytest.param(
        """
        def attack():
            return type("X", (), {"__del__": lambda self: None})
        """,
        SandboxViolation,
        id="type-three-arguments",
    ),
    pytest.param(
        """
        def attack():
            return type(int)("X", (), {"__getattr__": lambda self, n: n})
        """,
        SandboxViolation,
        id="type-of-a-class-is-the-real-type",
    ),
    pytest.param(
        """
        import json
        def attack():
            Sub = type(int)("Sub", (type(json),), {})
            Sub.__init__(json, "json", {"loads": attack})
            return Sub.__init__
        """,
        SandboxViolation,
        id="real-type-subclass-of-a-host-class",
    ),
    pytest.param(
        """
        class X:
            def __init_subclass__(cls):
                pass
        """,
        CompileError,
        id="init-subclass",
    ),
    pytest.param(
        """
        class X:
            def __set_name__(self, owner, name):
                pass
        """,
        CompileError,
        id="set-name",
    ),
    pytest.param(
        """
        class D:
            def __get__(self, obj, owner):
                return obj
        """,
        CompileError,
        id="descriptor-get",
    ),
    pytest.param(
        """
        class X:
            def __del__(self):
                open(CANARY, "w")
        """,
        CompileError,
        id="del",
    ),
    pytest.param(
        """
        class X:
            def __mro_entries__(self, bases):
                return (object,)
        """,
        CompileError,
        id="mro-entries",
    ),
    pytest.param(
        """
        class X(type(int)):
            pass
        """,
        TypeError,  # type(int) is the sandbox's type function, not a class
        id="subclass-type",
    ),
    pytest.param(
        """
        class X(super):
            pass
        """,
        SandboxViolation,
        id="subclass-super",
    ),
    pytest.param(
        """
        def f():
            pass
        class X(type(f)):
            pass
        """,
        SandboxViolation,
        id="subclass-function",
    ),
    pytest.param(
        """
        import json
        class X(type(json)):
            pass
        """,
        SandboxViolation,
        id="subclass-module-proxy",
    ),
    pytest.param(
        """
        from acc_plugins.sdk import Context
        class X(Context):
            pass
        """,
        SandboxViolation,
        id="subclass-sdk-context",
    ),
    pytest.param(
        """
        from acc_plugins.sdk import Plugin
        def attack():
            Plugin.__init__ = lambda self: None
        """,
        CompileError,
        id="assign-sdk-dunder",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), CLASS_MACHINERY)
def test_class_machinery(world, source, refusal):
    """No class runs plugin code behind the host's back or wraps a host one."""
    check(world, source, refusal)


# -- 8. super(), try/except*, match ------------------------------------------

SUPER_EXCEPT_STAR_MATCH = [
    pytest.param(
        """
        import json
        def attack():
            return getattr(super(type(json), json), "__setattr__")
        """,
        SandboxViolation,
        id="two-arg-super-on-a-module-proxy",
    ),
    pytest.param(
        """
        import json
        def attack():
            super(type(json), json).__init__("json", {"loads": attack})
        """,
        SandboxViolation,
        id="super-init-of-a-module-proxy",
    ),
    pytest.param(
        """
        def attack():
            return getattr(super(int, 1), "__self_class__")
        """,
        SandboxViolation,
        id="super-self-class",
    ),
    pytest.param(
        """
        def attack():
            try:
                import os
            except* BaseException:
                pass
        """,
        CompileError,
        id="try-except-star",
    ),
    pytest.param(
        """
        def attack():
            match ():
                case object(__class__=klass):
                    return klass
        """,
        CompileError,
        id="match-class-pattern-__class__",
    ),
    pytest.param(
        """
        import json
        def attack():
            match json:
                case object(__dict__=namespace):
                    return namespace
        """,
        CompileError,
        id="match-class-pattern-__dict__",
    ),
    pytest.param(
        """
        def gen():
            yield 1
        def attack():
            match gen():
                case object(gi_frame=frame):
                    return frame
        """,
        CompileError,
        id="match-class-pattern-gi-frame",
    ),
    pytest.param(
        """
        import re
        def attack():
            match re:
                case object(_compiler=inner):
                    return inner
        """,
        CompileError,
        id="match-class-pattern-private",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), SUPER_EXCEPT_STAR_MATCH)
def test_super_except_star_and_match(world, source, refusal):
    """super(), except* and class patterns read nothing the guard hides."""
    check(world, source, refusal)


# -- 9. swallowing refusals ----------------------------------------------------

SWALLOWING = [
    pytest.param(
        """
        def attack():
            for _ in range(3):
                try:
                    setattr(print, "x", 1)
                    return "escaped"
                except:
                    pass
            return "swallowed"
        """,
        SandboxViolation,
        id="bare-except-retry",
    ),
    pytest.param(
        """
        def attack():
            try:
                getattr((), "__bases__")
            except BaseException as exc:
                return exc
        """,
        SandboxViolation,
        id="except-baseexception-keeps-the-refusal",
    ),
    pytest.param(
        """
        import contextlib
        def attack():
            with contextlib.suppress(BaseException):
                setattr(print, "x", 1)
            return "swallowed"
        """,
        SandboxViolation,
        id="contextlib-suppress",
    ),
    pytest.param(
        """
        import contextlib
        @contextlib.contextmanager
        def swallow():
            try:
                yield
            except BaseException:
                pass
        def attack():
            with swallow():
                setattr(print, "x", 1)
            return "swallowed"
        """,
        SandboxViolation,
        id="contextmanager-generator-swallows",
    ),
    pytest.param(
        """
        class Swallow:
            def __enter__(self):
                return self
            def __exit__(self, kind, value, tb):
                return True
        def attack():
            with Swallow(), Swallow():
                getattr(attack, "__globals__")
            return "swallowed"
        """,
        SandboxViolation,
        id="nested-exit-returns-true",
    ),
    pytest.param(
        """
        def attack():
            for _ in range(2):
                try:
                    setattr(print, "x", 1)
                finally:
                    continue
        """,
        CompileError,
        id="continue-in-finally",
    ),
    pytest.param(
        """
        def attack():
            try:
                setattr(print, "x", 1)
            finally:
                def later():
                    pass
                return later
        """,
        CompileError,
        id="return-in-finally-after-def",
    ),
    pytest.param(
        """
        def gen():
            try:
                yield 1
            finally:
                setattr(print, "x", 1)
        def attack():
            it = gen()
            next(it)
            del it
            return "swallowed by the collector"
        """,
        SandboxViolation,
        id="refusal-in-generator-finalizer",
        marks=pytest.mark.filterwarnings(
            "ignore::pytest.PytestUnraisableExceptionWarning"
        ),
    ),
    pytest.param(
        """
        def gen():
            try:
                yield
            except ValueError:
                setattr(print, "x", 1)
            yield "swallowed"
        def attack():
            it = gen()
            next(it)
            try:
                return it.throw(ValueError)
            except Exception:
                return "swallowed"
        """,
        SandboxViolation,
        id="generator-throw-and-close",
    ),
    pytest.param(
        """
        def attack():
            result = next((x for x in [getattr(attack, "__code__")]), None)
            return result
        """,
        SandboxViolation,
        id="refusal-inside-next-with-default",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), SWALLOWING)
def test_swallowing_refusals(world, source, refusal):
    """A refusal reaches the host, or at least its record does."""
    outcome = check(world, source, refusal)

    assert outcome.sandbox.violations or isinstance(
        outcome.error, CompileError
    )
    assert outcome.error is not None or outcome.value == (
        "swallowed by the collector"
    )


# -- 10. exceptions raised by host code ----------------------------------------

EXCEPTION_LEAKS = [
    pytest.param(
        """
        import json
        def attack():
            try:
                json.loads("{")
            except ValueError as exc:
                caught = exc
            found = [caught.args, caught.__context__, caught.__cause__]
            return found + [getattr(caught.__context__, "__trace" + "back__")]
        """,
        SandboxViolation,
        id="json-error-context-then-traceback",
    ),
    pytest.param(
        """
        import json
        def attack():
            try:
                json.nothing
            except AttributeError as exc:
                caught = exc
            return [caught.obj, getattr(caught.obj, "_" + "_dict__")]
        """,
        SandboxViolation,
        id="attribute-error-obj",
    ),
    pytest.param(
        """
        import dataclasses
        def attack():
            try:
                dataclasses.asdict(1)
            except TypeError as exc:
                caught = exc
            return [caught.args, caught.__context__, getattr(caught, "__traceback__")]
        """,
        SandboxViolation,
        id="stdlib-type-error-traceback",
    ),
    pytest.param(
        """
        def attack():
            try:
                import subprocess
            except ImportError as exc:
                caught = exc
            return [caught.name, caught.args, getattr(caught, "__traceback__")]
        """,
        SandboxViolation,
        id="catch-import-refusal-as-import-error",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), EXCEPTION_LEAKS)
def test_exception_leaks(world, source, refusal):
    """Exceptions from host code carry nothing that leads further."""
    check(world, source, refusal)


# -- 11. shared-object poisoning -----------------------------------------------

POISONING = [
    pytest.param(
        """
        import json
        def attack():
            json.loads = lambda text: "poisoned"
        """,
        SandboxViolation,
        id="assign-on-module-proxy",
    ),
    pytest.param(
        """
        import json
        def attack():
            setattr(json, "dumps", lambda value: "poisoned")
        """,
        SandboxViolation,
        id="setattr-on-module-proxy",
    ),
    pytest.param(
        """
        import json
        def attack():
            del json.loads
        """,
        SandboxViolation,
        id="delete-from-module-proxy",
    ),
    pytest.param(
        """
        import json
        def attack():
            json.JSONDecoder.decode = lambda self, text: "poisoned"
        """,
        SandboxViolation,
        id="stdlib-class-method",
    ),
    pytest.param(
        """
        import json
        def attack():
            setattr(json.JSONEncoder, "item_separator", ";")
        """,
        SandboxViolation,
        id="stdlib-class-attribute",
    ),
    pytest.param(
        """
        def attack():
            str.upper = lambda self: "poisoned"
        """,
        SandboxViolation,
        id="builtin-str-method",
    ),
    pytest.param(
        """
        def attack():
            object.poisoned = True
        """,
        SandboxViolation,
        id="builtin-object-attribute",
    ),
    pytest.param(
        """
        from acc_plugins.sdk import Plugin
        def attack():
            Plugin.on_activate = lambda self: None
        """,
        SandboxViolation,
        id="sdk-class-method",
    ),
    pytest.param(
        """
        from acc_plugins.sdk import tool
        def attack():
            setattr(tool, "__name__", "poisoned")
        """,
        SandboxViolation,
        id="sdk-function-name",
    ),
    pytest.param(
        """
        import enum
        def attack():
            enum.Enum._missing_ = classmethod(lambda cls, value: None)
        """,
        SandboxViolation,
        id="enum-private-hook",
    ),
    pytest.param(
        """
        import collections.abc
        class Fake:
            pass
        def attack():
            collections.abc.Mapping.register(Fake)
        """,
        SandboxViolation,
        id="abc-register",
    ),
    pytest.param(
        """
        import typing
        class Fake:
            pass
        def attack():
            typing.Mapping.register(Fake)
        """,
        SandboxViolation,
        id="typing-alias-register",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), POISONING)
def test_shared_object_poisoning(world, source, refusal):
    """Shared objects refuse writes; the autouse fixture compares them."""
    check(world, source, refusal)
    assert json.JSONEncoder.item_separator == ", "
    assert not hasattr(object, "poisoned")


ABC_METACLASS_REGISTER = """
import collections.abc
class Fake:
    pass
def attack():
    type(collections.abc.Mapping).register(collections.abc.Mapping, Fake)
    return isinstance(Fake(), collections.abc.Mapping)
"""


def test_abc_register_through_the_metaclass(world):
    """The host's isinstance answers what it answered before."""
    outcome = run_attack(world, ABC_METACLASS_REGISTER)
    fake = outcome.sandbox.import_module("m").__dict__["Fake"]

    assert not isinstance(fake(), collections.abc.Mapping)
    # type(Mapping) is the sandbox's type function, which has no register.
    assert_refused(outcome, AttributeError)


RANDOM_SEED = """
import random
def attack():
    random.seed(0)
    return [random.random(), random.getrandbits(32)]
"""


def test_random_seed_moves_only_the_plugins_generator(world, host_state):
    """seed() in a plugin leaves the host's random state alone."""
    outcome = run_attack(world, RANDOM_SEED)
    reference = random.Random(0)

    assert outcome.error is None
    assert outcome.value == [reference.random(), reference.getrandbits(32)]
    assert random.getstate() == host_state["random"]


# -- 12. resource bombs --------------------------------------------------------

BOMBS = [
    pytest.param("result = 'a' * 10**10\n", SandboxViolation, id="repeat-str"),
    pytest.param(
        "result = 10 ** (3 * 10**6)\n",
        SandboxViolation,
        id="big-power-within-the-memory-budget",
    ),
    pytest.param("result = 10 ** 10**9\n", SandboxViolation, id="big-power"),
    pytest.param("result = 1 << 10**10\n", SandboxViolation, id="big-shift"),
    pytest.param(
        "result = list(range(10**10))\n", SandboxViolation, id="huge-range"
    ),
    pytest.param(
        "result = [0]\nresult *= 10**10\n",
        SandboxViolation,
        id="inplace-repeat",
    ),
    pytest.param(
        "result = pow(7, 10**9)\n", SandboxViolation, id="pow-builtin"
    ),
    pytest.param(
        "while True:\n    pass\n", BudgetExceeded, id="infinite-while"
    ),
    pytest.param(
        """
        def down(n):
            try:
                return down(n + 1)
            except RecursionError:
                return down(n + 1)
        result = down(0)
        """,
        BudgetExceeded,
        id="recursion-that-catches-recursion-error",
    ),
    pytest.param(
        """
        import itertools
        result = [0 for _ in itertools.count()]
        """,
        BudgetExceeded,
        id="comprehension-over-itertools-count",
    ),
    pytest.param(
        """
        def forever():
            while True:
                yield 1
        result = sum(x for x in forever())
        """,
        BudgetExceeded,
        id="generator-consumed-in-c",
    ),
    pytest.param(
        "chunks = []\nwhile True:\n    chunks.append('x' * (8 * 1024 * 1024))\n",
        BudgetExceeded,
        id="memory-built-up-in-a-loop",
    ),
    pytest.param(
        "import itertools\nresult = list(itertools.repeat(0))\n",
        BudgetExceeded,
        id="endless-repeat-drained-in-c",
    ),
    pytest.param(
        "result = bytearray(10**10)\n",
        SandboxViolation,
        id="bytearray-of-a-size",
    ),
    pytest.param(
        "import operator\nresult = operator.pow(7, 10**9)\n",
        SandboxViolation,
        id="operator-pow",
    ),
    pytest.param(
        "w = 10**10\nresult = f'{0:>{w}}'\n",
        SandboxViolation,
        id="f-string-width",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), BOMBS)
def test_resource_bombs(world, source, refusal):
    """Each bomb is stopped within two seconds of CPU time."""
    outcome = run_attack(world, source, timeout=0.3)

    assert outcome.cpu_seconds < 2.0
    assert outcome.seconds < 5.0  # wall clock: a busy machine stretches it
    assert_refused(outcome, refusal)
    assert_goal_not_reached(world, outcome)


CONSTANT_BOMBS = [
    pytest.param(
        "result = 1 << 100000000\n",
        id="shift-of-two-literals",
    ),
    pytest.param(
        "result = 2 ** 100000000\n",
        id="power-of-two-literals",
    ),
]


@pytest.mark.parametrize("source", CONSTANT_BOMBS)
def test_bombs_written_as_literals(world, source):
    """Literal operands meet the memory check too (1 MB budget here)."""
    outcome = run_attack(world, source, timeout=0.3, memory_mb=1)

    assert outcome.cpu_seconds < 2.0
    assert outcome.seconds < 5.0  # wall clock: a busy machine stretches it
    assert_refused(outcome, SandboxViolation)
    assert_goal_not_reached(world, outcome)


# -- 13. capability facades, through a full host --------------------------------

_MANIFEST = """
[plugin]
name = "attacker"
version = "1.0.0"
description = "Tries to escape."
entry = "main:Main"
kind = "tool"
"""
_PERMISSIONS = """
[permissions]
filesystem = ["read:${workspace}/allowed/**"]
"""
_HOST_PRELUDE = """
import copy
from acc_plugins.sdk import Plugin, ToolError, tool

LOOT = []

class Main(Plugin):
    def helper(self):
        return self._grants

    @tool
    def read(self, path: str) -> str:
        return self.ctx.fs.read_text(path)

    @tool
    def exists(self, path: str) -> bool:
        return self.ctx.fs.exists(path)

    @tool
    def listing(self, path: str) -> list[str]:
        return self.ctx.fs.listdir(path)

    @tool
    def attack(self, secret: str, canary: str) -> str:
"""


@dataclasses.dataclass
class HostOutcome:
    error: PluginCallError | None
    value: object
    loot: list[object]
    sandbox: Sandbox


def run_host_attack(
    world: World, body: str, tool: str = "attack", **arguments: object
) -> HostOutcome:
    """
    Run *body* as the ``attack`` tool of a plugin whose ``main`` module has a
    ``LOOT`` list, in a full host, and call *tool*.
    """
    folder = world.tmp / "plugins" / "attacker"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.toml").write_text(_MANIFEST + _PERMISSIONS)
    source = _HOST_PRELUDE + textwrap.indent(textwrap.dedent(body), " " * 8)
    (folder / "main.py").write_text(source)
    host = PluginHost(
        [world.tmp / "plugins"],
        cache_dir=world.tmp / "cache",
        data_dir=world.tmp / "data",
        workspace=world.workspace,
        scan_threshold=None,
    )
    host.start()
    try:
        assert host.state("attacker") is State.ACTIVE
        if tool == "attack":
            arguments = {
                "secret": str(world.secret),
                "canary": str(world.canary),
            }
        error: PluginCallError | None = None
        value: object = None
        try:
            value = host.call_tool(f"attacker.{tool}", **arguments)
        except PluginCallError as exc:
            error = exc
        sandbox = host._plugins.record("attacker").sandbox
        assert sandbox is not None
        loot = list(sandbox.import_module("main").__dict__["LOOT"])
    finally:
        host.stop()
    return HostOutcome(error, value, loot, sandbox)


def assert_host_goal_not_reached(world: World, outcome: HostOutcome) -> None:
    assert _problems(outcome.value, world.token, outcome.sandbox) == []
    assert _problems(outcome.loot, world.token, outcome.sandbox) == []
    assert world.token not in str(outcome.error)
    assert not world.canary.exists()


CAPABILITIES = [
    pytest.param(
        "return str(getattr(self.ctx.fs, '_' + 'grants'))\n",
        "private attribute '_grants'",
        id="private-attribute-of-a-facade",
    ),
    pytest.param(
        "raw = getattr(self.ctx.fs.read_text, '__wrap' + 'ped__')\n"
        "return raw(secret)\n",
        "'__wrapped__'",
        id="wrapped-unshielded-function",
    ),
    pytest.param(
        "return str(getattr(self.ctx, '__sl' + 'ots__'))\n",
        "'__slots__'",
        id="facade-slots",
    ),
    pytest.param(
        "fake = type(self.ctx.fs)(None, {'read_text': str})\n"
        "return fake.read_text(secret)\n",
        "made by the host",
        id="forge-a-facade",
    ),
    pytest.param(
        "init = getattr(type(self.ctx.fs), '__init__')\n"
        "init(self.ctx.fs, None, {})\n"
        "return 'reinitialised'\n",
        "'__init__'",
        id="unbound-init-with-a-real-facade",
    ),
    pytest.param(
        "return Main.helper(self.ctx)\n",
        "calling a plugin method on a foreign",
        id="plugin-method-with-a-forged-self",
    ),
    pytest.param(
        "return copy.copy(self.ctx.fs).read_text(secret)\n",
        "cannot be copied",
        id="copy-a-facade",
    ),
    pytest.param(
        "return str(copy.deepcopy(self.ctx))\n",
        "cannot be copied",
        id="deepcopy-the-context",
    ),
    pytest.param(
        "self.ctx.settings['workspace'] = '/'\nreturn 'mutated'\n",
        "does not support item assignment",
        id="mutate-settings",
    ),
    pytest.param(
        "self.ctx.claude = None\nreturn 'replaced'\n",
        "modifying a Context object",
        id="replace-claude",
    ),
    pytest.param(
        "setattr(self.ctx, 'fs', None)\nreturn 'replaced'\n",
        "modifying a Context object",
        id="setattr-on-the-context",
    ),
    pytest.param(
        "raw = getattr(super(type(self.ctx.fs), self.ctx.fs), '__setattr__')\n"
        "raw('read_text', str)\n"
        "return 'replaced'\n",
        "'__setattr__'",
        id="two-arg-super-setattr",
    ),
    pytest.param(
        "super(type(self.ctx), self.ctx).__init__(None, {})\n"
        "return 'reinitialised'\n",
        "the plugin did not create",
        id="two-arg-super-init",
    ),
    pytest.param(
        "Sub = type(int)('Sub', (type(self.ctx.fs),), {})\n"
        "Sub.__init__(self.ctx.fs, None, {'read_text': str})\n"
        "return self.ctx.fs.read_text(secret)\n",
        "type() with three arguments",
        id="real-type-subclass-of-a-facade",
    ),
    pytest.param(
        "return '{0.fs._grants}'.format(self.ctx)\n",
        "private attribute '_grants'",
        id="format-through-the-context",
    ),
    pytest.param(
        "return self.ctx.env.get('ACC_ESCAPE_SECRET')\n",
        "lacks permission 'env:ACC_ESCAPE_SECRET'",
        id="environment-without-a-grant",
    ),
    pytest.param(
        "return self.ctx.process.run(['sh', '-c', 'cat ' + secret])\n",
        "lacks permission 'process:",
        id="program-without-a-grant",
    ),
    pytest.param(
        "return str(self.ctx.fs.write_text(canary, 'x'))\n",
        "lacks permission 'fs:write:",
        id="write-without-a-grant",
    ),
    pytest.param(
        "return self.ctx.claude.query('read ' + secret)\n",
        "lacks permission 'host:claude.query'",
        id="claude-without-a-grant",
    ),
    pytest.param(
        "try:\n"
        "    self.ctx.fs.read_text(secret)\n"
        "except PermissionError as exc:\n"
        "    LOOT.extend([exc, exc.args, exc.plugin, exc.permission])\n"
        "    LOOT.append(exc.__context__)\n",
        "'__context__'",
        id="denial-args-and-context",
    ),
    pytest.param(
        "try:\n"
        "    self.ctx.storage.set('k', {1, 2})\n"
        "except Exception as exc:\n"
        "    LOOT.extend([exc, exc.args, exc.__context__, exc.__cause__])\n"
        "    raise ToolError(str(exc))\n",
        "JSON",
        id="storage-error-args-context-and-cause",
    ),
]


@pytest.mark.parametrize(("body", "message"), CAPABILITIES)
def test_capability_facades(world, body, message):
    """self.ctx can be used, never looked behind, forged or replaced."""
    outcome = run_host_attack(world, body)

    assert outcome.error is not None, f"not refused: {_short(outcome.value)}"
    assert message in str(outcome.error)
    assert_host_goal_not_reached(world, outcome)


# -- 14. filesystem capability -------------------------------------------------

ALLOWED = "allowed"
# Folders that look like the granted one, each holding a copy of the secret.
LOOKALIKES = {
    "combining-accent": unicodedata.normalize("NFD", "allowed\u0301"),
    "fullwidth-letter": "\uff41llowed",
    "cyrillic-letter": "\u0430llowed",
    "zero-width-space": "allowed\u200b",
    "upper-case": "ALLOWED",
    "title-case": "Allowed",
}

FILESYSTEM = [
    pytest.param("read", f"{ALLOWED}/../secret.txt", id="dot-dot"),
    pytest.param("read", f"{ALLOWED}/./../secret.txt", id="dot-then-dot-dot"),
    pytest.param("read", f"{ALLOWED}//..//secret.txt", id="double-slashes"),
    pytest.param(
        "read", f"{ALLOWED}/../{ALLOWED}/../secret.txt", id="back-and-forth"
    ),
    pytest.param("read", "@secret", id="absolute-path"),
    pytest.param("read", "/proc/self/root@secret", id="proc-self-root"),
    pytest.param("read", f"{ALLOWED}/link", id="symlink-to-the-secret"),
    pytest.param("read", f"{ALLOWED}/up/secret.txt", id="symlink-to-parent"),
    pytest.param("read", f"{ALLOWED}/x\x00/../../secret.txt", id="nul-byte"),
    *(
        pytest.param("read", f"{folder}/secret.txt", id=f"lookalike-{name}")
        for name, folder in LOOKALIKES.items()
    ),
    pytest.param(
        "read",
        unicodedata.normalize("NFD", f"{ALLOWED}/../caf\u00e9/secret.txt"),
        id="nfd-spelling-of-a-sibling",
    ),
    pytest.param("read", f"{ALLOWED}/\u2025/secret.txt", id="two-dot-leader"),
    pytest.param("read", f"{ALLOWED}\uff0f..\uff0fsecret.txt", id="fullwidth"),
    pytest.param("read", "${workspace}/secret.txt", id="unexpanded-variable"),
    pytest.param("read", "~/../../@secret", id="tilde"),
    pytest.param("exists", "@secret", id="exists-outside"),
    pytest.param("listing", ".", id="list-the-workspace"),
    pytest.param("listing", f"{ALLOWED}/up", id="list-through-a-symlink"),
]


# Denied by the grant, or refused as malformed, or a name that is not there.
FS_REFUSALS: Final = (
    r"lacks permission 'fs:read:|must not contain NUL|"
    r"No such file or directory|uses '\.\.' below a directory"
)


@pytest.fixture(name="files")
def _files(world: World) -> World:
    """An allowed folder, with traps, next to the secret."""
    allowed = world.workspace / ALLOWED
    allowed.mkdir()
    (allowed / "ok.txt").write_text("fine\n")
    (allowed / "link").symlink_to(world.secret)
    (allowed / "up").symlink_to("..")
    for folder in [*LOOKALIKES.values(), "caf\u00e9"]:
        (world.workspace / folder).mkdir()
        (world.workspace / folder / "secret.txt").write_text(world.token)
    return world


def test_the_allowed_folder_can_be_read(files):
    """The grant works, so the denials below are the grant's doing."""
    outcome = run_host_attack(
        files, "return ''\n", "read", path=f"{ALLOWED}/ok.txt"
    )

    assert (outcome.error, outcome.value) == (None, "fine\n")


@pytest.mark.parametrize(("tool", "path"), FILESYSTEM)
def test_filesystem_escapes(files, tool, path):
    """No spelling of a path outside the grant reads or lists the secret."""
    path = path.replace("@secret", str(files.secret))
    outcome = run_host_attack(files, "return ''\n", tool, path=path)

    assert outcome.error is not None, f"not refused: {_short(outcome.value)}"
    assert re.search(FS_REFUSALS, str(outcome.error)), str(outcome.error)
    assert_host_goal_not_reached(files, outcome)
    assert "secret.txt" not in repr(outcome.value)
