"""
Attribute access: public names are plain, private and dunder names are
guarded by ownership, introspection is refused.
"""

import pytest

from acc_plugins.errors import CompileError, SandboxViolation


CLASS_WALK = "x = ().__class__.__bases__[0].__subclasses__()\n"
COMPUTED_DUNDER = "x = getattr((), '__bas' + 'es__')\n"
GENERATOR_FRAME = """
def g():
    yield 1
x = g().gi_frame
"""
COMPUTED_FRAME = """
def g():
    yield 1
x = getattr(g(), 'gi_' + 'frame')
"""
FUNCTION_GLOBALS = """
def f():
    pass
x = f.__globals__
"""
EXCEPTION_TRACEBACK = """
try:
    1 / 0
except ZeroDivisionError as exc:
    tb = exc.__traceback__
"""
FORMAT_WALK = "x = '{0.__class__.__base__}'.format(1)\n"
FORMAT_UNBOUND = "x = str.format('{0.__init__.__globals__}', 1)\n"
FORMAT_MAP_WALK = "x = '{a.__class__.__bases__}'.format_map({'a': 1})\n"
MODULE_PRIVATE = "import json\nx = json._default_decoder\n"
PROXY_INIT = "import json\nx = json.__init__\n"
TYPE_MRO = "x = type(1).mro()\n"


def test_class_hierarchy_walk_is_refused_at_compile_time(sandboxed):
    """Every dunder step of the classic escape is reported."""
    with pytest.raises(CompileError) as info:
        sandboxed(CLASS_WALK)

    refused = [
        p.split(": ", 1)[1].split(" is not")[0] for p in info.value.problems
    ]
    assert refused == [
        "access to attribute '__subclasses__'",
        "access to attribute '__bases__'",
    ]


def test_computed_dunder_is_refused_at_run_time(sandboxed):
    """getattr() with a computed dunder name meets the same guard."""
    with pytest.raises(
        SandboxViolation, match="access to attribute '__bases__'"
    ) as info:
        sandboxed(COMPUTED_DUNDER)

    assert str(info.value.filename).endswith("m.py")
    assert info.value.lineno == 1


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (GENERATOR_FRAME, "gi_frame"),
        (FUNCTION_GLOBALS, "__globals__"),
        (EXCEPTION_TRACEBACK, "__traceback__"),
        (TYPE_MRO, "mro"),
    ],
)
def test_introspection_attributes_are_refused(sandboxed, source, name):
    """Frames, globals, tracebacks and the MRO are out of reach."""
    with pytest.raises(CompileError, match=f"'{name}' is not allowed"):
        sandboxed(source)


def test_computed_frame_access_is_refused(sandboxed):
    """A frame attribute named at run time is refused too."""
    with pytest.raises(SandboxViolation, match="'gi_frame'"):
        sandboxed(COMPUTED_FRAME)


@pytest.mark.parametrize(
    "source", [FORMAT_WALK, FORMAT_UNBOUND, FORMAT_MAP_WALK]
)
def test_format_strings_cannot_walk_attributes(sandboxed, source):
    """str.format resolves {0.attr} through the guard."""
    with pytest.raises(SandboxViolation, match="__"):
        sandboxed(source)


def test_format_strings_still_format(sandboxed):
    """Ordinary formatting keeps working."""
    sandbox = sandboxed(
        """
        class P:
            def __init__(self):
                self.name = "p"
        x = "{0.name}-{1[k]}-{n:>4}".format(P(), {"k": 2}, n=7)
        y = str.format("{}+{}", 1, 2)
        z = "{a}".format_map({"a": 3})
        """
    )
    module = sandbox.import_module("m")

    assert (module.x, module.y, module.z) == ("p-2-   7", "1+2", "3")


def test_private_attributes_of_host_objects_are_refused(sandboxed):
    """A module proxy's private names are not the plugin's."""
    with pytest.raises(
        SandboxViolation, match="private attribute '_default_decoder'"
    ):
        sandboxed(MODULE_PRIVATE)


def test_protocol_dunders_of_host_objects_are_refused(sandboxed):
    """__init__ of a host object cannot be reached to re-initialise it."""
    with pytest.raises(SandboxViolation, match="'__init__'"):
        sandboxed(PROXY_INIT)


def test_private_attributes_of_own_objects_work(sandboxed):
    """The plugin's own objects expose their private names to it."""
    sandbox = sandboxed(
        """
        class Box:
            def __init__(self):
                self._items = []
                self.__secret = 1

            def add(self, item):
                self._items.append(item)
                return self

        def peek(box):
            return box._items, box._Box__secret

        result = peek(Box().add(1).add(2))
        """
    )

    assert sandbox.import_module("m").result == ([1, 2], 1)


def test_missing_attribute_raises_attribute_error(sandboxed):
    """Unlike RestrictedPython's safer_getattr, nothing turns into None."""
    sandbox = sandboxed(
        """
        class A:
            pass
        try:
            getattr(A(), "_missing")
            result = "found"
        except AttributeError:
            result = "missing"
        try:
            A()._other
        except AttributeError as exc:
            second = "missing"
        """
    )
    module = sandbox.import_module("m")

    assert (module.result, module.second) == ("missing", "missing")


def test_hasattr_reports_refused_attributes_as_absent(sandboxed):
    """Probing with hasattr learns nothing and raises nothing."""
    sandbox = sandboxed(
        "import json\nx = hasattr(json, '__dict__')\ny = hasattr([], '__len__')\n"
    )
    module = sandbox.import_module("m")

    assert (module.x, module.y) == (False, True)
    assert sandbox.violations == []
