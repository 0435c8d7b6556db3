"""
The inventory's walk: every value plugin code can reach, as a real
``Sandbox`` hands it out, before any classification.

``_inventory`` describes what is followed and classifies the steps.
"""

from __future__ import annotations

import builtins
import importlib
import pathlib
import tempfile
from typing import TYPE_CHECKING, cast

import attrs

from acc_plugins.errors import SandboxViolation

from ._allowlist import ALLOWED_MODULES
from ._builtmodules import SANDBOX_MODULES
from ._extramodules import CheckOnly
from ._imports import ModuleProxy
from ._inventoryreturned import RETURNED_VALUES, sample_source
from ._policy import MUTATING_DUNDERS
from ._reach import (
    CONTAINERS,
    NOTHING,
    SHARED,
    Reach,
    Via,
    class_name,
    is_plain,
    is_routine,
    is_shared_object,
    own_names,
    refusal_rule,
)
from ._sandbox import Sandbox


if TYPE_CHECKING:
    from collections.abc import Callable


class Walk:
    """
    Everything one sandbox hands out, as ``Reach`` steps.

    Args:
        sandbox: A sandbox whose plugin folder holds ``samples.py``,
            written from ``sample_source()``.
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
                if is_shared_object(value):
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
        self._follow(path, value, shared=via in SHARED)

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
                "", "class", None, name, refused=refusal_rule(name, on_class)
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
            if is_shared_object(value):
                self._shared_queue.append((path, value))

    def _attributes_of(self, path: str, obj: object, *, via: Via) -> None:
        names = own_names(obj)
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
                if shared and is_shared_object(read.value):
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
            step.via in SHARED
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
        (root / "samples.py").write_text(sample_source(), encoding="utf-8")
        sandbox = Sandbox(root, "inventory")
        try:
            return Walk(sandbox).run()
        finally:
            sandbox.close()
