"""
Doors through the standard library the allowlist hands out (issue #8,
round two): functions that read or write attributes by a name the plugin
chooses, generate code from plugin text, rebuild shared objects, write into
host objects, or format a plugin's objects outside its budget.

Each attack was reproduced against the code before the fix with a plugin
that had no permissions, default limits and the default scan threshold;
each test asserts that the attack is refused and that its goal was not
reached.  The ordinary uses of the same functions are tested alongside, so
that a fix cannot close the door by breaking the room.
"""

from __future__ import annotations

import copy
import json
import traceback
import typing
import uuid

import pytest
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin
from tests.security.test_escapes import (
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    check,
    run_attack,
)

from acc_plugins.errors import PluginCallError, SandboxViolation
from acc_plugins.host import State
from acc_plugins.sdk import Plugin


# -- 1. functools.wraps as getattr/setattr by name ---------------------------

WRAPS_GLOBALS = """
import functools, dataclasses
def own():
    pass
def attack():
    name = "_" * 2 + "glob" + "als" + "_" * 2
    functools.wraps(dataclasses.dataclass, assigned=(), updated=(name,))(own)
    return sys.modules["os"].getcwd()
"""
WRAPS_ASSIGNED = """
import functools, json
class Box:
    pass
def attack():
    box = Box()
    functools.wraps(json.loads, assigned=("__globals__",), updated=())(box)
    return box._sys
"""
WRAPS_HOST_WRAPPER = """
import functools, json
def own():
    pass
def attack():
    functools.wraps(own)(json.loads)
"""


@pytest.mark.parametrize(
    "source",
    [WRAPS_GLOBALS, WRAPS_ASSIGNED, WRAPS_HOST_WRAPPER],
    ids=["updated-globals", "assigned-globals", "host-function-as-wrapper"],
)
def test_functools_wraps_copies_only_the_documented_attributes(world, source):
    """functools.wraps names no attribute of its own choosing."""
    outcome = check(world, source, SandboxViolation)

    assert "functools.wraps" in str(outcome.error)
    assert not hasattr(json.loads, "__wrapped__")


WRAPS_ORDINARY = """
import functools
def logged(function):
    @functools.wraps(function)
    def inner(*args, **kwargs):
        return function(*args, **kwargs)
    return inner
@logged
def greet(name):
    "Say hello."
    return "hi " + name
def _private():
    pass
_private.level = 3
_private._hidden = 4
wrapped = functools.wraps(_private)(lambda: None)
result = [greet("ada"), greet.__name__, greet.__doc__, wrapped.level,
          wrapped._hidden]
"""


def test_functools_wraps_still_decorates_plugin_functions(world):
    """A plugin's own decorators keep their name, doc and attributes."""
    outcome = run_attack(world, WRAPS_ORDINARY)

    assert outcome.error is None
    assert outcome.value == ["hi ada", "greet", "Say hello.", 3, 4]


def test_wraps_of_a_host_function_copies_no_private_attribute(world):
    """Of a function that is not the plugin's, only public entries move."""
    source = """
    import functools
    def own():
        pass
    def attack():
        functools.wraps(functools.lru_cache(maxsize=2)(len))(own)
        return own._cache if hasattr(own, "_cache") else "none"
    """
    outcome = run_attack(world, source)

    assert (outcome.error, outcome.value) == (None, "none")


# -- 2. dataclasses generating code from plugin text -------------------------

FIELD_SUBCLASS = """
import dataclasses
Field = type(dataclasses.field())
class Evil(Field):
    @property
    def name(self):
        return "x=().__class__.__base__.__subclasses__()"
    @name.setter
    def name(self, value):
        pass
"""


def test_a_dataclass_field_subclass_is_refused(world):
    """No plugin class can choose the source dataclasses writes and runs."""
    outcome = check(world, FIELD_SUBCLASS, SandboxViolation)

    assert "subclassing 'Field'" in str(outcome.error)


DATACLASS_ON_HOST = [
    pytest.param(
        "from acc_plugins.sdk import Plugin\n"
        "import dataclasses\n"
        "def attack():\n"
        "    dataclasses.dataclass(Plugin)\n",
        id="dataclass-on-the-sdk-base",
    ),
    pytest.param(
        "import dataclasses, json\n"
        "def attack():\n"
        "    dataclasses.dataclass(eq=False)(json.JSONDecoder)\n",
        id="dataclass-on-a-library-class",
    ),
    pytest.param(
        "import functools, json\n"
        "def attack():\n"
        "    functools.total_ordering(json.JSONEncoder)\n",
        id="total-ordering-on-a-library-class",
    ),
    pytest.param(
        "import abc, json\n"
        "def attack():\n"
        "    abc.abstractmethod(json.loads)\n",
        id="abstractmethod-on-a-host-function",
    ),
    pytest.param(
        "import abc\n"
        "from acc_plugins.sdk import Plugin\n"
        "def attack():\n"
        "    abc.abstractmethod(Plugin.on_activate)\n",
        id="abstractmethod-on-an-sdk-method",
    ),
    pytest.param(
        "import dataclasses, uuid\n"
        "def attack():\n"
        "    return dataclasses.asdict(uuid.NAMESPACE_DNS)\n",
        id="asdict-of-a-foreign-object",
    ),
]


@pytest.mark.parametrize("source", DATACLASS_ON_HOST)
def test_library_decorators_write_only_into_plugin_objects(world, source):
    """Decorators that set attributes take only what the plugin made."""
    check(world, source, SandboxViolation)

    assert not hasattr(json.loads, "__isabstractmethod__")
    assert not hasattr(Plugin.on_activate, "__isabstractmethod__")
    assert "__dataclass_fields__" not in vars(Plugin)
    assert "__dataclass_fields__" not in vars(json.JSONDecoder)


def test_typing_markers_leave_host_objects_alone(world):
    """typing.final skips foreign objects; overload registers nothing."""
    source = """
    import json, typing
    def attack():
        typing.final(json.loads)
        @typing.overload
        def f(x: int) -> int: ...
        @typing.final
        def mine():
            pass
        return [f.__name__, mine.__name__]
    """
    registered = len(getattr(typing, "_overload_registry", {}))
    outcome = run_attack(world, source)

    assert outcome.error is None
    assert not hasattr(json.loads, "__final__")
    assert len(getattr(typing, "_overload_registry", {})) == registered


DATACLASS_ORDINARY = """
import abc, dataclasses, functools
@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
@functools.total_ordering
class Version:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        return self.n == other.n
    def __lt__(self, other):
        return self.n < other.n
class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...
    @classmethod
    @abc.abstractmethod
    def unit(cls):
        ...
def abstract():
    try:
        Shape()
    except TypeError:
        return True
    return False
p = Point(1, 2)
result = [
    dataclasses.asdict(p),
    dataclasses.astuple(dataclasses.replace(p, y=5)),
    Version(1) <= Version(2),
    abstract(),
]
"""


def test_dataclasses_and_ordering_still_work_on_plugin_classes(world):
    """Ordinary dataclasses, orderings and abstract classes still work."""
    outcome = run_attack(world, DATACLASS_ORDINARY)

    assert outcome.error is None
    assert outcome.value == [{"x": 1, "y": 2}, (1, 5), True, True]


# -- 3. shared library objects re-initialised --------------------------------

REINIT = [
    pytest.param(
        "import uuid\n"
        "def attack():\n"
        "    uuid.NAMESPACE_DNS.__init__('12345678123456781234567812345678')\n",
        id="uuid-namespace-init",
    ),
    pytest.param(
        "import uuid\n"
        "def attack():\n"
        "    uuid.UUID.__init__(uuid.NAMESPACE_URL, int=1)\n",
        id="uuid-class-init-on-a-shared-instance",
    ),
    pytest.param(
        "import typing\n"
        "def attack():\n"
        "    d = {}\n"
        "    typing.Optional.__init__(d.__setitem__)\n",
        id="typing-optional-init",
    ),
    pytest.param(
        "import typing\n"
        "def attack():\n"
        "    typing.AnyStr.__init__('AnyStr', int)\n",
        id="typing-anystr-init",
    ),
    pytest.param(
        "import decimal\n"
        "def attack():\n"
        "    decimal.DecimalException.__init__(decimal.InvalidOperation())\n"
        "    return dict.__setitem__(dict(), 1, 2)\n",
        id="class-dunder-on-a-foreign-instance",
    ),
]


@pytest.mark.parametrize("source", REINIT)
def test_shared_library_objects_cannot_be_rebuilt(world, source):
    """__init__ and friends never run on an object the plugin did not make."""
    names = (str(uuid.NAMESPACE_DNS), str(uuid.NAMESPACE_URL))
    outcome = check(world, source, SandboxViolation)

    assert "did not create" in str(outcome.error)
    assert (str(uuid.NAMESPACE_DNS), str(uuid.NAMESPACE_URL)) == names
    assert typing.Optional[int] == typing.Union[int, None]  # noqa: UP007, UP045 -- these objects are the test's subject
    assert typing.AnyStr.__constraints__ == (bytes, str)


def test_optional_is_no_channel_between_plugins(tmp_path):
    """One plugin cannot receive what another writes as Optional[...]."""
    spy = """
    import typing
    from acc_plugins.sdk import Plugin, tool
    SEEN = {}
    class Main(Plugin):
        @tool
        def arm(self) -> str:
            try:
                typing.Optional.__init__(SEEN.__setitem__)
            except Exception:
                pass
            return "armed"
        @tool
        def loot(self) -> list[str]:
            return [str(value) for value in SEEN.values()]
    """
    victim = """
    import typing
    from acc_plugins.sdk import Plugin, tool
    class Config:
        SECRET = "s3cr3t"
    class Main(Plugin):
        @tool
        def use(self) -> str:
            return repr(typing.Optional[Config])
    """
    write_plugin(tmp_path / "plugins", "spy", spy)
    write_plugin(tmp_path / "plugins", "victim", victim)
    host = started_host(tmp_path)
    try:
        with pytest.raises(PluginCallError, match="did not create"):
            host.call_tool("spy.arm")
        used = host.call_tool("victim.use")
        sandbox = host._plugins.record("spy").sandbox
        assert sandbox is not None
        seen = dict(sandbox.import_module("main").__dict__["SEEN"])
    finally:
        host.stop()

    assert "Optional" in str(used)
    assert seen == {}


INIT_ORDINARY = """
import collections
class Failure(Exception):
    def __init__(self, message, code):
        Exception.__init__(self, message)
        self.code = code
class Table(dict):
    def __init__(self, *args):
        dict.__init__(self, *args)
        self.extra = 1
    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value.upper())
class Recent(collections.OrderedDict):
    def __init__(self):
        super().__init__()
t = Table({"a": "b"})
t["c"] = "d"
result = [str(Failure("bad", 2)), Failure("x", 3).code, dict(t), t.extra,
          len(Recent())]
"""


def test_base_class_init_still_works_on_plugin_objects(world):
    """Base.__init__(self) and dict.__setitem__(self, ...) still work."""
    outcome = run_attack(world, INIT_ORDINARY)

    assert outcome.error is None
    assert outcome.value == ["bad", 3, {"a": "b", "c": "D"}, 1, 0]


# -- 4. other writes into host objects ---------------------------------------


def test_deepcopy_memo_cannot_receive_the_shared_default(world):
    """A memo of the plugin's own type is refused; a plain dict works."""
    source = """
    import copy
    class Spy(dict):
        def get(self, key, default=None):
            LOOT.append(default)
            return default
    LOOT = []
    def attack():
        copied = copy.deepcopy([1, [2]], {})
        try:
            copy.deepcopy([1], Spy())
        except TypeError as exc:
            return [copied, str(exc), LOOT]
    """
    outcome = run_attack(world, source)

    assert outcome.error is None
    assert outcome.value == [[1, [2]], "deepcopy() memo must be a dict", []]
    assert copy.deepcopy.__defaults__ == (None, [])


TEMPLATE = """
import string
class Slow(string.Template):
    pattern = r"(a+)+$"
"""


def test_a_template_pattern_is_refused_and_a_delimiter_allowed(world):
    """string.Template compiles its pattern with re: it may not be chosen."""
    outcome = check(world, TEMPLATE, SandboxViolation)
    ordinary = run_attack(
        world,
        """
        import string
        class Percent(string.Template):
            delimiter = "%"
        result = Percent("%who likes %what").substitute(who="ada", what="tea")
        """,
    )

    assert "Template.pattern" in str(outcome.error)
    assert (ordinary.error, ordinary.value) == (None, "ada likes tea")


# -- 5. a plugin's exception text runs outside the budget --------------------

RAISING_TEXT = """
from acc_plugins.sdk import Plugin, hook, tool

class Escape(BaseException):
    pass

class Loud(Exception):
    def __str__(self):
        raise Escape("out")

class Endless(Exception):
    def __str__(self):
        while True:
            pass

class Main(Plugin):
    @tool
    def loud(self) -> str:
        raise Loud()

    @tool
    def endless(self) -> str:
        raise Endless()

    @tool
    def wrapped(self) -> str:
        raise ValueError(Loud())

    @hook("session.started")
    def first(self, event):
        raise Loud()
"""
SECOND_HOOK = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.seen = 0

    @hook("session.started")
    def count(self, event):
        self.seen += 1

    @tool
    def seen(self) -> int:
        return self.seen
"""


@BOTH_TIERS
def test_exception_text_is_formatted_as_plugin_code(tmp_path, isolation):
    """A raising or looping __str__ ends as a PluginCallError, nothing else."""
    limits = "[limits]\ntimeout-ms = 300\n"
    write_plugin(
        tmp_path / "plugins", "texts", RAISING_TEXT, extra=isolation + limits
    )
    write_plugin(tmp_path / "plugins", "counter", SECOND_HOOK)
    host = started_host(tmp_path)
    try:
        errors = []
        for tool in ("loud", "endless", "wrapped"):
            with pytest.raises(PluginCallError) as info:
                host.call_tool(f"texts.{tool}")
            errors.append(info.value)
        host.emit("session.started", {})
        seen = host.call_tool("counter.seen")
    finally:
        host.stop()

    assert "could not be formatted" in str(errors[0])
    assert "could not be formatted" in str(errors[1])
    assert seen == 1
    for error in errors:
        # Formatting what the host keeps runs none of the plugin's code.
        text = "".join(traceback.format_exception(error))
        assert "PluginCallError" in text


def test_a_plugin_exception_raised_at_load_is_contained(tmp_path):
    """A load-time exception whose text escapes leaves the plugin in error."""
    source = """
    class Escape(BaseException):
        pass
    class Loud(Exception):
        def __str__(self):
            raise Escape("out")
    raise Loud()
    """
    write_plugin(tmp_path / "plugins", "loud", source)
    host = started_host(tmp_path)
    try:
        state = host.state("loud")
        error = host.info("loud").last_error
    finally:
        host.stop()

    assert state is State.ERROR
    assert "could not be formatted" in str(error)


def test_the_cause_kept_is_a_stand_in(tmp_path):
    """The host keeps a built-in copy of a plugin's exception, not it."""
    source = """
    from acc_plugins.sdk import Plugin, tool
    class Mine(ValueError):
        def __str__(self):
            return "mine"
    class Main(Plugin):
        @tool
        def fail(self) -> str:
            raise Mine()
        @tool
        def divide(self) -> int:
            return 1 // 0
    """
    write_plugin(tmp_path / "plugins", "causes", source)
    host = started_host(tmp_path)
    try:
        with pytest.raises(PluginCallError) as mine:
            host.call_tool("causes.fail")
        with pytest.raises(PluginCallError) as divide:
            host.call_tool("causes.divide")
    finally:
        host.stop()

    assert type(mine.value.__cause__) is RuntimeError
    assert str(mine.value.__cause__) == "Mine: mine"
    assert type(divide.value.__cause__) is ZeroDivisionError


# -- re on the bounded engine --------------------------------------------------

RE_ORDINARY = """
import re
def attack():
    out = [
        re.match(r"(?P<k>\\w+)\\s*=\\s*(?P<v>\\d+)", "x = 1").groupdict(),
        re.findall(r"(?x) \\d+  # digits", "a1b22"),
        bool(re.search(b"ab+", b"xabbb")),
        bool(re.match("a", "A", re.I | re.A)),
        re.sub(r"(\\w)(\\d)", r"\\2\\1", "a1 b2"),
        re.split(r",\\s*", "a, b,c"),
    ]
    for bad in ("(unclosed", r"\\p{L}"):
        try:
            re.compile(bad)
        except re.error:
            out.append("re.error")
    return out
"""


def test_re_keeps_the_standard_syntax_and_errors(world):
    """re's patterns work; what re rejects raises a catchable re.error."""
    outcome = run_attack(world, RE_ORDINARY)

    assert outcome.error is None
    assert outcome.value == [
        {"k": "x", "v": "1"},
        ["1", "22"],
        True,
        True,
        "1a 2b",
        ["a", "b", "c"],
        "re.error",
        "re.error",
    ]


def test_every_sized_dunder_has_its_operator():
    """The policy's sized dunders and the checks that serve them agree."""
    from acc_plugins.sandbox._policy import SIZED_DUNDERS
    from acc_plugins.sandbox._sizedmethods import OPERATOR_DUNDERS

    assert {*OPERATOR_DUNDERS, "__format__"} == SIZED_DUNDERS
