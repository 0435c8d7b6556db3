"""
The sandbox policy as literal, sorted tables a reviewer can read at once.

Plugin code may use any name and attribute except those named here.  The
tables are checked at compile time by the transformer and again at run time
by the guards (for names that only exist at run time, as in ``getattr``).
Change any table and ``POLICY_VERSION`` changes with it, which invalidates
every cached bytecode file.  What a plugin class may define is in
``_classdunders``; the names compiled code reaches the guards by are in
``_guardnames``.
"""

from __future__ import annotations

import hashlib
from typing import Final

from ._classdunders import CLASS_BODY_DUNDERS, COPY_HOOKS, DEFINABLE_DUNDERS


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
