"""
Classes: ordinary class code works; metaclasses, finalizers and forged
``self`` do not.
"""

import pytest

from acc_plugins.errors import CompileError, SandboxViolation


TYPE_THREE_ARGS = "X = type('X', (), {'__del__': lambda self: None})\n"
METACLASS_KEYWORD = "class A(metaclass=type):\n    pass\n"
FINALIZER = "class A:\n    def __del__(self):\n        pass\n"
INIT_SUBCLASS = "class A:\n    def __init_subclass__(cls):\n        pass\n"
SETATTR = "class A:\n    def __setattr__(self, name, value):\n        pass\n"
FORGED_SELF = """
import json
class A:
    def peek(self):
        return self._default_decoder
A.peek(json)
"""
SUBCLASS_HOST = """
from acc_plugins.sdk import Context
class Fake(Context):
    pass
"""
GUARD_SHADOW_PARAMETER = "def f(_getattr_):\n    pass\n"
GUARD_SHADOW_POSITIONAL_ONLY = "def f(_write_, /):\n    pass\n"
GUARD_SHADOW_OURS = "__acc_getattr__ = getattr\n"
GUARD_SHADOW_IMPORT = "from json import loads as _getiter_\n"
GUARD_SHADOW_CLASS_ATTR = "class A:\n    __acc_write__ = None\n"


def test_three_argument_type_is_refused(sandboxed):
    """type(name, bases, dict) would skip every compile-time check."""
    with pytest.raises(
        SandboxViolation, match="type\\(\\) with three arguments"
    ):
        sandboxed(TYPE_THREE_ARGS)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (METACLASS_KEYWORD, "the 'metaclass' keyword is not allowed"),
        (FINALIZER, "defining '__del__' is not allowed"),
        (INIT_SUBCLASS, "defining '__init_subclass__' is not allowed"),
        (SETATTR, "defining '__setattr__' is not allowed"),
        (GUARD_SHADOW_PARAMETER, "name '_getattr_' is reserved"),
        (GUARD_SHADOW_POSITIONAL_ONLY, "name '_write_' is reserved"),
        (GUARD_SHADOW_OURS, "name '__acc_getattr__' is not allowed"),
        (GUARD_SHADOW_IMPORT, "name '_getiter_' is reserved"),
        (GUARD_SHADOW_CLASS_ATTR, "'__acc_write__'"),
    ],
)
def test_refused_class_constructs(sandboxed, source, message):
    """Each is refused before any code runs."""
    with pytest.raises(CompileError, match=message):
        sandboxed(source)


def test_method_called_with_a_foreign_self_is_refused(sandboxed):
    """A method trusts self only after checking it is the plugin's."""
    with pytest.raises(SandboxViolation, match="foreign ModuleProxy object"):
        sandboxed(FORGED_SELF)


def test_host_classes_cannot_be_subclassed(tmp_path):
    """Only designated SDK bases may be derived from."""
    from acc_plugins.host.core._registration import sdk_members
    from acc_plugins.sandbox import Sandbox

    (tmp_path / "m.py").write_text(SUBCLASS_HOST)
    sandbox = Sandbox(
        tmp_path, "p", extra_modules={"acc_plugins.sdk": sdk_members()}
    )

    with pytest.raises(
        SandboxViolation, match="subclassing host class 'Context'"
    ):
        sandbox.import_module("m")


def test_ordinary_class_features(sandboxed):
    """Dunders, super(), Base.__init__, slots, properties, dataclasses, enums."""
    sandbox = sandboxed(
        """
        from dataclasses import dataclass, field
        from enum import Enum, auto
        from functools import total_ordering

        class Color(Enum):
            RED = auto()
            GREEN = auto()

        @total_ordering
        class Money:
            __slots__ = ("_cents",)

            def __init__(self, cents):
                self._cents = cents

            def __add__(self, other):
                return Money(self._cents + other._cents)

            def __eq__(self, other):
                return self._cents == other._cents

            def __lt__(self, other):
                return self._cents < other._cents

            def __hash__(self):
                return hash(self._cents)

            def __repr__(self):
                return f"{type(self).__name__}({self._cents})"

        class Base:
            def __init__(self, name):
                self.name = name

        class Child(Base):
            def __init__(self, name):
                super().__init__(name.upper())
                Base.__init__(self, self.name + "!")

            @property
            def shout(self):
                return self.name * 2

        @dataclass(order=True)
        class Item:
            name: str
            tags: list = field(default_factory=list)

            def __post_init__(self):
                self.name = self.name.strip()

        class Boom(Exception):
            pass

        try:
            raise Boom("x")
        except Boom as exc:
            caught = exc.args

        result = (
            repr(Money(1) + Money(2)), Money(1) < Money(2), Money(3) >= Money(2),
            Child("a").shout, Item(" b ").name, sorted([Item("z"), Item("a")])[0].name,
            Color.GREEN.name, list(Color.__members__), caught,
        )
        """
    )

    assert sandbox.import_module("m").result == (
        "Money(3)",
        True,
        True,
        "A!A!",
        "b",
        "a",
        "GREEN",
        ["RED", "GREEN"],
        ("x",),
    )


COPY_HOOKS = """
import copy

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __getstate__(self):
        return {"x": self.x, "y": self.y, "copied": True}
    def __setstate__(self, state):
        self.__dict__.update(state)

class Doubled:
    def __init__(self, v):
        self.v = v
    def __reduce__(self):
        return (Doubled, (self.v * 2,))

class Counted:
    def __init__(self):
        self.n = 1
    def __deepcopy__(self, memo):
        other = Counted()
        other.n = self.n + 10
        return other
    def __copy__(self):
        other = Counted()
        other.n = -1
        return other

class Legacy:
    def __truediv__(self, other):
        return 1
    __div__ = __truediv__
    def __nonzero__(self):
        return False

def main():
    p = copy.deepcopy(Point(1, 2))
    return (
        (p.x, p.y, p.copied),
        copy.copy(Doubled(3)).v,
        copy.deepcopy(Counted()).n,
        copy.copy(Counted()).n,
        Legacy() / 2,
        bool(Legacy()),
    )
"""


def test_copy_hooks_and_python_2_names(sandboxed):
    """__getstate__, __setstate__, __reduce__, __copy__, __deepcopy__ and
    leftover Python 2 protocol names define as in CPython."""
    sandbox = sandboxed(COPY_HOOKS)
    main = sandbox.import_module("m").__dict__["main"]

    assert sandbox.run(main) == ((1, 2, True), 6, 11, -1, 1, True)


@pytest.mark.parametrize(
    ("source", "error", "match"),
    [
        (
            (
                "import copy, json\n"
                "class Evil:\n"
                "    def __reduce__(self):\n"
                "        return (lambda: json, (), {'loads': None})\n"
                "copy.deepcopy(Evil())\n"
            ),
            SandboxViolation,
            "rebuilds a ModuleProxy object",
        ),
        (
            "class P:\n    pass\nx = P().__reduce_ex__(2)\n",
            CompileError,
            "'__reduce_ex__'",
        ),
        (
            "import random\nx = random.Random().__getstate__()\n",
            SandboxViolation,
            "'__getstate__' of a Random",
        ),
        (
            "import uuid\nuuid.NAMESPACE_DNS.__setstate__({'int': 0})\n",
            SandboxViolation,
            "'__setstate__' of a UUID",
        ),
    ],
)
def test_copy_hooks_stay_on_the_plugins_objects(
    sandboxed, source, error, match
):
    """A reduce hook cannot write into a shared object, and the hooks of
    objects the plugin did not create stay out of reach."""
    with pytest.raises(error, match=match):
        sandboxed(source)
