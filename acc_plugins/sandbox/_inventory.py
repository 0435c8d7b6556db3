"""
The inventory: everything plugin code can reach through the allowlist,
each entry classified by the rule that covers it.

The walk (``_inventorywalk``) starts where plugin code starts, in a real
``Sandbox``: the names of its built-ins (and, as removed, those it leaves
out), and every member of every allowlisted module as the import gate
serves it, so that replaced members show as replaced.  From each value it
follows what plugin code can follow:

- a class: the attributes in its own ``__dict__``, read through the
  attribute guard (an inherited attribute is listed once, under the class
  that defines it), and likewise its bases and its metaclass;
- any other value: its class, and the class ``type()`` answers for it in
  the sandbox; for a shared object (a module member or class attribute
  that is neither a class nor a function), the names it answers beyond its
  class's, and the mutating dunders the guard refuses on it;
- the values plugin code commonly holds although no module member is one
  (``RETURNED_VALUES``, evaluated as plugin code): ``type()`` of each, and
  the names each answers beyond its class's.

Private names an object holds beyond its class's are not listed: the guard
refuses every private name of an object the plugin did not make.

Each entry is exactly one of ``safe``, ``wrapped`` (the sandbox hands out a
guarded version; the reason says what it forbids), ``removed`` (a guard
refuses it; the reason names the rule) or ``open`` (a known door, listed
in ``OPEN_DOORS`` until the library closes it).  The first of ``RULES``
that applies decides: the tables of single paths, then generic rules,
each a predicate and a reason.  What no rule covers is ``unclassified``,
and the tests fail on it, so that a new Python version or a newly allowed
module adds no door silently.  The walk's door checks look for what no
table has acknowledged -- the real version of a member the sandbox
replaces reached another way, a mutable container shared with the host, a
library property whose setter plugin code could call -- and leave what
they find unclassified until a table lists it.
"""

from __future__ import annotations

import abc
import enum
import random
import sys
import types
from typing import TYPE_CHECKING, Final, Literal

import attrs

from ._imports import ModuleProxy
from ._inventorytable import (
    CONTAINER_CLASSES,
    EXPLICIT,
    GUARDED_REASONS,
    IMMUTABLE_CLASSES,
    MODULE_FUNCTIONS,
    OPEN_DOORS,
    REFUSALS,
    WRAPPED_MEMBERS,
)
from ._inventorywalk import walk
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
class Entry:
    """
    One thing plugin code can reach, and why it may.

    Attributes:
        path: How plugin code reaches it: ``json.loads``, ``str.join``,
            ``uuid.NAMESPACE_DNS.__init__``, ``type(hashlib.sha256())``.

        kind: ``safe``, ``wrapped``, ``removed``, ``open``, or
            ``unclassified`` when no rule covers it.

        reason: Why, in one line.

        rule: The name of the rule that decided.

        value: What plugin code gets (None where a guard refuses it).
    """

    path: str
    kind: Kind
    reason: str
    rule: str
    value: object = attrs.field(default=None, eq=False, repr=False)


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

# The command that writes the docs page.
REGENERATE: Final = (
    "python -m acc_plugins.sandbox._inventory > docs/security-inventory.md"
)

# Rules an alias overrides: they know less than the class attribute's.
_WEAK_RULES: Final = frozenset({"", "door-check"})


def classify(step: Reach) -> Entry:
    """
    The entry for one step of the walk: the first rule that applies, or
    unclassified.
    """
    for rule in RULES:
        reason = rule.explain(step)
        if reason:
            return Entry(step.path, rule.kind, reason, rule.name, step.value)
    return Entry(
        step.path, "unclassified", "no rule covers it", "", step.value
    )


def inventory() -> list[Entry]:
    """
    Everything plugin code can reach in a fresh sandbox, classified and
    sorted by path.
    """
    steps = walk()
    entries = {step.path: classify(step) for step in steps}
    for step in steps:
        if step.alias is not None and entries[step.path].rule in _WEAK_RULES:
            # The same object as a class attribute: classified there.
            target = entries[step.alias]
            reason = f"the same object as {step.alias}"
            entries[step.path] = Entry(
                step.path, target.kind, reason, "alias", step.value
            )
    return sorted(entries.values(), key=lambda entry: entry.path)


def unclassified(entries: list[Entry] | None = None) -> list[str]:
    """
    The entries no rule covers, as ``path: why`` lines.
    """
    found = inventory() if entries is None else entries
    return [
        f"{entry.path}: {entry.reason}"
        for entry in found
        if entry.kind == "unclassified"
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(entries: list[Entry] | None = None) -> str:
    """
    The inventory as a Markdown page: the counts, the rules, and one row
    per entry.
    """
    found = inventory() if entries is None else entries
    counts: dict[str, int] = {}
    for entry in found:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    version = ".".join(map(str, sys.version_info[:2]))
    rules: list[tuple[str, str, str]] = [
        (rule.name, rule.kind, rule.summary) for rule in RULES
    ]
    alias = "the same object as a class attribute, where nothing else applies"
    rules.append(("alias", "as its target", alias))
    lines = [
        "# Security inventory",
        "",
        f"<!-- Generated by `{REGENERATE}`: do not edit. -->",
        "",
        (
            "Everything plugin code can reach through the sandbox's "
            f"built-ins and module allowlist, walked on Python {version},"
        ),
        (
            "and the rule that classifies each entry "
            "(see `acc_plugins/sandbox/_inventory.py`)."
        ),
        "",
        "| Classification | Entries |",
        "| --- | --- |",
        *(f"| {kind} | {counts[kind]} |" for kind in sorted(counts)),
        "",
        "## Rules",
        "",
        "The first rule that applies decides.",
        "",
        "| Rule | Classification | Covers |",
        "| --- | --- | --- |",
        *(f"| `{n}` | {k} | {_cell(s)} |" for n, k, s in rules),
        "",
        "## Entries",
        "",
        "| Path | Classification | Reason |",
        "| --- | --- | --- |",
        *(
            f"| `{_cell(e.path)}` | {e.kind} | {_cell(e.reason)} |"
            for e in found
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """
    Print the inventory as Markdown (see ``REGENERATE``).
    """
    sys.stdout.write(render_markdown())


if __name__ == "__main__":
    main()
