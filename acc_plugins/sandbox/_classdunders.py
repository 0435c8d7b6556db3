"""
The policy's tables of what a plugin class may hold: the dunder methods it
may define, the dunders its body may assign, and the copy and pickle hooks,
which are readable on the plugin's own objects only.

Literal, sorted tables like the rest of the policy (``_policy`` builds
the attribute tables from them and hashes them into ``POLICY_VERSION``);
apart because the definable protocol methods alone are a long list.
"""

from __future__ import annotations

from typing import Final


# Dunder methods a plugin class may define.  They are the protocols ordinary
# code implements.  ``__getattr__`` and ``__getattribute__`` are wrapped by
# the class factory: they never see dunder names and never run outside a
# call into the plugin, so host code that touches a plugin object meets
# ordinary attribute lookup.  Left out on purpose: ``__del__`` (runs
# outside any budget), ``__init_subclass__``, ``__set_name__``,
# ``__get__``/``__set__``/``__delete__`` (descriptors), ``__setattr__``/
# ``__delattr__``, ``__reduce__``/``__reduce_ex__``/``__getstate__``/
# ``__setstate__``, and ``__instancecheck__``/``__subclasscheck__``/
# ``__mro_entries__``.
DEFINABLE_DUNDERS: Final = frozenset(
    {
        "__abs__",
        "__add__",
        "__aenter__",
        "__aexit__",
        "__aiter__",
        "__and__",
        "__anext__",
        "__await__",
        "__bool__",
        "__bytes__",
        "__call__",
        "__ceil__",
        "__class_getitem__",
        "__complex__",
        "__contains__",
        "__copy__",
        "__deepcopy__",
        "__delitem__",
        "__divmod__",
        "__enter__",
        "__eq__",
        "__exit__",
        "__float__",
        "__floor__",
        "__floordiv__",
        "__format__",
        "__ge__",
        "__getattr__",
        "__getattribute__",
        "__getitem__",
        "__getstate__",
        "__gt__",
        "__hash__",
        "__iadd__",
        "__iand__",
        "__ifloordiv__",
        "__ilshift__",
        "__imatmul__",
        "__imod__",
        "__imul__",
        "__index__",
        "__init__",
        "__int__",
        "__invert__",
        "__ior__",
        "__ipow__",
        "__irshift__",
        "__isub__",
        "__iter__",
        "__itruediv__",
        "__ixor__",
        "__le__",
        "__len__",
        "__length_hint__",
        "__lshift__",
        "__lt__",
        "__matmul__",
        "__missing__",
        "__mod__",
        "__mul__",
        "__ne__",
        "__neg__",
        "__new__",
        "__next__",
        "__or__",
        "__pos__",
        "__post_init__",
        "__pow__",
        "__radd__",
        "__rand__",
        "__rdivmod__",
        "__reduce__",
        "__reduce_ex__",
        "__repr__",
        "__reversed__",
        "__rfloordiv__",
        "__rlshift__",
        "__rmatmul__",
        "__rmod__",
        "__rmul__",
        "__ror__",
        "__round__",
        "__rpow__",
        "__rrshift__",
        "__rshift__",
        "__rsub__",
        "__rtruediv__",
        "__rxor__",
        "__setitem__",
        "__setstate__",
        "__str__",
        "__sub__",
        "__truediv__",
        "__trunc__",
        "__xor__",
    }
)

# Dunders that may be assigned in a class body (``__slots__ = (...)``,
# ``__hash__ = None``) besides the definable methods above, and the Python 2
# protocol names that code written for both still carries
# (``__div__ = __truediv__``): Python 3 gives them no meaning.
CLASS_BODY_DUNDERS: Final = frozenset(
    {
        "__cmp__",
        "__coerce__",
        "__delslice__",
        "__div__",
        "__getslice__",
        "__hex__",
        "__idiv__",
        "__long__",
        "__metaclass__",
        "__nonzero__",
        "__oct__",
        "__rdiv__",
        "__setslice__",
        "__slots__",
        "__unicode__",
    }
)

# Copy and pickle hooks a plugin class may define.  Read from another
# object they would hand out its insides (``__getstate__`` returns the real
# ``__dict__``; ``__reduce_ex__`` returns ``copyreg`` functions that build
# any class's instances without ``__init__``): the first four are readable
# on the plugin's own objects only, the reduce hooks not at all, and the
# class factory checks what the reduce hooks return.
COPY_HOOKS: Final = frozenset(
    {
        "__copy__",
        "__deepcopy__",
        "__getstate__",
        "__reduce__",
        "__reduce_ex__",
        "__setstate__",
    }
)
OWN_OBJECT_DUNDERS: Final = COPY_HOOKS - {"__reduce__", "__reduce_ex__"}
