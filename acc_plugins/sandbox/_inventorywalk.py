"""
The inventory's walk: every value plugin code can reach, as a real
``Sandbox`` hands it out, before any classification.

``_inventory`` describes what is followed and classifies the steps.
"""

from __future__ import annotations

import builtins
import decimal
import importlib
import inspect
import pathlib
import tempfile
import types
from typing import TYPE_CHECKING, Final, Literal, cast

import attrs

from acc_plugins.errors import SandboxViolation

from ._allowlist import ALLOWED_MODULES
from ._arrays import REFUSED_METHODS
from ._builtmodules import SANDBOX_MODULES
from ._extramodules import CheckOnly
from ._imports import ModuleProxy
from ._inventoryreturned import RETURNED_VALUES
from ._inventorytable import CLASS_NAMES
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    MUTATING_DUNDERS,
    PROTOCOL_DUNDERS,
    is_dunder,
)
from ._sandbox import Sandbox


if TYPE_CHECKING:
    from collections.abc import Callable

Via = Literal["builtin", "class", "instance", "member", "returned", "type"]

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
_SHARED: Final = frozenset({"class", "instance", "member"})
DESCRIPTORS: Final = (
    property,
    type(decimal.DecimalTuple.sign),  # a named tuple's field
    types.DynamicClassAttribute,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
)
# Dunders plugin code may read on some object: worth listing where an
# object holds them itself.
_READABLE_DUNDERS: Final = DESCRIPTIVE_DUNDERS | PROTOCOL_DUNDERS
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


def _is_shared_object(value: object) -> bool:
    return not (
        isinstance(value, (type, ModuleProxy, *DESCRIPTORS))
        or is_routine(value)
        or is_plain(value)
    )


def _refusal(name: str, on_class: bool) -> str:
    if name in FORBIDDEN_ATTRIBUTES:
        return "forbidden-name"
    if name == "register":
        return "shared-register"
    if name in REFUSED_METHODS:
        return "array-method"
    if name in MUTATING_DUNDERS and not on_class:
        return "mutating-dunder"
    return "unreadable-dunder" if is_dunder(name) else "private-name"


def _own_names(obj: object) -> list[str]:
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


def _sample_source() -> str:
    """
    A plugin module with one function per returned value.
    """
    top = sorted({name.partition(".")[0] for name in ALLOWED_MODULES})
    top.remove("__future__")
    lines = [
        f"import {', '.join(top)}",
        "def own_generator():",
        "    yield 0",
        "class Own:",
        "    def parent(self):",
        "        return super()",
    ]
    for number, expression in enumerate(RETURNED_VALUES):
        lines += [f"def sample_{number}():", f"    return ({expression})"]
    return "\n".join(lines) + "\n"


class Walk:
    """
    Everything one sandbox hands out, as ``Reach`` steps.

    Args:
        sandbox: A sandbox whose plugin folder holds ``samples.py``,
            written from ``_sample_source()``.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._get: Callable[..., object] = sandbox.guards.get_attribute
        self._type_of = sandbox.guards.types.type_of
        self.steps: list[Reach] = []
        self._classes: dict[type, str] = {}
        self._walked: set[type] = set()
        self._class_queue: list[type] = []
        self._shared_queue: list[tuple[str, object]] = []
        self._shared_ids: set[int] = set()
        self._shared_types: set[type] = set()
        self._class_values: dict[int, str] = {}
        self._replaced: dict[int, str] = {}
        # Classes the sandbox made for itself in place of the library's,
        # and containers read through them (or copied by the guard).
        self._own_classes: set[int] = set()
        self._unshared: set[int] = set()
        self._answers: list[tuple[str, object]] = []
        # Ids stay meaningful only while their objects live.
        self._keep: list[object] = []

    def run(self) -> list[Reach]:
        """
        Walk everything, and return the steps in walk order.
        """
        module = self._sandbox.import_module("samples")
        table = module.__dict__["__builtins__"]
        self._builtins(table)
        self._modules(table["__import__"])
        self._samples(module.__dict__)
        self._drain()
        self._types_of_shared()
        any_class = self._type_of(int)
        self.steps.append(Reach("type(<class>)", "type", any_class, real=type))
        return [self._finish(step) for step in self.steps]

    # -- where plugin code starts -----------------------------------------

    def _builtins(self, table: dict[str, object]) -> None:
        for name, value in sorted(table.items()):
            if name.startswith("__acc_"):
                continue  # the compiler's own names: plugin code cannot name them
            real = getattr(builtins, name, NOTHING)
            self._record(f"builtins.{name}", "builtin", value, name, real=real)
        for name in sorted(vars(builtins)):
            if name not in table and not name.startswith("_"):
                self.steps.append(
                    Reach(
                        f"builtins.{name}",
                        "builtin",
                        None,
                        name,
                        refused="left-out",
                    )
                )

    def _modules(self, gate: Callable[..., object]) -> None:
        for dotted in sorted({*ALLOWED_MODULES, *SANDBOX_MODULES}):
            proxy = gate(dotted, None, None, ("*",), 0)
            real_module = importlib.import_module(dotted)
            for name, value in sorted(vars(proxy).items()):
                if name == "__name__":
                    continue
                real = getattr(real_module, name, NOTHING)
                if isinstance(value, ModuleProxy):
                    real = NOTHING  # a proxy by design: its members are walked
                path = f"{dotted}.{name}"
                if isinstance(value, type) and value.__module__.startswith(
                    "acc_plugins."
                ):
                    # The sandbox's own stand-in: named as plugin code knows it.
                    self._classes.setdefault(value, path)
                self._record(path, "member", value, name, real=real)
                if _is_shared_object(value):
                    self._shared_queue.append((path, value))

    def _samples(self, namespace: dict[str, object]) -> None:
        for number, expression in enumerate(RETURNED_VALUES):
            function = cast(
                "Callable[[], object]", namespace[f"sample_{number}"]
            )
            try:
                value = self._sandbox.run(function)
            except Exception as error:  # noqa: BLE001 -- reported as a door check
                self.steps.append(
                    Reach(
                        expression,
                        "instance",
                        None,
                        door=f"the sample failed: {error!r}",
                    )
                )
                continue
            self._keep.append(value)
            answer = self._type_of(value)
            self._record(
                f"type({expression})", "type", answer, real=type(value)
            )
            self._attributes_of(expression, value, via="returned")

    # -- following values -------------------------------------------------

    def _record(
        self,
        path: str,
        via: Via,
        value: object,
        name: str | None = None,
        *,
        owner: type | None = None,
        real: object = NOTHING,
    ) -> None:
        self._keep.append(value)
        step = Reach(path, via, value, name, owner, real=real)
        # A check-only stand-in (types.FunctionType) hides nothing: the
        # real class is what type() answers, and is listed as such.
        if (
            step.replaced
            and via in ("builtin", "member")
            and not isinstance(value, CheckOnly)
        ):
            self._keep.append(real)
            self._replaced[id(real)] = path
            if isinstance(value, type):
                self._own_classes.add(id(value))
        self.steps.append(step)
        self._follow(path, value, shared=via in _SHARED)

    def _follow(self, path: str, value: object, *, shared: bool) -> None:
        if isinstance(value, type):
            self._add_class(value)
            return
        self._add_class(type(value))
        answer = self._type_of(value)
        if isinstance(answer, type):
            self._add_class(answer)
        if shared:
            self._shared_types.update(type(value).__mro__)
            self._answers.append((path, answer))

    def _add_class(self, cls: type) -> None:
        meta: type = type(cls)
        for kind in (*cls.__mro__, *meta.__mro__):
            if kind not in self._walked:
                self._walked.add(kind)
                self._classes.setdefault(kind, class_name(kind))
                self._class_queue.append(kind)

    def _drain(self) -> None:
        while self._class_queue or self._shared_queue:
            while self._class_queue:
                self._walk_class(self._class_queue.pop(0))
            while self._shared_queue:
                path, obj = self._shared_queue.pop(0)
                if id(obj) not in self._shared_ids:
                    self._shared_ids.add(id(obj))
                    self._attributes_of(path, obj, via="instance")

    def _read(self, obj: object, name: str, *, on_class: bool) -> Reach:
        """
        ``obj.name`` through the guard, as a step with no path yet: its value,
        the rule that refused it, or ``NOTHING`` where reading it raises.
        """
        try:
            return Reach("", "class", self._get(obj, name), name)
        except SandboxViolation:
            return Reach(
                "", "class", None, name, refused=_refusal(name, on_class)
            )
        except Exception:  # noqa: BLE001 -- a slot that only instances fill, a property that raises
            return Reach("", "class", NOTHING, name)

    def _walk_class(self, cls: type) -> None:
        prefix = self._classes[cls]
        for name in sorted(vars(cls)):
            path = f"{prefix}.{name}"
            read = self._read(cls, name, on_class=True)
            if read.refused is not None:
                self.steps.append(attrs.evolve(read, path=path, owner=cls))
                continue
            # What the class holds, where reading it on the class raises.
            value = vars(cls)[name] if read.value is NOTHING else read.value
            self._record(path, "class", value, name, owner=cls)
            if not is_plain(value):
                self._class_values.setdefault(id(value), path)
            if _is_shared_object(value):
                self._shared_queue.append((path, value))

    def _attributes_of(self, path: str, obj: object, *, via: Via) -> None:
        names = _own_names(obj)
        shared = via == "instance"
        if shared and not is_routine(obj):
            names += sorted(n for n in MUTATING_DUNDERS if hasattr(obj, n))
        for name in names:
            where = f"{path}.{name}"
            read = self._read(obj, name, on_class=False)
            if read.refused is not None:
                self.steps.append(attrs.evolve(read, path=where, via=via))
            elif read.value is not NOTHING:
                if not self._library_holds(type(obj), name, read.value) and (
                    name not in getattr(obj, "__dict__", {})
                ):
                    self._unshared.add(id(read.value))
                self._record(where, via, read.value, name)
                if shared and _is_shared_object(read.value):
                    self._shared_queue.append((where, read.value))

    # -- after the walk ---------------------------------------------------

    def _types_of_shared(self) -> None:
        # type() of a shared object may be a class the sandbox replaces
        # where plugin code finds it by name.
        found: set[int] = set()
        for path, answer in sorted(self._answers, key=lambda pair: pair[0]):
            origin = self._replaced.get(id(answer))
            if origin is not None and id(answer) not in found:
                found.add(id(answer))
                step = Reach(f"type({path})", "type", answer, real=answer)
                self.steps.append(step)

    def _held_by_the_library(self, step: Reach) -> bool:
        """
        Whether a container read from a class is the very object a class
        of the library holds (a copy the guard handed out, or one held by
        a class the sandbox made for itself, is not).  Containers reached
        any other way count as shared.
        """
        if id(step.value) in self._unshared:
            return False
        owner = step.owner
        if owner is None or step.name is None:
            return True
        return self._library_holds(owner, step.name, step.value)

    def _library_holds(self, owner: type, name: str, value: object) -> bool:
        return any(
            vars(cls).get(name) is value
            for cls in owner.__mro__
            if id(cls) not in self._own_classes
        )

    def _finish(self, step: Reach) -> Reach:
        value = step.value
        door = step.door
        origin = self._replaced.get(id(value))
        if (
            origin is not None
            and origin != step.path
            and callable(value)
            and step.refused is None
        ):
            door = (
                f"the real object behind {origin}, which the sandbox replaces"
            )
        if (
            step.via in _SHARED
            and isinstance(value, CONTAINERS)
            and step.refused is None
            and self._held_by_the_library(step)
        ):
            door = "a mutable container shared with the host and every plugin"
        if (
            step.via == "class"
            and isinstance(value, property)
            and (value.fset is not None or value.fdel is not None)
        ):
            door = "a property whose setter plugin code can call directly"
        alias = self._class_values.get(id(value))
        bound = getattr(value, "__self__", None)
        if alias is None and isinstance(bound, type) and step.name:
            # A class method, bound anew on every read.
            alias = f"{class_name(bound)}.{step.name}"
        return attrs.evolve(
            step,
            owner_shared=step.owner in self._shared_types,
            owned=self._sandbox.owns(value),
            alias=alias if step.via in ("instance", "returned") else None,
            door=door,
        )


def walk() -> list[Reach]:
    """
    Walk what a fresh sandbox hands out, and return every step.
    """
    with tempfile.TemporaryDirectory(prefix="acc-inventory-") as folder:
        root = pathlib.Path(folder)
        (root / "samples.py").write_text(_sample_source(), encoding="utf-8")
        sandbox = Sandbox(root, "inventory")
        try:
            return Walk(sandbox).run()
        finally:
            sandbox.close()
