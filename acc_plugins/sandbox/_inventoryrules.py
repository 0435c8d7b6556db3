"""
The inventory's rules, in the order they are tried: the tables of single
paths first, then generic rules, each a predicate and a reason.  The first
rule that applies to a step of the walk classifies it.

Kept apart from the inventory's assembly and report (``_inventory``) so
that the rules read as one table.
"""

from __future__ import annotations

import abc
import enum
import random
import types
from typing import TYPE_CHECKING, Final, Literal

import attrs

from ._imports import ModuleProxy
from ._inventoryguarded import GUARDED_REASONS, WRAPPED_MEMBERS
from ._inventorytable import (
    CONTAINER_CLASSES,
    EXPLICIT,
    IMMUTABLE_CLASSES,
    MODULE_FUNCTIONS,
    OPEN_DOORS,
    REFUSALS,
)
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    GUARDED_ATTRIBUTES,
    MUTATING_DUNDERS,
    PROTOCOL_DUNDERS,
)
from ._reach import (
    CONTAINERS,
    DESCRIPTORS,
    Reach,
    class_name,
    is_plain,
    is_routine,
)


if TYPE_CHECKING:
    from collections.abc import Callable


Kind = Literal["open", "removed", "safe", "unclassified", "wrapped"]


@attrs.frozen
class Rule:
    """
    A rule: what it covers, for the docs, and what it says of one step of
    the walk (a reason, or None where it does not apply).
    """

    name: str
    kind: Kind
    summary: str
    explain: Callable[[Reach], str | None]


def _rule(
    name: str, kind: Kind, reason: str, test: Callable[[Reach], object]
) -> Rule:
    """
    A generic rule: one reason wherever *test* holds.
    """
    return Rule(name, kind, reason, lambda r: reason if test(r) else None)


def _module_of(value: object) -> str:
    module = getattr(value, "__module__", None)
    if isinstance(module, str):
        return module
    bound = getattr(value, "__self__", None)
    return bound.__name__ if isinstance(bound, types.ModuleType) else "?"


def _owner_name(reach: Reach) -> str:
    return "" if reach.owner is None else class_name(reach.owner)


def _is_typing(reach: Reach) -> bool:
    if reach.owner is not None:
        return reach.owner.__module__ == "typing" and is_routine(reach.value)
    kind = type(reach.value)
    return kind.__module__ == "typing" and not is_routine(reach.value)


def _own_random(reach: Reach) -> bool:
    bound = getattr(reach.value, "__self__", None)
    return reach.path.startswith("random.") and type(bound) is random.Random


def _module_function(reach: Reach) -> str | None:
    if reach.via in ("class", "type") or not is_routine(reach.value):
        return None
    return MODULE_FUNCTIONS.get(_module_of(reach.value))


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "guard-refuses",
        "removed",
        "what the attribute guard or the built-ins table refuses (REFUSALS)",
        lambda r: REFUSALS[r.refused] if r.refused else None,
    ),
    Rule(
        "open-door",
        "open",
        "a known door, listed in OPEN_DOORS until the library closes it",
        lambda r: OPEN_DOORS.get(r.path),
    ),
    Rule(
        "listed",
        "safe",
        "safe for a reason of its own (EXPLICIT)",
        lambda r: EXPLICIT.get(r.path),
    ),
    Rule(
        "door-check",
        "unclassified",
        "what a door check found and no table acknowledges",
        lambda r: r.door,
    ),
    Rule(
        "listed-wrapper",
        "wrapped",
        "a member the sandbox replaces (WRAPPED_MEMBERS)",
        lambda r: WRAPPED_MEMBERS.get(r.path) if r.replaced else None,
    ),
    _rule(
        "own-random",
        "wrapped",
        "bound to the plugin's own random.Random: seed() moves no one "
        "else's state",
        _own_random,
    ),
    _rule(
        "unexplained-wrapper",
        "unclassified",
        "replaced, but WRAPPED_MEMBERS does not say what the replacement "
        "forbids",
        lambda r: r.replaced and callable(r.value) and r.via != "type",
    ),
    Rule(
        "guarded-name",
        "wrapped",
        "a name in GUARDED_ATTRIBUTES: the guard hands out a checked "
        "version (GUARDED_REASONS)",
        lambda r: (
            GUARDED_REASONS.get(r.name or "")
            if r.name in GUARDED_ATTRIBUTES
            else None
        ),
    ),
    _rule(
        "own-objects-only",
        "wrapped",
        "a mutating dunder read from a class: it accepts only objects the "
        "plugin created (MUTATING_DUNDERS)",
        lambda r: r.via == "class" and r.name in MUTATING_DUNDERS,
    ),
    _rule(
        "sized-type",
        "wrapped",
        "type() answers a stand-in: the sized bytes or bytearray, or for a "
        "class the guarded type() itself",
        lambda r: r.via == "type" and r.replaced,
    ),
    _rule("plugin-own", "safe", "the plugin's own object", lambda r: r.owned),
    _rule(
        "module-proxy",
        "safe",
        "a read-only module proxy; its members are listed under it",
        lambda r: isinstance(r.value, ModuleProxy),
    ),
    _rule(
        "descriptive-dunder",
        "safe",
        "a descriptive dunder (DESCRIPTIVE_DUNDERS): text about the object",
        lambda r: r.name in DESCRIPTIVE_DUNDERS,
    ),
    _rule(
        "plain-data",
        "safe",
        "plain data: a constant, or a tuple or frozenset of constants",
        lambda r: is_plain(r.value),
    ),
    _rule(
        "exception-class",
        "safe",
        "an exception class",
        lambda r: (
            isinstance(r.value, type) and issubclass(r.value, BaseException)
        ),
    ),
    _rule(
        "enum-member",
        "safe",
        "a constant member of an enumeration",
        lambda r: isinstance(r.value, enum.Enum),
    ),
    _rule(
        "data-descriptor",
        "safe",
        "a property or slot read from its class: it reads one field of "
        "the instance it is given",
        lambda r: r.via == "class" and isinstance(r.value, DESCRIPTORS),
    ),
    _rule(
        "immutable-value",
        "safe",
        "an immutable value (IMMUTABLE_CLASSES)",
        lambda r: class_name(type(r.value)) in IMMUTABLE_CLASSES,
    ),
    _rule(
        "typing-form",
        "safe",
        "a typing construct, or its method: an immutable marker for type "
        "checkers",
        _is_typing,
    ),
    _rule(
        "protocol-dunder",
        "safe",
        "a protocol dunder of a non-mutating kind (PROTOCOL_DUNDERS): what "
        "the operator or built-in calls anyway",
        lambda r: r.name in PROTOCOL_DUNDERS - MUTATING_DUNDERS,
    ),
    _rule(
        "abc-mixin",
        "safe",
        "a mixin method of an abstract base class: it calls the receiver's "
        "own methods, which plugin code can call anyway",
        lambda r: (
            isinstance(r.owner, abc.ABCMeta)
            and isinstance(r.value, types.FunctionType)
        ),
    ),
    _rule(
        "immutable-method",
        "safe",
        "a method of an immutable value (IMMUTABLE_CLASSES): it computes a "
        "new value",
        lambda r: is_routine(r.value) and _owner_name(r) in IMMUTABLE_CLASSES,
    ),
    _rule(
        "container-method",
        "safe",
        "a method of a container (CONTAINER_CLASSES): it changes only the "
        "container it is called on",
        lambda r: is_routine(r.value) and _owner_name(r) in CONTAINER_CLASSES,
    ),
    _rule(
        "unshared-class-method",
        "safe",
        "a method of a class no shared object is an instance of: the "
        "instance it acts on is one the plugin made",
        lambda r: (
            r.via == "class" and is_routine(r.value) and not r.owner_shared
        ),
    ),
    Rule(
        "module-function",
        "safe",
        "a function of a module in MODULE_FUNCTIONS, with that module's "
        "reason",
        _module_function,
    ),
    _rule(
        "returned-container",
        "safe",
        "a container a returned value holds, made for the plugin",
        lambda r: r.via == "returned" and type(r.value) in CONTAINERS,
    ),
    _rule(
        "class",
        "safe",
        "a class: calling it makes an instance; its attributes are listed "
        "under its own name",
        lambda r: r.via != "type" and isinstance(r.value, type),
    ),
    _rule(
        "type-of-value",
        "safe",
        "type() of a value: its own class, listed under its name",
        lambda r: r.via == "type" and not r.replaced,
    ),
)
