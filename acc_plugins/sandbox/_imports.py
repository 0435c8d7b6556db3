"""
Read-only module proxies: what ``import json`` gives plugin code.
"""

from __future__ import annotations

import functools
import importlib
import types
from typing import TYPE_CHECKING, Any, final

from ._allowlist import ALLOWED_MODULES


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


@final
class ModuleProxy:
    """
    A read-only stand-in for a module: its allowed members and nothing else.
    """

    def __init__(self, name: str, members: Mapping[str, object]) -> None:
        namespace = object.__getattribute__(self, "__dict__")
        namespace.update(members)
        namespace["__name__"] = name

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"sandbox module {self.__name__!r} is read-only"  # type: ignore[attr-defined]
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, None)

    def __repr__(self) -> str:
        return f"<sandbox module {self.__name__!r}>"  # type: ignore[attr-defined]

    def __reduce_ex__(self, protocol: Any) -> Any:
        msg = "sandbox modules cannot be copied"
        raise TypeError(msg)


@functools.cache
def shared_members(module_name: str) -> Mapping[str, object]:
    """
    The real members of an allowlisted module, read once per process: each
    sandbox gets its own proxy around them, some replaced by guarded ones.
    """
    module = importlib.import_module(module_name)
    members = {
        name: getattr(module, name) for name in ALLOWED_MODULES[module_name]
    }
    return types.MappingProxyType(members)


@functools.cache
def shared_classes(module_name: str) -> tuple[tuple[str, type], ...]:
    """
    The members of an allowlisted module that are classes, as
    ``(name, class)``: the only ones a guarded replacement must answer
    ``type()`` for.
    """
    return tuple(
        (name, value)
        for name, value in shared_members(module_name).items()
        if isinstance(value, type)
    )


@functools.cache
def submodules(parent: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """
    The modules among *names* directly below *parent*
    (``os.path`` below ``os``).
    """
    prefix = parent + "."
    return tuple(
        name
        for name in names
        if name.startswith(prefix) and "." not in name.removeprefix(prefix)
    )


def _members(
    module_name: str,
    *,
    random_source: Any,
    mark_class: Callable[[type], None],
) -> dict[str, object]:
    members = dict(shared_members(module_name))
    if module_name == "random":
        # Per-plugin generator: one plugin's seed() never moves the host's
        # or another plugin's random state.
        for name in members:
            if name != "Random":
                members[name] = getattr(random_source, name)
    if module_name == "collections":
        members["namedtuple"] = _owned_namedtuple(mark_class)
    return members


def _owned_namedtuple(
    mark_class: Callable[[type], None],
) -> Callable[..., type]:
    from collections import namedtuple  # noqa: PLC0415 -- wrapped here only

    def namedtuple_(typename: str, field_names: Any, **kwargs: Any) -> type:
        # The class is made by the standard library on the plugin's behalf;
        # marking it as the plugin's lets ``p._asdict()`` work.
        cls = namedtuple(typename, field_names, **kwargs)  # type: ignore[misc]  # noqa: PYI024 -- the functional form is the API being wrapped
        mark_class(cls)
        return cls

    return namedtuple_


def build_proxy(
    module_name: str,
    *,
    random_source: Any,
    mark_class: Callable[[type], None],
) -> ModuleProxy:
    """
    Build the proxy of one allowlisted module for one sandbox.

    Raises:
        KeyError: If the module is not allowlisted.
    """
    members = _members(
        module_name, random_source=random_source, mark_class=mark_class
    )
    return ModuleProxy(module_name, members)


def allowed_classes() -> frozenset[type]:
    """
    Every class the allowlist exposes: plugin classes may derive from these.
    """
    found: set[type] = set()
    for module_name, names in ALLOWED_MODULES.items():
        module = importlib.import_module(module_name)
        for name in names:
            value = getattr(module, name)
            if isinstance(value, type):
                found.add(value)
    return frozenset(found)


class TopLevel:
    """
    What ``from . import x`` sees at a plugin's top level: its modules.
    """

    __slots__ = ("_modules",)

    def __init__(self, modules: dict[str, types.ModuleType]) -> None:
        self._modules = modules

    def __getattr__(self, name: str) -> types.ModuleType:
        try:
            return self._modules[name]
        except KeyError:
            raise AttributeError(name) from None
