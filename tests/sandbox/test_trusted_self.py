"""
The "trusted self" optimisation: a method reads ``self._x`` directly only
when ``self`` provably stays the plugin's own object.
"""

import ast

import pytest

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox._transformer import PluginTransformer


COMPREHENSION_REBIND = """
import json
class A:
    def leak(self):
        return [self._default_decoder for self in [json]]
A().leak()
"""
WALRUS_REBIND = """
import json
class A:
    def leak(self):
        if (self := json):
            return self._default_decoder
A().leak()
"""
NONLOCAL_REBIND = """
import json
class A:
    def leak(self):
        def swap():
            nonlocal self
            self = json
        swap()
        return self._default_decoder
A().leak()
"""
LOOP_REBIND = """
import json
class A:
    def leak(self):
        for self in [json]:
            pass
        return self._default_decoder
A().leak()
"""
MATCH_REBIND = """
import json
class A:
    def leak(self):
        match json:
            case self:
                return self._default_decoder
A().leak()
"""
EXCEPT_REBIND = """
class A:
    def leak(self):
        try:
            raise ValueError("x")
        except ValueError as self:
            return self._not_mine
A().leak()
"""
FOREIGN_SELF_BY_DECORATOR = """
import json
def with_json(function):
    def call(*args):
        return function(json)
    return call
class A:
    @with_json
    def leak(self):
        return self._default_decoder
A().leak()
"""
STATICMETHOD_SELF = """
import json
class A:
    @staticmethod
    def leak(self):
        return self._default_decoder
A.leak(json)
"""
CLASSMETHOD_FOREIGN = """
import json
class A:
    @classmethod
    def leak(cls):
        return cls._default_decoder
A.leak.__func__(json)
"""


@pytest.mark.parametrize(
    "source",
    [
        COMPREHENSION_REBIND,
        WALRUS_REBIND,
        NONLOCAL_REBIND,
        LOOP_REBIND,
        MATCH_REBIND,
        FOREIGN_SELF_BY_DECORATOR,
        STATICMETHOD_SELF,
    ],
)
def test_rebinding_self_loses_the_trust(sandboxed, source):
    """Whatever rebinds self, a foreign object's private state stays out."""
    with pytest.raises(SandboxViolation, match=r"_default_decoder|foreign"):
        sandboxed(source)


def test_an_exception_bound_to_self_is_guarded(sandboxed):
    """except ... as self rebinds too."""
    with pytest.raises(
        SandboxViolation, match="private attribute '_not_mine'"
    ):
        sandboxed(EXCEPT_REBIND)


def test_a_method_function_called_on_a_foreign_object_is_refused(sandboxed):
    """__func__ of a classmethod is readable, and its entry check holds."""
    with pytest.raises(SandboxViolation, match="foreign ModuleProxy"):
        sandboxed(CLASSMETHOD_FOREIGN)


def test_trusted_methods_still_work_normally(sandboxed):
    """Methods, classmethods, generators, closures and properties."""
    sandbox = sandboxed(
        """
        class Tally:
            _registry = []

            def __init__(self, start):
                self._n = start
                Tally._registry.append(self)

            @classmethod
            def count(cls):
                return len(cls._registry)

            @property
            def n(self):
                return self._n

            def steps(self, k):
                for _ in range(k):
                    self._n += 1
                    yield self._n

            def adder(self):
                return lambda d: self._n + d

        t = Tally(1)
        result = (list(t.steps(3)), t.adder()(10), t.n, Tally.count())
        """
    )

    assert sandbox.import_module("m").result == ([2, 3, 4], 14, 4, 1)


def test_a_method_that_only_reads_public_attributes_has_no_entry_check(
    sandboxed,
):
    """Without writes or private reads, self needs no trust, and none is
    given: a foreign self reads what anyone could read."""
    sandbox = sandboxed(
        """
        import json
        class A:
            def loader(self):
                return self.loads
        result = A.loader(json) is json.loads
        """
    )

    assert sandbox.import_module("m").__dict__["result"] is True


def test_a_writing_method_still_checks_a_foreign_self(sandboxed):
    """A method that writes self's attributes keeps its entry check."""
    with pytest.raises(SandboxViolation, match="foreign ModuleProxy"):
        sandboxed(
            """
            import json
            class A:
                def poison(self):
                    self.loads = None
            A.poison(json)
            """
        )


SUPER_CHAIN = """
class Base:
    def __init__(self, value):
        self._value = value
    def _describe(self):
        return f"base {self._value}"

class Child(Base):
    def __init__(self, value):
        super().__init__(value * 2)
    def _describe(self):
        return "child " + super()._describe()

class Old(Base):
    def __init__(self, value):
        super(Old, self).__init__(value + 1)
        self._seen = super(Old, self)._describe()
"""


def test_super_of_a_trusted_self_reads_directly(sandboxed):
    """super().__init__ and super(Cls, self)._x follow self's trust."""
    sandbox = sandboxed(
        SUPER_CHAIN + "result = Child(2)._describe(), Old(1)._seen\n"
    )

    assert sandbox.import_module("m").__dict__["result"] == (
        "child base 4",
        "base 2",
    )


def test_super_on_a_foreign_self_is_refused(sandboxed):
    """A method that uses super() privately keeps its entry check."""
    with pytest.raises(SandboxViolation, match="foreign"):
        sandboxed(SUPER_CHAIN + "import json\nChild._describe(json)\n")


def test_a_rebound_super_is_not_trusted(sandboxed):
    """A module that rebinds super gets the guard on every read."""
    sandbox = sandboxed(
        "import json\nsuper = lambda *a: json\n"
        "class A:\n"
        "    def peek(self):\n"
        "        return super()._default_decoder\n"
        "result = None\n"
    )
    peek = sandbox.import_module("m").__dict__["A"]().peek
    with pytest.raises(SandboxViolation, match="_default_decoder"):
        sandbox.run(peek)


def test_the_exact_class_is_compared_first_in_a_leaf_class():
    """A class nothing in the module derives from compares type(self) with
    the defining class inline; a base class keeps the ownership test only."""
    tree = ast.parse(
        "class Base:\n"
        "    def set(self, v):\n        self.v = v\n"
        "class Leaf(Base):\n"
        "    def set(self, v):\n        self.v = v\n"
    )
    PluginTransformer([]).visit(tree)
    base, leaf = (ast.unparse(statement) for statement in tree.body)

    assert "__acc_rawtype__(self) is __class__ or" in leaf
    assert "__class__" not in base


EXACT_CLASS = """
import json
class A:
    def __init__(self):
        self.v = 0
    def set(self, v):
        self.v = v
        return self
class B:
    pass
B.set = A.set
"""


def test_a_method_on_another_class_or_object_is_still_checked(sandboxed):
    """A copied method trusts B's instances through ownership, and still
    refuses a host object."""
    sandbox = sandboxed(
        EXACT_CLASS
        + "def main():\n    return B().set(5).v\n"
        + "def foreign():\n    A.set(json, 1)\n"
    )
    module = sandbox.import_module("m")

    assert sandbox.run(module.main) == 5
    with pytest.raises(SandboxViolation, match="foreign ModuleProxy"):
        sandbox.run(module.foreign)
