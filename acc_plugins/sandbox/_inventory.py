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

import sys
from typing import TYPE_CHECKING, Final

import attrs

from ._inventoryrules import RULES, Kind
from ._inventorywalk import walk


if TYPE_CHECKING:
    from ._reach import Reach


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
