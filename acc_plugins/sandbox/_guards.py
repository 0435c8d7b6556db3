"""
The run-time half of the sandbox: guard functions and safe builtins.

Each sandbox (one per plugin) gets its own ``Guards``, bound to an
ownership token.  Classes, functions and modules that the plugin's code
creates carry that token; only those objects may be modified or have their
private attributes read.  Everything else a plugin can reach is either
plain data, a fresh copy, or a host object that offers public methods only.
"""

from __future__ import annotations

import copy
import sys
import types
from typing import TYPE_CHECKING, Any, Final, NoReturn

from acc_plugins.errors import SandboxViolation

from ._amplifiers import Amplifiers
from ._attrpolicy import ReadPolicy, WritePolicy
from ._bombs import BombChecks
from ._budget import Budget
from ._builtins import plain_builtins
from ._callbacks import Callbacks
from ._classes import ClassFactory
from ._formats import PADDING_METHODS
from ._guardnames import (
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
    OWNER_MARK,
)
from ._introspection import SERVED, Introspection, PluginGlobals
from ._library import Library
from ._policy import MUTATING_DUNDERS, SIZED_DUNDERS, SIZED_METHODS
from ._printing import Printer
from ._refusals import (
    PluginExit,
    guarded_async_with,
    guarded_with,
    plugin_location,
    reraise,
)
from ._rendering import PLAIN
from ._safeformat import SafeFormat
from ._sizedmethods import SizedMethods
from ._sizedtypes import checked_constructors as sized_constructors
from ._sizedtypes import checked_init, sized_types
from ._typeanswers import TypeAnswers


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


# Attribute names whose values the sized methods wrap.
SIZED_NAMES: Final = SIZED_DUNDERS | SIZED_METHODS


# Values whose length C reads as it is: a short one grows a slice's
# target by a few kilobytes (see _slicestore.sized_slice_store).
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
        constructors: dict[object, object] = {}
        # type(x) answers the sized bytes and bytearray for the real ones.
        plugin_types = sized_types(self.bombs)
        self.types = TypeAnswers(plugin_types, constructors, self.refuse)
        self.introspection = Introspection(
            self.owns,
            self.types.type_of,
            self.refuse,
            self.check_readable,
            constructors,
        )
        constructors.update(sized_constructors(plugin_types))
        self._reads = ReadPolicy(
            self.owns, self.is_host_object, self.introspection
        )
        self.writes = WritePolicy(self.owns, self.refuse)
        self._printer = Printer(
            self.bombs.render.check, on_print, self.get_attribute
        )
        # map(), filter(), sorted(), min() and max() with their callable
        # checked; type() of a map or filter object answers the stand-in.
        self._callback_builtins = self.callbacks.builtins()
        self.types.answer(map, self._callback_builtins["map"])
        self.types.answer(filter, self._callback_builtins["filter"])

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

    def check_readable(self, obj: object, name: object) -> str:
        """
        Refuse reading ``obj.<name>`` unless the policy allows it.

        Returns:
            The name, known to be a string.
        """
        if type(name) is not str:
            msg = "attribute name must be a string"
            raise TypeError(msg)
        reason = self._reads.refusal(obj, name)
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
            value = checked_init(value, self.types.plugin_types)
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
        if self._reads.refusal(obj, name) is not None:
            return False
        return hasattr(obj, name)

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
                "delattr": self.writes.del_attribute,
                "format": self.bombs.formats.format_,
                "getattr": self.get_attribute,
                "bytearray": self.types.plugin_types[bytearray],
                "bytes": self.types.plugin_types[bytes],
                "hasattr": self.has_attribute,
                "repr": self.bombs.render.repr_,
                "ascii": self.bombs.render.ascii_,
                GUARD_RENDER: self.bombs.render.checked,
                GUARD_TYPE_OF: self.types.type_of,
                GUARD_RENDER_ARGS: self.bombs.render.checked_arguments,
                GUARD_STR: self.bombs.render.str_,
                GUARD_PLAIN_TYPES: PLAIN,
                "iter": self.amplifiers.iter_,
                "pow": self.bombs.pow,
                "print": self._printer.print_,
                "range": self.bombs.range,
                "round": self.bombs.round_,
                "setattr": self.writes.set_attribute,
                "type": self.types.type_of,
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
                GUARD_RERAISE: reraise,
                GUARD_RAW_GETATTR: getattr,
                GUARD_RAW_TYPE: type,
                GUARD_RAW_HASATTR: hasattr,
                GUARD_RAW_RANGE: range,
                GUARD_INT: int,
                GUARD_FLOAT: float,
                GUARD_SELF: self.check_self,
                GUARD_TICK: self.budget.tick,
                GUARD_TOKEN: self.token,
                GUARD_WITH: guarded_with,
                GUARD_ASYNC_WITH: guarded_async_with,
                GUARD_WRITE: self.writes.write,
            }
        )
        return table
