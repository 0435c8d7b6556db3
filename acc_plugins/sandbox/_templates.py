"""
``string.Template.substitute`` and ``safe_substitute`` with their values'
texts bounded first.

The template module turns each value into text with ``str()`` in library
code, where no check of the sandbox runs: a container whose items share
each other renders gigabytes in that one call.  The values a template
names are read here once (from a plugin's own mapping too, whose
``__getitem__`` is plugin code), checked, and handed to the real method as
a plain dict.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable

_NONE = object()


def checked_values(
    template: Any,
    check: Callable[[object, str], None],
    mapping: Any = _NONE,
    /,
    *,
    safe: bool,
    **values: Any,
) -> tuple[object, ...] | None:
    """
    The arguments to call a template's substitution with instead: one
    dict of the values it names, each checked; None for anything that is
    not a template (its own call gives its own error).
    """
    if not isinstance(template, string.Template):
        return None
    named: dict[str, object] = {}
    for name in template.get_identifiers():
        if name in values:
            named[name] = values[name]
        elif mapping is not _NONE:
            try:
                named[name] = mapping[name]
            except KeyError:
                if not safe:
                    raise
    for value in named.values():
        check(value, "a template substitution")
    return (named,)
