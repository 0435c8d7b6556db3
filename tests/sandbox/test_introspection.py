"""
Introspection ordinary code uses: ``x.__class__``, ``obj.__dict__``,
``vars()``, ``method.__self__``, ``__new__``, lookup hooks, module metadata
dunders and ``print(file=...)``, served where they lead to the plugin's own
objects and refused where they would lead further.
"""

import pytest

from acc_plugins.errors import CompileError, SandboxViolation


def result(sandbox, name="result"):
    return sandbox.import_module("m").__dict__[name]


def call(sandbox, name="main"):
    return sandbox.run(result(sandbox, name))


CLASS_READS = """
class Shape:
    SIDES = 0
    def describe(self):
        return self.__class__.__name__, self.__class__.SIDES, type(self).SIDES

class Square(Shape):
    SIDES = 4

try:
    raise KeyError("k")
except KeyError as exc:
    caught = exc.__class__.__name__

result = (Square().describe(), caught, (1).__class__ is int)
"""


def test_class_of_an_object_is_what_type_answers(sandboxed):
    """x.__class__ reads like type(x), on any object."""
    assert result(sandboxed(CLASS_READS)) == (
        ("Square", 4, 4),
        "KeyError",
        True,
    )


def test_class_of_a_sized_type_is_the_stand_in(sandboxed):
    """b"".__class__ answers the sized bytes, as type() does."""
    sandbox = sandboxed("result = (b''.__class__ is type(b''), b''.__class__)")

    same, kind = result(sandbox)
    assert same is True
    assert kind is not bytes


OWN_DICT = """
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class Empty:
    pass

p = Point(1, 2)
result = (
    p.__dict__,
    vars(p),
    sorted(Point.__dict__),
    "__acc_sandbox__" in vars(Point),
)
"""


def test_dict_and_vars_of_own_objects(sandboxed):
    """The plugin's objects show their attributes; a class shows a copy."""
    sandbox = sandboxed(OWN_DICT)

    own, own_vars, class_names, marked = result(sandbox)
    assert own == own_vars == {"x": 1, "y": 2}
    assert class_names == ["__doc__", "__init__", "__module__"]
    assert marked is False


def test_vars_writes_reach_the_object_itself(sandboxed):
    """vars(obj) is the object's own namespace, as in CPython."""
    sandbox = sandboxed(
        """
        class Box:
            pass
        b = Box()
        vars(b)["content"] = 3
        result = b.content
        """
    )

    assert result(sandbox) == 3


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import json\nx = vars(json)\n", "'__dict__' of a ModuleProxy"),
        ("import json\nx = json.__dict__\n", "'__dict__' of a ModuleProxy"),
        ("x = vars(int)\n", "'__dict__' of a type"),
        ("x = getattr(str, '__di' + 'ct__')\n", "'__dict__' of a type"),
        ("x = vars()\n", r"vars\(\) without an argument"),
        ("def f():\n    pass\nx = len.__self__\n", "'__self__' of a builtin"),
        ("x = [].append.__self__\n", "'__self__' of a builtin"),
        ("import json\nx = json.loads.__wrapped__\n", "'__wrapped__'"),
        ("x = str.join.__func__\n", "'__func__'"),
    ],
)
def test_introspection_of_foreign_objects_is_refused(
    sandboxed, source, message
):
    """__dict__, __self__, __func__, __wrapped__ stop at foreign objects."""
    with pytest.raises(SandboxViolation, match=message):
        sandboxed(source)


def test_methods_show_their_own_function_and_instance(sandboxed):
    """method.__self__ and __func__ of the plugin's own methods."""
    sandbox = sandboxed(
        """
        import functools
        class Counter:
            def bump(self):
                return 1
        def plain(x):
            return x
        @functools.wraps(plain)
        def wrapper(x):
            return plain(x)
        c = Counter()
        result = (
            c.bump.__self__ is c,
            c.bump.__func__ is Counter.bump,
            wrapper.__wrapped__ is plain,
        )
        """
    )

    assert result(sandbox) == (True, True, True)


NEW_AND_HOOKS = """
class Twice(int):
    def __new__(cls, value):
        return super().__new__(cls, value * 2)

class Single:
    _instance = None
    def __new__(cls):
        if cls._instance is None:
            cls._instance = object.__new__(cls)
        return cls._instance

class Record:
    def __init__(self, fields):
        self._fields = fields
    def __getattr__(self, name):
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

class Loud:
    def __getattribute__(self, name):
        if name == "volume":
            return 11
        return super().__getattribute__(name)

class Generic:
    def __class_getitem__(cls, item):
        return (cls.__name__, item)

def main():
    record = Record({"a": 1})
    loud = Loud()
    loud.size = 3
    return (
        int(Twice(4)),
        Single() is Single(),
        record.a,
        hasattr(record, "b"),
        loud.volume,
        loud.size,
        Generic[int],
    )
"""


def test_new_and_lookup_hooks_work(sandboxed):
    """__new__, __getattr__, __getattribute__, __class_getitem__."""
    sandbox = sandboxed(NEW_AND_HOOKS)

    assert call(sandbox) == (8, True, 1, False, 11, 3, ("Generic", int))


def test_lookup_hooks_do_not_run_for_the_host(sandboxed):
    """Outside a call, and for dunder names, lookup is ordinary."""
    sandbox = sandboxed(NEW_AND_HOOKS)
    namespace = sandbox.import_module("m").__dict__
    record = sandbox.run(namespace["Record"], {"a": 1})
    loud = sandbox.run(namespace["Loud"])

    # The host reads plugin objects outside any call into the plugin.
    assert not hasattr(record, "a")
    assert not hasattr(loud, "volume")
    assert isinstance(loud, namespace["Loud"])
    assert sandbox.budget.breaches == 0


def test_a_lookup_hook_cannot_answer_class(sandboxed):
    """__getattribute__ never sees __class__, so isinstance stays true."""
    sandbox = sandboxed(
        """
        class Liar:
            def __getattribute__(self, name):
                return int
        def main():
            liar = Liar()
            return isinstance(liar, int), liar.__class__ is Liar, liar.x
        """
    )

    assert call(sandbox) == (False, True, int)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "import json\nx = object.__new__(type(json))\n",
            "object.__new__ of a class the plugin did not create",
        ),
        (
            "import fractions\nx = object.__new__(fractions.Fraction)\n",
            "the plugin did not create",
        ),
        (
            "def f():\n    pass\nx = object.__getattribute__(f, '__globals__')\n",
            "'__globals__'",
        ),
        (
            "import json\nx = object.__getattribute__(json, 'loads')\n",
            "lookup on a ModuleProxy",
        ),
        (
            (
                "class A:\n    pass\n"
                "x = object.__getattribute__(A(), '__dict__')\n"
            ),
            "through __getattribute__",
        ),
        (
            (
                "class A:\n    def __getattr__(self, name):\n        return 1\n"
                "import json\nx = A.__getattr__(json, 'x')\n"
            ),
            "lookup on a ModuleProxy",
        ),
        (
            "import json\nx = super(type(json), json).__getattribute__('x')\n",
            "'__getattribute__' of a super",
        ),
    ],
)
def test_construction_and_lookup_of_foreign_objects_are_refused(
    sandboxed, source, message
):
    """__new__ and the lookup methods apply to the plugin's own objects."""
    with pytest.raises(SandboxViolation, match=message):
        sandboxed(source)


def test_module_metadata_dunders(sandboxed):
    """__license__ and friends are plain module metadata."""
    sandbox = sandboxed(
        """
        __license__ = "MIT"
        __contact__ = "someone@example.com"
        __docformat__ = "restructuredtext"
        def main():
            return __license__, __contact__
        """
    )

    assert call(sandbox) == ("MIT", "someone@example.com")


@pytest.mark.parametrize(
    "source",
    [
        "__builtins__ = {}\n",
        "x = __builtins__\n",
        "__acc_getattr__ = 1\n",
        "__getattr__ = 1\n",
        "def __getattr__(name):\n    return 1\n",
        "__name__ = 'acc_plugins.sdk'\n",
        "__package__ = 'x'\n",
        "x = __import__\n",
        "x = __build_class__\n",
        "def f():\n    __license__ = 1\n",
    ],
)
def test_interpreter_dunders_stay_refused(sandboxed, source):
    """Names the interpreter or the sandbox give meaning to are not data."""
    with pytest.raises(CompileError):
        sandboxed(source)


def test_print_to_a_file_like_object(sandboxed):
    """print(..., file=, sep=, end=, flush=) writes to the plugin's object."""
    sandbox = sandboxed(
        """
        class Sink:
            def __init__(self):
                self.parts = []
                self.flushed = 0
            def write(self, text):
                self.parts.append(text)
            def flush(self):
                self.flushed += 1
        def main():
            sink = Sink()
            print("a", "b", sep="-", end="!", file=sink, flush=True)
            print(1, 2, file=sink)
            return "".join(sink.parts), sink.flushed
        """
    )

    assert call(sandbox) == ("a-b!1 2\n", 1)


def test_print_rejects_a_non_string_separator(sandboxed):
    """sep must be text, as in CPython."""
    sandbox = sandboxed("def main():\n    print(1, 2, sep=3)\n")

    with pytest.raises(TypeError, match="sep must be None or a string"):
        call(sandbox)


def test_the_small_os_offers_constants_and_path_arithmetic(sandboxed):
    """from os import linesep and os.path.join work; files do not."""
    sandbox = sandboxed(
        """
        import os
        from os import linesep
        import os.path as op
        result = (
            linesep, os.sep, op.join("a", "b"), os.path.splitext("x.tar.gz"),
            os.fspath("p"), hasattr(os, "listdir"), hasattr(os.path, "exists"),
            hasattr(os, "environ"),
        )
        """
    )

    assert sandbox.import_module("m").__dict__["result"] == (
        "\n", "/", "a/b", ("x.tar", ".gz"), "p", False, False, False,
    )  # fmt: skip


GLOBALS = """
EMPTY = ({}, 2)
SIMPLE = ([1], 3)
__license__ = "MIT"

def main():
    names = globals()
    names["ADDED"] = 5
    return (
        [names[case][1] for case in ("EMPTY", "SIMPLE")],
        ADDED,
        "__builtins__" in names,
        "__license__" in names,
        names["__name__"] == __name__,
    )
"""


def test_globals_shows_the_modules_own_names(sandboxed):
    """globals() reads and writes the module's names, machinery hidden."""
    sandbox = sandboxed(GLOBALS)
    main = sandbox.import_module("m").__dict__["main"]

    assert sandbox.run(main) == ([2, 3], 5, False, True, True)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("x = globals()['__builtins__']\n", KeyError),
        ("g = globals()\ng['__name__'] = 'acc_plugins.sdk'\n", KeyError),
        ("x = globals()['__acc_getattr__']\n", KeyError),
        ("x = list(map(globals, [None]))\n", TypeError),
        (
            "import functools\nx = functools.reduce(lambda a, b: globals(), [1, 2])\n",
            None,
        ),
    ],
)
def test_globals_keeps_the_machinery_out(sandboxed, source, error):
    """The guards, the builtins table and __name__ stay out of reach."""
    if error is None:
        sandbox = sandboxed(source)
        assert "__builtins__" not in sandbox.import_module("m").__dict__["x"]
        return
    with pytest.raises(error):
        sandboxed(source)


def test_system_exit_in_plugin_code_ends_only_the_call(sandboxed):
    """raise SystemExit is a plugin exception; subclasses and except work."""
    sandbox = sandboxed(
        """
        class Usage(SystemExit):
            pass
        def main():
            try:
                raise Usage(2)
            except SystemExit as exc:
                caught = exc.code
            raise SystemExit("bye")
        """
    )
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BaseException, match="bye") as info:
        sandbox.run(main)
    assert type(info.value) is not SystemExit
    assert type(info.value).__name__ == "SystemExit"


def test_hasattr_call_is_callable(sandboxed):
    """hasattr(x, "__call__"), the old spelling of callable(x), answers."""
    sandbox = sandboxed(
        "def f():\n    pass\n"
        "result = hasattr(f, '__call__'), hasattr(3, '__call__')\n"
    )

    assert sandbox.import_module("m").__dict__["result"] == (True, False)
