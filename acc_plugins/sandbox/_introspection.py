"""
The introspective dunders plugin code may read: ``x.__class__``,
``obj.__dict__``, ``method.__self__``, ``method.__func__``,
``wrapper.__wrapped__``, ``vars(obj)``, ``__new__`` of a class, and the
lookup methods ``__getattribute__`` and ``__getattr__`` (which a plugin's
own ``__getattr__`` calls on ``super()``).

Each is served by a rule that keeps it where it leads to nothing new:
``__class__`` is what ``type(x)`` already answers, and the others are read
only where they lead to the plugin's own objects.  ``len.__self__`` (the
real ``builtins`` module) or ``vars(json)`` stay out of reach.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ._guardnames import OWNER_MARK
from ._policy import is_dunder, is_metadata_name


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


# Objects whose ``__dict__`` holds only what plugin code put there.
_PLAIN_NAMESPACES: Final = (types.SimpleNamespace,)

# Class-dict entries that are machinery, not the plugin's attributes: the
# ownership mark, and the descriptors that read any object's dict.
_CLASS_MACHINERY: Final = frozenset({OWNER_MARK, "__dict__", "__weakref__"})

_BOUND: Final = (types.MethodType, classmethod, staticmethod)

# The interpreter's module names ``globals()`` shows (read-only facts).
VISIBLE_MODULE_DUNDERS: Final = frozenset({"__doc__", "__name__"})

# Attribute lookups; read from a class (``object.__getattribute__``) they
# would look up any name on any object, so they are served checked.
LOOKUPS: Final = frozenset({"__getattr__", "__getattribute__"})

# Every name this module serves.
SERVED: Final = (
    frozenset(
        {
            "__class__",
            "__dict__",
            "__func__",
            "__new__",
            "__self__",
            "__wrapped__",
        }
    )
    | LOOKUPS
)


class Introspection:
    """
    The rules of the introspective dunders for one sandbox.

    Args:
        owns: Tells whether an object was made by the plugin's code.

        type_of: The sandbox's ``type()``.

        refuse: Records and raises a refusal.

        check_readable: Refuses a name the attribute guard refuses.

        constructors: The sized ``__new__`` to serve for a real one
            (``bytes``'s and ``array.array``'s, read from an object or through
            ``super()``).
    """

    __slots__ = (
        "_check_readable",
        "_constructors",
        "_owns",
        "_refuse",
        "_type_of",
    )

    def __init__(
        self,
        owns: Callable[[object], bool],
        type_of: Callable[[object], type],
        refuse: Callable[[str], NoReturn],
        check_readable: Callable[[object, object], str],
        constructors: Mapping[object, object],
    ) -> None:
        self._constructors = constructors
        self._owns = owns
        self._type_of = type_of
        self._refuse = refuse
        self._check_readable = check_readable

    def refusal(self, obj: object, name: str) -> str | None:
        """
        Why reading ``obj.<name>`` is refused, or None if it is allowed.
        """
        owns = self._owns
        if name == "__class__":
            return None
        if name == "__dict__":
            if isinstance(obj, types.ModuleType) or not (
                owns(obj) or type(obj) in _PLAIN_NAMESPACES
            ):
                return foreign(obj, name)
            return None
        if name in ("__self__", "__func__"):
            if isinstance(obj, _BOUND) and (
                owns(obj.__func__)
                or (
                    name == "__self__" and owns(getattr(obj, "__self__", None))
                )
            ):
                return None
            return foreign(obj, name, "methods of the plugin's own code")
        if name == "__wrapped__":
            wrapped = getattr(obj, "__wrapped__", None)
            if owns(obj) or owns(wrapped):
                return None
            return foreign(obj, name)
        if name in LOOKUPS:
            if isinstance(obj, type) or owns(_receiver(obj)):
                return None
            return foreign(obj, name)
        # ``__new__``: served as a function that builds the plugin's own
        # classes only (see ``read``).
        return None

    def read(self, obj: object, name: str, *default: object) -> object:
        """
        The value plugin code sees for an allowed introspective read.
        """
        if name == "__class__":
            return self._type_of(obj)
        value = getattr(obj, name, *default)
        if name == "__dict__" and isinstance(obj, type):
            # A copy without the machinery: ``cls.__dict__["__dict__"]`` is
            # a descriptor that reads the dict of any object at all.
            return types.MappingProxyType(
                {
                    key: item
                    for key, item in value.items()
                    if key not in _CLASS_MACHINERY
                }
            )
        if name == "__new__":
            if isinstance(value, types.BuiltinFunctionType):
                value = self._constructors.get(value, value)
            return self._for_own_classes(value, obj)
        if name in LOOKUPS:
            if isinstance(obj, type):
                return self._unbound_lookup(value)
            return self._bound_lookup(value, obj)
        return value

    def vars_(self, *args: object) -> object:
        """
        ``vars(obj)`` of the plugin's own objects; ``vars()`` without an
        argument would hand out the module's globals, sandbox machinery
        included.
        """
        if len(args) != 1:
            self._refuse("vars() without an argument; name the object")
        (obj,) = args
        reason = self.refusal(obj, "__dict__")
        if reason is not None:
            self._refuse(reason)
        try:
            return self.read(obj, "__dict__")
        except AttributeError:
            msg = "vars() argument must have __dict__ attribute"
            raise TypeError(msg) from None

    def _for_own_classes(
        self, new: Any, owner: object
    ) -> Callable[..., object]:
        owns = self._owns
        label = f"{getattr(owner, '__name__', '?')}.__new__"

        def new_(cls: object, /, *args: Any, **kwargs: Any) -> object:
            # ``object.__new__(HostClass)`` would make a host object that
            # no ``__init__`` ever checked.
            if not (isinstance(cls, type) and owns(cls)):
                self._refuse(f"{label} of a class the plugin did not create")
            return new(cls, *args, **kwargs)

        return new_

    def _checked_name(self, receiver: object, name: object) -> str:
        name = self._check_readable(receiver, name)
        if name in SERVED:
            # Its rule is stricter than a plain lookup can apply.
            self._refuse(f"looking up {name!r} through __getattribute__")
        return name

    def _unbound_lookup(self, lookup: Any) -> Callable[[object, str], object]:
        owns = self._owns

        def lookup_(receiver: object, name: str, /) -> object:
            if not owns(receiver):
                self._refuse(
                    "attribute lookup on a "
                    f"{type(receiver).__name__} object the plugin did not create"
                )
            return lookup(receiver, self._checked_name(receiver, name))

        return lookup_

    def _bound_lookup(
        self, lookup: Any, obj: object
    ) -> Callable[[str], object]:
        receiver = _receiver(obj)

        def lookup_(name: str, /) -> object:
            return lookup(self._checked_name(receiver, name))

        return lookup_


def _receiver(obj: object) -> object:
    """
    The object a lookup acts on: a ``super()`` object acts on its instance.
    """
    if isinstance(obj, super):
        return super.__dict__["__self__"].__get__(obj)
    return obj


def foreign(
    obj: object, name: str, scope: str = "the plugin's own objects"
) -> str:
    """
    Why reading *name* of *obj*, an object the plugin did not create, is
    refused.
    """
    return (
        f"access to {name!r} of a {type(obj).__name__} object "
        f"(readable on {scope} only)"
    )


class PluginGlobals(MutableMapping[str, object]):
    """
    What ``globals()`` gives plugin code: its module's namespace without
    the sandbox's machinery (``__builtins__`` holds the guards, and with
    them the real ``getattr``).  Reads and writes of ordinary names reach
    the module itself, as in CPython.
    """

    __slots__ = ("_namespace",)

    def __init__(self, namespace: dict[str, object]) -> None:
        self._namespace = namespace

    @staticmethod
    def _visible(key: object, *, write: bool = False) -> bool:
        if type(key) is not str:
            return False
        if not is_dunder(key) or is_metadata_name(key):
            return True
        # ``__name__`` names the classes defined after it: read-only.
        return not write and key in VISIBLE_MODULE_DUNDERS

    def _checked(self, key: object, *, write: bool = False) -> str:
        if not self._visible(key, write=write):
            msg = f"{key!r} is not among the plugin's globals"
            raise KeyError(msg)
        return key  # type: ignore[return-value]

    def __getitem__(self, key: str) -> object:
        return self._namespace[self._checked(key)]

    def __setitem__(self, key: str, value: object) -> None:
        self._namespace[self._checked(key, write=True)] = value

    def __delitem__(self, key: str) -> None:
        del self._namespace[self._checked(key, write=True)]

    def __iter__(self) -> Iterator[str]:
        return iter([key for key in self._namespace if self._visible(key)])

    def __len__(self) -> int:
        return sum(1 for key in self._namespace if self._visible(key))

    def __repr__(self) -> str:
        return f"<plugin globals of {self._namespace.get('__name__')!r}>"
