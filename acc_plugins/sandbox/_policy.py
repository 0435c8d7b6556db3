"""
The sandbox policy as literal, sorted tables a reviewer can read at once.

Plugin code may use any name and attribute except those named here.  The
tables are checked at compile time by the transformer and again at run time
by the guards (for names that only exist at run time, as in ``getattr``).
Change any table and ``POLICY_VERSION`` changes with it, which invalidates
every cached bytecode file.
"""

from __future__ import annotations

import hashlib
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

# Dunder names that mean something to the interpreter, the import system or
# the sandbox when bound in a module: plugin code may neither bind nor read
# them.  Every other dunder name is plain module metadata (``__license__``,
# ``__contact__``, ``__docformat__``) and may be bound and read anywhere.
INTERPRETER_NAMES: Final = frozenset(
    {
        "__annotations__",
        "__build_class__",
        "__builtins__",
        "__cached__",
        "__class__",
        "__debug__",
        "__dict__",
        "__dir__",
        "__file__",
        "__getattr__",
        "__import__",
        "__loader__",
        "__name__",
        "__package__",
        "__path__",
        "__spec__",
        "__warningregistry__",
    }
)

# Dunders that may be assigned at module level, beyond plain metadata.
MODULE_DUNDERS: Final = frozenset({"__all__", "__author__", "__version__"})

# Dunder names plugin code may read as plain names (``__name__ == ...``).
READABLE_DUNDER_NAMES: Final = frozenset({"__doc__", "__name__"})

# Dunder attributes readable on any object: they are plain strings.
DESCRIPTIVE_DUNDERS: Final = frozenset(
    {"__doc__", "__module__", "__name__", "__qualname__"}
)

# Dunder attributes that introspect an object, served by the run-time guard
# whatever the object: ``x.__class__`` is what ``type(x)`` answers, and
# ``__dict__``, ``__func__``, ``__self__`` and ``__wrapped__`` are read only
# where they lead to the plugin's own objects.
INTROSPECTIVE_DUNDERS: Final = frozenset(
    {"__class__", "__dict__", "__func__", "__self__", "__wrapped__"}
)

# Dunder attributes readable on plugin-owned objects, on ``super()``, and on
# objects that are not the host's (built-in and standard-library types): the
# definable protocol methods (so ``Base.__init__(self)`` and
# ``super().__eq__(other)`` work) plus harmless class facts.  Left out:
# ``__call__`` (``type.__call__`` would build classes behind the compiler's
# back), ``__getattr__`` and ``__getattribute__`` (called directly, a
# library object's lookup would skip the attribute guard), and ``__new__``,
# which the guard serves for the plugin's own classes only.  An
# exception's ``__cause__`` and ``__context__`` are exceptions.
PROTOCOL_DUNDERS: Final = (
    DEFINABLE_DUNDERS
    - {"__call__", "__getattr__", "__getattribute__", "__new__"}
    - COPY_HOOKS
) | frozenset({"__cause__", "__context__", "__members__", "__slots__"})

# Protocol dunders that change the object they are called on.  On an object
# the plugin did not create they are refused, and read from a class the
# plugin did not create (``dict.__init__``) they only accept the plugin's
# own objects: the allowlist hands out shared instances
# (``uuid.NAMESPACE_DNS``, ``typing.Optional``) whose public interface is
# read-only but whose ``__init__`` would rebuild them for everyone.
MUTATING_DUNDERS: Final = frozenset(
    {
        "__delitem__",
        "__iadd__",
        "__iand__",
        "__ifloordiv__",
        "__ilshift__",
        "__imatmul__",
        "__imod__",
        "__imul__",
        "__init__",
        "__ior__",
        "__ipow__",
        "__irshift__",
        "__isub__",
        "__itruediv__",
        "__ixor__",
        "__post_init__",
        "__setitem__",
    }
)

# Dunder attributes that may be assigned (on plugin-owned objects only), as
# ``functools.wraps``-style decorators do by hand.
WRITABLE_DUNDERS: Final = frozenset({"__doc__", "__name__", "__qualname__"})

# Public attribute names refused everywhere: each leads from an ordinary
# object to frames, code or the class hierarchy.  (Every other public name is
# read directly, without a guard call, which is what keeps plugin code fast.)
FORBIDDEN_ATTRIBUTES: Final = frozenset(
    {
        "ag_await",
        "ag_code",
        "ag_frame",
        "co_code",
        "cr_await",
        "cr_code",
        "cr_frame",
        "cr_origin",
        "f_back",
        "f_builtins",
        "f_code",
        "f_generator",
        "f_globals",
        "f_locals",
        "f_trace",
        "gi_code",
        "gi_frame",
        "gi_yieldfrom",
        "mro",
        "tb_frame",
        "tb_next",
    }
)

# Methods that call a function per item, served with that function
# checked (``lst.sort(key=list)``: see ``_callbacks``).
KEYED_METHODS: Final = frozenset({"sort"})

# Methods whose result their arguments size (``"-".join(...)``), and the
# keyed ones: calls go through one guard that checks first.
SIZED_METHODS: Final = KEYED_METHODS | frozenset(
    {
        "elements",
        "extend",
        "extendleft",
        "frombytes",
        "fromlist",
        "fromunicode",
        "join",
        "replace",
        "safe_substitute",
        "substitute",
        "to_bytes",
        "tolist",
        "translate",
    }
)

# The operator dunders of the sized operators, and ``__format__``: read as
# attributes they get the operators' checks (``"x".__mul__(10**9)``).
SIZED_DUNDERS: Final = frozenset(
    {
        "__add__",
        "__format__",
        "__iadd__",
        "__ilshift__",
        "__imod__",
        "__imul__",
        "__ipow__",
        "__lshift__",
        "__mod__",
        "__mul__",
        "__pow__",
        "__radd__",
        "__rlshift__",
        "__rmod__",
        "__rmul__",
        "__rpow__",
    }
)

# Public attribute names routed through the run-time guard: ``str.format``
# walks attributes and items named inside the format string, ``register``
# on a shared abstract base class changes what the host's ``isinstance``
# answers, the padding methods' argument is the result's size, and an
# array's ``buffer_info``, ``fromfile`` and ``tofile`` are refused (an
# address; a file object's methods called from C); plus the sized methods
# and dunders above.
GUARDED_ATTRIBUTES: Final = (
    frozenset(
        {
            "buffer_info",
            "center",
            "expandtabs",
            "__getattr__",
            "__getattribute__",
            "__new__",
            "format",
            "format_map",
            "fromfile",
            "ljust",
            "register",
            "rjust",
            "tofile",
            "zfill",
        }
    )
    | SIZED_METHODS
    | SIZED_DUNDERS
    | INTROSPECTIVE_DUNDERS
)

# Names the sandbox itself binds in plugin globals (RestrictedPython's and
# ours).  Plugin code may never bind or read them.  Ours are all dunders, so
# the dunder rule refuses them anyway; RestrictedPython's are listed so that
# no plugin can shadow what a future guard might rely on.
RESERVED_NAMES: Final = frozenset(
    {
        "_apply_",
        "_getattr_",
        "_getitem_",
        "_getiter_",
        "_inplacevar_",
        "_iter_unpack_sequence_",
        "_print",
        "_print_",
        "_unpack_sequence_",
        "_write_",
    }
)

# The names our transformer emits.  Kept here so the policy hash covers them.
GUARD_GETATTR: Final = "__acc_getattr__"
GUARD_WRITE: Final = "__acc_write__"
GUARD_SELF: Final = "__acc_self__"
GUARD_RERAISE: Final = "__acc_reraise__"
GUARD_WITH: Final = "__acc_with__"
GUARD_ASYNC_WITH: Final = "__acc_asyncwith__"
GUARD_CLASS: Final = "__acc_class__"
GUARD_TOKEN: Final = "__acc_token__"  # noqa: S105 -- a name, not a secret
GUARD_RAW_GETATTR: Final = "__acc_rawgetattr__"
GUARD_BUDGET: Final = "__acc_budget__"
GUARD_TICK: Final = "__acc_tick__"
GUARD_NEXT: Final = "__acc_next__"
GUARD_MOD: Final = "__acc_mod__"
GUARD_FORMAT: Final = "__acc_format__"
GUARD_RAW_TYPE: Final = "__acc_rawtype__"
GUARD_RAW_HASATTR: Final = "__acc_rawhasattr__"
GUARD_RAW_RANGE: Final = "__acc_rawrange__"
GUARD_INT: Final = "__acc_int__"
GUARD_FLOAT: Final = "__acc_float__"
GUARD_MUL: Final = "__acc_mul__"
GUARD_POW: Final = "__acc_pow__"
GUARD_LSHIFT: Final = "__acc_lshift__"
GUARD_INPLACE: Final = "__acc_inplace__"
GUARD_AUG_ITEM: Final = "__acc_augitem__"
GUARD_AUG_ATTR: Final = "__acc_augattr__"
GUARD_ADD: Final = "__acc_add__"
GUARD_ADD_CHECK: Final = "__acc_addcheck__"
GUARD_SIZED_CALL: Final = "__acc_sizedcall__"
GUARD_UNPACK: Final = "__acc_unpack__"
GUARD_RENDER: Final = "__acc_render__"
GUARD_SET_SLICE: Final = "__acc_setslice__"
GUARD_SLICE_TYPES: Final = "__acc_slicetypes__"
GUARD_RAW_LEN: Final = "__acc_rawlen__"
GUARD_TYPE_OF: Final = "__acc_typeof__"
GUARD_RENDER_ARGS: Final = "__acc_renderargs__"
GUARD_STR: Final = "__acc_str__"
GUARD_PLAIN_TYPES: Final = "__acc_plaintypes__"

# The attribute that marks a class or module as created by one sandbox; its
# value is that sandbox's token.  A dunder, so plugin code can neither read
# nor forge it.
OWNER_MARK: Final = "__acc_sandbox__"

# Parameter names that the transformer trusts as "the instance" or "the
# class" inside a method, after one ownership check at the method's entry.
SELF_NAMES: Final = frozenset({"cls", "self"})


def _policy_fingerprint() -> str:
    parts = [
        DEFINABLE_DUNDERS,
        CLASS_BODY_DUNDERS,
        MODULE_DUNDERS,
        INTERPRETER_NAMES,
        INTROSPECTIVE_DUNDERS,
        COPY_HOOKS,
        READABLE_DUNDER_NAMES,
        DESCRIPTIVE_DUNDERS,
        PROTOCOL_DUNDERS,
        MUTATING_DUNDERS,
        WRITABLE_DUNDERS,
        FORBIDDEN_ATTRIBUTES,
        GUARDED_ATTRIBUTES,
        RESERVED_NAMES,
        SELF_NAMES,
    ]
    text = "|".join(",".join(sorted(part)) for part in parts)
    # Bump the suffix when the transformer's output changes shape.
    return hashlib.sha256(f"{text}|transformer-18".encode()).hexdigest()[:16]


POLICY_VERSION: Final = _policy_fingerprint()


def is_metadata_name(name: str) -> bool:
    """
    Tell whether the dunder *name* is plain module metadata
    (``__license__``), which means nothing to the interpreter or the
    sandbox.
    """
    return name not in INTERPRETER_NAMES and not name.startswith("__acc")


def is_dunder(name: str) -> bool:
    """
    Tell whether *name* has the ``__x__`` shape.
    """
    return len(name) > 4 and name.startswith("__") and name.endswith("__")  # noqa: PLR2004 -- "____" is not a dunder
