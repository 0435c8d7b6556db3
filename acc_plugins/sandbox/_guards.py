"""
The run-time half of the sandbox: guard functions and safe builtins.

Each sandbox (one per plugin) gets its own ``Guards``, bound to an
ownership token.  Classes, functions and modules that the plugin's code
creates carry that token; only those objects may be modified or have their
private attributes read.  Everything else a plugin can reach is either
plain data, a fresh copy, or a host object that offers public methods only.
"""

from __future__ import annotations

import abc
import copy
import sys
import types
from typing import TYPE_CHECKING, Any, Final, NoReturn

from acc_plugins.errors import SandboxViolation

from ._amplifiers import Amplifiers
from ._arrays import REFUSED_METHODS, checked_constructors, is_array
from ._bombs import BombChecks
from ._budget import Budget
from ._builtins import plain_builtins
from ._callbacks import Callbacks
from ._classes import ClassFactory
from ._formats import PADDING_METHODS
from ._introspection import SERVED, Introspection, PluginGlobals, foreign
from ._library import Library
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    GUARD_ADD,
    GUARD_ADD_CHECK,
    GUARD_ASYNC_WITH,
    GUARD_AUG_ATTR,
    GUARD_AUG_ITEM,
    GUARD_BUDGET,
    GUARD_CLASS,
    GUARD_FLOAT,
    GUARD_FORMAT,
    GUARD_GETATTR,
    GUARD_INPLACE,
    GUARD_INT,
    GUARD_LSHIFT,
    GUARD_MOD,
    GUARD_MUL,
    GUARD_NEXT,
    GUARD_PLAIN_TYPES,
    GUARD_POW,
    GUARD_RAW_GETATTR,
    GUARD_RAW_HASATTR,
    GUARD_RAW_LEN,
    GUARD_RAW_RANGE,
    GUARD_RAW_TYPE,
    GUARD_RENDER,
    GUARD_RENDER_ARGS,
    GUARD_RERAISE,
    GUARD_SELF,
    GUARD_SET_SLICE,
    GUARD_SIZED_CALL,
    GUARD_SLICE_TYPES,
    GUARD_STR,
    GUARD_TICK,
    GUARD_TOKEN,
    GUARD_TYPE_OF,
    GUARD_UNPACK,
    GUARD_WITH,
    GUARD_WRITE,
    MUTATING_DUNDERS,
    OWN_OBJECT_DUNDERS,
    OWNER_MARK,
    PROTOCOL_DUNDERS,
    SIZED_DUNDERS,
    SIZED_METHODS,
    is_dunder,
)
from ._refusals import (
    UNCATCHABLE,
    GuardedAsyncContext,
    GuardedContext,
    PluginExit,
    plugin_location,
)
from ._rendering import PLAIN
from ._safeformat import SafeFormat
from ._sizedmethods import SizedMethods
from ._sizedtypes import checked_constructors as sized_constructors
from ._sizedtypes import checked_init, sized_types


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


# Attribute names whose values the sized methods wrap.
SIZED_NAMES: Final = SIZED_DUNDERS | SIZED_METHODS


# Values whose length C reads as it is: a short one grows a slice's
# target by a few kilobytes (see _sizedrules.sized_slice_store).
_SLICE_TYPES: Final = frozenset({list, tuple, str, bytes, bytearray, range})


class Guards:
    """
    The guard functions and built-ins of one sandbox.

    Args:
        token: The sandbox's ownership token.

        root: The plugin's folder; refusals are reported at the innermost
            line of plugin code under it.

        safe_bases: Host classes plugin classes may derive from, and whose
            protocol dunders they may call (``Plugin.__init__(self)``).

        on_violation: Called with every refusal before it is raised, so the
            host learns of it even if plugin code were to hide it.

        on_print: Receives each line plugin code prints.

        budget: The plugin's time budget, checked by compiled code.

        memory_bytes: The plugin's memory budget, which single operations
            (repetition, powers, shifts) may not exceed.
    """

    def __init__(
        self,
        token: object,
        *,
        root: str = "/",
        safe_bases: Iterable[type] = (),
        on_violation: Callable[[SandboxViolation], None] = lambda _: None,
        on_print: Callable[[str], None] = lambda _: None,
        budget: Budget | None = None,
        memory_bytes: int = 128 * 2**20,
    ) -> None:
        self.token = token
        self.budget = budget if budget is not None else Budget(5.0)
        self._root = root
        self.safe_bases = frozenset(safe_bases)
        self._on_violation = on_violation
        self._on_print = on_print
        self.bombs = BombChecks(memory_bytes, self.refuse)
        formats = self.bombs.formats
        self._format = SafeFormat(self.get_attribute, formats)
        self.callbacks = Callbacks(
            self.budget, self.owns, self.bombs.render.str_
        )
        self.amplifiers = Amplifiers(self.bombs, self.budget, self.callbacks)
        self.library = Library(self.owns, self.refuse, self.bombs)
        self.sized = SizedMethods(
            self.bombs, self.owns, self.get_attribute, self.callbacks.keyed
        )
        self._mod = self.bombs.formats.make_mod()
        # The sized __new__ served for a real one (bytes's, array.array's).
        self._constructors: dict[object, object] = {}
        self.introspection = Introspection(
            self.owns,
            self.type_of,
            self.refuse,
            self.check_readable,
            self._constructors,
        )
        # type(x) answers the sized bytes and bytearray for the real ones.
        self._plugin_types = sized_types(self.bombs)
        self._constructors.update(sized_constructors(self._plugin_types))
        # map(), filter(), sorted(), min() and max() with their callable
        # checked; type() of a map or filter object answers the stand-in.
        self._callback_builtins = self.callbacks.builtins()
        self.answer_type(map, self._callback_builtins["map"])
        self.answer_type(filter, self._callback_builtins["filter"])

    # -- ownership --------------------------------------------------------

    def owns(self, obj: object) -> bool:
        """
        Tell whether *obj* was made by this sandbox's plugin code.
        """
        token = self.token
        kind = type(obj)
        if getattr(kind, OWNER_MARK, None) is token:
            return True
        if isinstance(obj, type):
            return getattr(obj, OWNER_MARK, None) is token
        if isinstance(obj, types.FunctionType):
            return obj.__globals__.get(OWNER_MARK) is token
        if isinstance(obj, super):
            bound = getattr(obj, "__self__", None)
            return bound is not None and self.owns(bound)
        return False

    def is_host_object(self, obj: object) -> bool:
        cls = obj if isinstance(obj, type) else type(obj)
        if cls in self.safe_bases:
            return False
        module = cls.__dict__.get("__module__", "")
        return isinstance(module, str) and module.startswith("acc_plugins")

    def refuse(self, what: str) -> NoReturn:
        """
        Record and raise a ``SandboxViolation`` located at plugin code.
        """
        filename, lineno = plugin_location(self._root)
        violation = SandboxViolation(what, filename, lineno)
        self._on_violation(violation)
        raise violation

    # -- attribute access -------------------------------------------------

    def _check_read(self, obj: object, name: str) -> str | None:
        """
        Why reading ``obj.name`` is refused, or None if it is allowed.
        """
        if name in FORBIDDEN_ATTRIBUTES:
            return f"access to attribute {name!r}"
        if not name.startswith("_"):
            if (
                name == "register"
                and (
                    isinstance(obj, abc.ABCMeta)
                    or type(obj).__module__ == "typing"
                )
                and not self.owns(obj)
            ):
                return "registering with a shared abstract base class"
            if name in REFUSED_METHODS and is_array(obj):
                return REFUSED_METHODS[name]
            return None
        if is_dunder(name):
            if name in DESCRIPTIVE_DUNDERS:
                return None
            if name in SERVED:
                return self.introspection.refusal(obj, name)
            if name in OWN_OBJECT_DUNDERS:
                return None if self.owns(obj) else foreign(obj, name)
            if name in PROTOCOL_DUNDERS and (
                self.owns(obj) or not self.is_host_object(obj)
            ):
                if name in MUTATING_DUNDERS and not (
                    self.owns(obj) or isinstance(obj, type)
                ):
                    # uuid.NAMESPACE_DNS.__init__(...) would change a
                    # shared object for the host and every plugin.
                    return (
                        f"access to {name!r} of a {type(obj).__name__} "
                        "object the plugin did not create"
                    )
                return None
            return f"access to attribute {name!r}"
        if self.owns(obj):
            return None
        return f"access to private attribute {name!r} of a {type(obj).__name__} object"

    def check_readable(self, obj: object, name: object) -> str:
        """
        Refuse reading ``obj.<name>`` unless the policy allows it.

        Returns:
            The name, known to be a string.
        """
        if type(name) is not str:
            msg = "attribute name must be a string"
            raise TypeError(msg)
        reason = self._check_read(obj, name)
        if reason is not None:
            self.refuse(reason)
        return name

    def get_attribute(
        self, obj: object, name: str, *default: object
    ) -> object:
        """
        The guarded ``getattr``, also used for every private or dunder
        attribute that plugin code reads.
        """
        self.check_readable(obj, name)
        if name in SERVED:
            return self.introspection.read(obj, name, *default)
        value = getattr(obj, name, *default)
        if name in SIZED_NAMES:
            value = self.sized.wrap(value, name)
        elif name == "__init__":
            value = checked_init(value, self._plugin_types)
        elif name == "__slots__" and not self.owns(obj):
            # A dict or list the library's class and every plugin share.
            return copy.copy(value)
        if name in MUTATING_DUNDERS and not self.owns(obj):
            # Read from a class that is not the plugin's (dict.__init__):
            # it may only be applied to the plugin's own objects.
            return self._on_own_objects(value, obj, name)
        if name in ("format", "format_map"):
            return self._format.wrap(value, name)
        if name in PADDING_METHODS:
            return self.bombs.formats.padding(value, name)
        return value

    def _on_own_objects(
        self, method: Any, owner: object, name: str
    ) -> Callable[..., object]:
        owns = self.owns
        label = f"{getattr(owner, '__name__', '?')}.{name}"

        def on_own(receiver: object, /, *args: Any, **kwargs: Any) -> object:
            if not owns(receiver):
                self.refuse(
                    f"calling {label} on a {type(receiver).__name__} "
                    "object the plugin did not create"
                )
            return method(receiver, *args, **kwargs)

        return on_own

    def has_attribute(self, obj: object, name: str) -> bool:
        """
        The guarded ``hasattr``: a refused attribute is simply absent.
        """
        if type(name) is not str:
            msg = "attribute name must be a string"
            raise TypeError(msg)
        if name == "__call__":
            # The old spelling of callable(obj): answered without a lookup
            # (reading __call__ itself stays refused).
            return callable(obj)
        if self._check_read(obj, name) is not None:
            return False
        return hasattr(obj, name)

    def write(self, obj: object) -> object:
        """
        Pass *obj* through if plugin code may modify its attributes.
        """
        if not self.owns(obj):
            self.refuse(f"modifying a {type(obj).__name__} object")
        return obj

    def _check_write_name(self, name: object) -> str:
        if type(name) is not str:
            msg = "attribute name must be a string"
            raise TypeError(msg)
        if name in FORBIDDEN_ATTRIBUTES or (
            is_dunder(name) and name not in DESCRIPTIVE_DUNDERS
        ):
            self.refuse(f"assigning attribute {name!r}")
        return name

    def set_attribute(self, obj: object, name: str, value: object) -> None:
        """
        The guarded ``setattr``.
        """
        name = self._check_write_name(name)
        setattr(self.write(obj), name, value)

    def del_attribute(self, obj: object, name: str) -> None:
        """
        The guarded ``delattr``.
        """
        name = self._check_write_name(name)
        delattr(self.write(obj), name)

    def check_self(self, obj: object) -> None:
        """
        Entry check of a method that then uses ``self`` without guards.
        """
        if not self.owns(obj):
            self.refuse(
                f"calling a plugin method on a foreign {type(obj).__name__} object"
            )

    def globals_(self) -> PluginGlobals:
        """
        ``globals()``: the calling module's namespace, machinery hidden.
        """
        namespace = sys._getframe(1).f_globals  # noqa: SLF001 -- the caller's module, as CPython's globals() reads it
        if namespace.get(OWNER_MARK) is not self.token:
            # Called back from library code: its globals are not the
            # plugin's to see.
            self.refuse("globals() called from outside the plugin's code")
        return PluginGlobals(namespace)

    def answer_type(self, real: type, replacement: object) -> None:
        """
        Make ``type(x)`` answer *replacement* for objects of class *real*,
        which the sandbox serves replaced.
        """
        self._plugin_types[real] = replacement  # type: ignore[assignment]
        self._constructors.update(checked_constructors(real, replacement))

    def type_of(self, *args: object) -> type:
        """
        ``type(x)``; the three-argument form would build a class behind the
        compiler's back.
        """
        if len(args) != 1:
            self.refuse("type() with three arguments")
        kind = type(args[0])
        if issubclass(kind, type):
            # The type of a class is a metaclass, and calling a metaclass
            # builds a class behind the compiler's back: plugin code gets
            # this guarded function instead.
            return self.type_of  # type: ignore[return-value]
        return self._plugin_types.get(kind, kind)

    # -- exceptions and context managers ----------------------------------

    @staticmethod
    def reraise() -> None:
        """
        First statement of every ``except`` clause in plugin code.
        """
        exc = sys.exc_info()[1]
        if isinstance(exc, UNCATCHABLE):
            raise exc

    @staticmethod
    def with_(manager: object) -> GuardedContext:
        """
        Wrap the context manager of every ``with`` in plugin code.
        """
        return GuardedContext(manager)

    @staticmethod
    def async_with(manager: object) -> GuardedAsyncContext:
        """
        Wrap the context manager of every ``async with`` in plugin code.
        """
        return GuardedAsyncContext(manager)

    # -- printing ---------------------------------------------------------

    def print_(
        self,
        *values: object,
        sep: object = " ",
        end: object = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        """
        ``print``: to the plugin's log, or to a *file* the plugin holds (an
        ``io.StringIO``, or any object with a ``write`` method).
        """
        for label, part in (("sep", sep), ("end", end)):
            if part is not None and not isinstance(part, str):
                msg = f"{label} must be None or a string, not {type(part).__name__}"
                raise TypeError(msg)
        for value in values:
            self.bombs.render.check(value, "a print()")
        text = (" " if sep is None else str(sep)).join(map(str, values))
        text += "\n" if end is None else str(end)
        if file is None:
            self._on_print(text)
            return
        # The file is the plugin's own object or a library one it was
        # handed: its ``write`` is read through the guard like any other.
        write = self.get_attribute(file, "write")
        write(text)  # type: ignore[operator]
        if flush:
            flushing = self.get_attribute(file, "flush", None)
            if callable(flushing):
                flushing()

    # -- assembly ---------------------------------------------------------

    def builtins(
        self, import_gate: Callable[..., object]
    ) -> dict[str, object]:
        """
        A fresh ``__builtins__`` mapping for one module of this sandbox.
        """
        table = plain_builtins()
        table.update(self._callback_builtins)
        table.update(
            {
                "__import__": import_gate,
                "delattr": self.del_attribute,
                "format": self.bombs.formats.format_,
                "getattr": self.get_attribute,
                "bytearray": self._plugin_types[bytearray],
                "bytes": self._plugin_types[bytes],
                "hasattr": self.has_attribute,
                "repr": self.bombs.render.repr_,
                "ascii": self.bombs.render.ascii_,
                GUARD_RENDER: self.bombs.render.checked,
                GUARD_TYPE_OF: self.type_of,
                GUARD_RENDER_ARGS: self.bombs.render.checked_arguments,
                GUARD_STR: self.bombs.render.str_,
                GUARD_PLAIN_TYPES: PLAIN,
                "iter": self.amplifiers.iter_,
                "pow": self.bombs.pow,
                "print": self.print_,
                "range": self.bombs.range,
                "round": self.bombs.round_,
                "setattr": self.set_attribute,
                "type": self.type_of,
                "vars": self.introspection.vars_,
                "globals": self.globals_,
                "SystemExit": PluginExit,
                "sum": self.amplifiers.sum_,
                GUARD_ADD: self.bombs.add,
                GUARD_ADD_CHECK: self.bombs.check_add,
                GUARD_SIZED_CALL: self.sized.call,
                GUARD_UNPACK: self.bombs.unpack,
                GUARD_AUG_ATTR: self.bombs.aug_attr,
                GUARD_AUG_ITEM: self.bombs.aug_item,
                GUARD_SET_SLICE: self.bombs.set_slice,
                GUARD_SLICE_TYPES: _SLICE_TYPES,
                GUARD_RAW_LEN: len,
                GUARD_BUDGET: self.budget,
                GUARD_CLASS: ClassFactory(self),
                GUARD_GETATTR: self.get_attribute,
                GUARD_INPLACE: self.bombs.inplace,
                GUARD_LSHIFT: self.bombs.lshift,
                GUARD_MUL: self.bombs.mul,
                GUARD_MOD: self._mod,
                GUARD_FORMAT: self.bombs.formats.formatted,
                GUARD_NEXT: next,
                GUARD_POW: self.bombs.pow,
                GUARD_RERAISE: self.reraise,
                GUARD_RAW_GETATTR: getattr,
                GUARD_RAW_TYPE: type,
                GUARD_RAW_HASATTR: hasattr,
                GUARD_RAW_RANGE: range,
                GUARD_INT: int,
                GUARD_FLOAT: float,
                GUARD_SELF: self.check_self,
                GUARD_TICK: self.budget.tick,
                GUARD_TOKEN: self.token,
                GUARD_WITH: self.with_,
                GUARD_ASYNC_WITH: self.async_with,
                GUARD_WRITE: self.write,
            }
        )
        return table
