"""
One step of the inventory (``Reach``: a path plugin code can follow to a
value) and how the values it reaches are classified: plain data,
routines, descriptors, shared objects.

Kept apart from the walk, which produces steps, because the inventory's
report reads steps and classifies values too.
"""

from __future__ import annotations

import builtins
import decimal
import inspect
import types
from typing import Final, Literal

import attrs

from ._arrays import REFUSED_METHODS
from ._imports import ModuleProxy
from ._inventorytable import CLASS_NAMES
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    MUTATING_DUNDERS,
    PROTOCOL_DUNDERS,
    is_dunder,
)


Via = Literal["builtin", "class", "instance", "member", "returned", "type"]

# Classes of ``types`` that the sandbox replaces with its own subclass of
# the same name (``_extramodules``): the real one is only a base class
# there, and must not share the name plugin code writes.
_SHADOWED: Final = frozenset({"SimpleNamespace"})

# Exact types of plain data.
_PLAIN: Final = frozenset(
    {
        bool,
        bytes,
        complex,
        float,
        int,
        str,
        type(None),
        type(Ellipsis),
        type(NotImplemented),
    }
)
CONTAINERS: Final = (bytearray, dict, list, set)
# How shared objects are reached (returned values are the plugin's own).
SHARED: Final = frozenset({"class", "instance", "member"})
DESCRIPTORS: Final = (
    property,
    type(decimal.DecimalTuple.sign),  # a named tuple's field
    types.DynamicClassAttribute,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
)
NOTHING: Final = object()


@attrs.frozen
class Reach:
    """
    One step of the walk, before classification.

    Attributes:
        path: How plugin code reaches it: ``json.loads``, ``str.join``,
            ``uuid.NAMESPACE_DNS.__init__``, ``type(hashlib.sha256())``.

        via: How it was reached: a built-in name, a module member, a class
            attribute, an attribute of a shared object or of a returned
            value, or ``type()`` of a value.

        value: What the guard handed out, or the raw class attribute when
            reading it on the class raises.

        name: The attribute or member name, if any.

        owner: The class whose ``__dict__`` holds the attribute, if any.

        owner_shared: Whether some instance of *owner* is shared: reachable
            as a module member, a class attribute or an attribute of one.

        owned: Whether the plugin made the value (a returned value may hold
            the plugin's own function).

        refused: The guard rule that refused it, if one did.

        real: The unguarded object (the real module member or built-in, the
            real class of a value), or ``NOTHING``.

        alias: The class attribute that is the same object, if any.

        door: What a door check found, if anything.
    """

    path: str
    via: Via
    value: object
    name: str | None = None
    owner: type | None = None
    owner_shared: bool = False
    owned: bool = False
    refused: str | None = None
    real: object = NOTHING
    alias: str | None = None
    door: str | None = None

    @property
    def replaced(self) -> bool:
        """
        Whether the sandbox hands out something else than the real object.
        """
        return self.real is not NOTHING and self.real is not self.value


def class_name(cls: type) -> str:
    """
    The dotted name the inventory gives a class: built-ins bare, the
    ``types`` module's names for interpreter types, ``sandbox.<name>`` for
    the classes each sandbox makes.
    """
    qualname = str(type.__dict__["__qualname__"].__get__(cls))
    if getattr(builtins, qualname, None) is cls:
        return qualname
    for name, value in sorted(vars(types).items()):
        if value is cls and name[:1].isupper():
            if name in _SHADOWED:  # plugin code's types.<name> is another
                return f"real:types.{name}"
            return f"types.{name}"
    module = type.__dict__["__module__"].__get__(cls)
    if module == "builtins":
        return f"sandbox.{qualname}"
    dotted = f"{module}.{qualname}"
    return CLASS_NAMES.get(dotted, dotted)


def is_plain(value: object) -> bool:
    """
    Whether *value* is plain data: a constant, or a tuple or frozenset of
    constants.
    """
    if type(value) in _PLAIN:
        return True
    if type(value) in (tuple, frozenset):
        return all(map(is_plain, value))  # type: ignore[call-overload]
    return False


def is_routine(value: object) -> bool:
    """
    Whether *value* is a function, a method or a method descriptor.
    """
    return inspect.isroutine(value) or isinstance(
        value, (classmethod, staticmethod)
    )


def is_shared_object(value: object) -> bool:
    return not (
        isinstance(value, (type, ModuleProxy, *DESCRIPTORS))
        or is_routine(value)
        or is_plain(value)
    )


def refusal_rule(name: str, on_class: bool) -> str:
    if name in FORBIDDEN_ATTRIBUTES:
        return "forbidden-name"
    if name == "register":
        return "shared-register"
    if name in REFUSED_METHODS:
        return "array-method"
    if name in MUTATING_DUNDERS and not on_class:
        return "mutating-dunder"
    return "unreadable-dunder" if is_dunder(name) else "private-name"


# Dunders plugin code may read on some object: worth listing where an
# object holds them itself.
_READABLE_DUNDERS: Final = DESCRIPTIVE_DUNDERS | PROTOCOL_DUNDERS


def own_names(obj: object) -> list[str]:
    """
    The names *obj* answers beyond its class's: its own public attributes
    and readable dunders (``__getattr__`` forwarding included).
    """
    try:
        names = set(dir(obj))
    except Exception:  # noqa: BLE001 -- a library's __dir__ may fail
        return []
    for kind in type(obj).__mro__:
        names.difference_update(vars(kind))
    return sorted(
        name
        for name in names
        if not name.startswith("_") or name in _READABLE_DUNDERS
    )
