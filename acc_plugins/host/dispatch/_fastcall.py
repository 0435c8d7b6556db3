"""
A compiled fast path for tool calls whose parameters are JSON scalars.

Most tools take a few strings and numbers.  For those, the host generates
one small function per tool (as attrs generates ``__init__``) that checks
the exact type of each argument inline, calls the plugin, and counts the
call.  Anything unusual (a missing or unknown argument, an ``int`` for a
``float``, a non-scalar result) falls back to the general path, which
produces the same results and every error message.

Only trusted text goes into the generated source: our template, parameter
names (identifiers read from the function's code object, checked again
here), and numbers; values reach it through its namespace.
"""

from __future__ import annotations

import functools
import keyword
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.host.core._lifecycle import State
from acc_plugins.sandbox._budget import watchdog_of
from acc_plugins.sdk._json import MAX_DEPTH, MAX_ITEMS
from acc_plugins.sdk._jsonquick import (
    QUICK_DEPTH,
    Unusual,
    copy_dict,
    copy_flat_dict,
    copy_list,
)
from acc_plugins.sdk._signature import ParameterKind
from acc_plugins.sdk._typespec import LiteralSpec, ScalarSpec, UnionSpec


if TYPE_CHECKING:
    import types
    from collections.abc import Callable

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.sdk._signature import Parameter, TypeSpec

_EXACT: Final = {
    "string": "str",
    "integer": "int",
    "boolean": "bool",
    "number": "float",
    "null": "NoneType",
}
_LITERAL_TYPES: Final = (
    (str, "str"),
    (int, "int"),
    (bool, "bool"),
    (type(None), "NoneType"),
)
_MISSING: Final = object()


def _refusals(
    spec: TypeSpec, var: str, namespace: dict[str, object]
) -> list[str] | None:
    """
    Conditions on *var*, one for each way *spec* accepts a value, each
    true when that way does not; None if *spec* needs the general path.
    """
    if isinstance(spec, ScalarSpec):
        return [f"type({var}) is not {_EXACT[spec.kind]}"]
    if isinstance(spec, LiteralSpec):
        conditions = []
        for kind, label in _LITERAL_TYPES:
            # Exact types only: True is not the literal 1.
            values = frozenset(v for v in spec.values if type(v) is kind)
            if values:
                name = f"L{len(namespace)}"
                namespace[name] = values
                conditions.append(
                    f"(type({var}) is not {label} or {var} not in {name})"
                )
        return conditions
    if isinstance(spec, UnionSpec):
        conditions = []
        for member in spec.members:
            found = _refusals(member, var, namespace)
            if found is None:
                return None
            conditions += found
        return conditions
    return None


def _parameter_lines(
    index: int, parameter: Parameter, namespace: dict[str, object]
) -> list[str] | None:
    name = parameter.name
    if not name.isidentifier() or keyword.iskeyword(name):
        return None
    var = f"a{index}"
    refusals = _refusals(parameter.spec, var, namespace)
    if not refusals:
        return None
    refused = " and ".join(refusals)
    if parameter.required:
        return [
            "    try:",
            f"        {var} = arguments[{name!r}]",
            "    except KeyError:",
            "        return slow(arguments)",
            f"    if {refused}:",
            "        return slow(arguments)",
        ]
    default = parameter.default
    if type(default) not in (str, int, float, bool, type(None)):
        return None  # a mutable default needs a fresh copy: general path
    namespace[f"D{index}"] = default
    return [
        f"    {var} = arguments.get({name!r}, MISSING)",
        f"    if {var} is MISSING:",
        f"        {var} = D{index}",
        f"    elif {refused}:",
        "        return slow(arguments)",
        "    else:",
        "        given += 1",
    ]


_TAIL: Final = """\
    if len(arguments) != given or lifecycle.state is not ACTIVE:
        return slow(arguments)
    seen = len(violations)
    thread = get_ident()  # a call: before the test, never between
    start = perf_counter()
    if budget.active:
        budget.enter(start)
    else:  # Budget.enter, inlined: the only call
        budget.since = start
        budget.owner = thread
        budget.depth = 1
        budget.expired = False
        budget.memory_call = start  # the memory watch measures from here
        budget.memory_base = watchdog.resident
        budget.active += 1
    try:
        result = function(instance, {call})
    except BaseException as exc:
        budget.leave()
        return failed(exc, start)
    if budget.active == 1 and budget.depth == 1:  # Budget.leave, inlined
        budget.owner = None
        budget.depth = 0
        budget.expired = True
        budget.active -= 1
    else:
        budget.leave()
    elapsed = perf_counter() - start
    stats.calls += 1
    stats.seconds += elapsed
    latencies(elapsed)
    if len(violations) != seen:
        return slow_result(_VIOLATED)
    kind = type(result)
    if kind is dict:
        copied = copy_flat_dict(result, FLAT_LIMIT)
        if copied is not None:  # scalars only, surely within output-bytes
            return copied
        try:
            copied, size = copy_dict(result, LEVELS, [MAX_ITEMS - 1])
        except (Unusual, RecursionError):
            return slow_result(result)
        if size <= OUTPUT_BYTES:  # a bound: else measured on the slow path
            return copied
    elif kind is int or kind is bool or result is None:
        return result
    elif kind is str:
        if len(result) <= SHORT_TEXT:  # surely within output-bytes
            return result
    elif kind is list or kind is tuple:
        try:
            copied, size = copy_list(result, LEVELS, [MAX_ITEMS - 1])
        except (Unusual, RecursionError):
            return slow_result(result)
        if size <= OUTPUT_BYTES:
            return copied
    elif kind is float and result - result == 0.0:  # finite
        return result
    return slow_result(result)
"""


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> types.CodeType:
    # Signatures repeat across tools and plugins; compile each shape once.
    return compile(source, "<acc_plugins fast call>", "exec")


def compile_fast_invoker(
    record: PluginRecord,
    parameters: tuple[Parameter, ...],
    function: Callable[..., Any],
    *,
    slow: Callable[[dict[str, object]], object],
    failed: Callable[[BaseException, float], object],
    slow_result: Callable[[object], object],
    violated: object,
    output_bytes: int | None = None,
) -> Callable[[dict[str, object]], object] | None:
    """
    Build the fast invoker of one tool, or None if it takes other than
    scalar arguments.

    Args:
        record: The tool's plugin, loaded and instantiated.

        parameters: The tool's parameters.

        function: The plugin's method.

        slow: The general path, called with the arguments.

        failed: Handles an exception from the plugin (it raises).

        slow_result: Checks and copies a result that is not a plain
            scalar, or handles *violated*.

        violated: The marker passed to *slow_result* when plugin code hid a
            sandbox refusal from itself.

        output_bytes: The tool's output limit, if it has one.  Strings
            short enough to be surely within it are returned directly;
            containers are copied here and returned if a bound on their
            size is within it; anything else goes to *slow_result*, which
            measures exactly.
    """
    sandbox = record.sandbox
    if sandbox is None or sandbox.budget.counts_steps:
        return None  # a counting budget needs Budget.enter for each call
    # Without a limit, the largest size a value in memory could have.
    limit = output_bytes if output_bytes is not None else sys.maxsize
    namespace: dict[str, object] = {
        "ACTIVE": State.ACTIVE,
        "MISSING": _MISSING,
        # Quotes, and at most 6 bytes a character (\u001f).
        "SHORT_TEXT": (limit - 2) // 6,
        "OUTPUT_BYTES": limit,
        # Containers the quick copy may nest below the result.
        "LEVELS": min(MAX_DEPTH, QUICK_DEPTH) - 1,
        "MAX_ITEMS": MAX_ITEMS,
        "Unusual": Unusual,
        "copy_dict": copy_dict,
        "copy_flat_dict": copy_flat_dict,
        # A flat dict holds at most this many values (each takes a byte).
        "FLAT_LIMIT": min(limit, MAX_ITEMS),
        "copy_list": copy_list,
        "NoneType": type(None),
        "_VIOLATED": violated,
        "failed": failed,
        "function": function,
        "instance": record.instance,
        "lifecycle": record.lifecycle,
        "perf_counter": time.perf_counter,
        "get_ident": threading.get_ident,
        "watchdog": watchdog_of(),
        "slow": slow,
        "slow_result": slow_result,
        "stats": record.stats,
        "latencies": record.stats.latencies.append,
        "violations": sandbox.violations,
        "budget": sandbox.budget,
    }
    # Required arguments are counted here, optional ones as they come.
    required = sum(p.required for p in parameters)
    lines = ["def invoke(arguments, /):", f"    given = {required}"]
    for index, parameter in enumerate(parameters):
        block = _parameter_lines(index, parameter, namespace)
        if block is None:
            return None
        lines += block
    call = ", ".join(
        # In the function's order, as read from its code: by position
        # where it may, which costs less.
        f"a{i}"
        if p.kind is ParameterKind.POSITIONAL_OR_KEYWORD
        else f"{p.name}=a{i}"
        for i, p in enumerate(parameters)
    )
    source = "\n".join(lines) + "\n" + _TAIL.format(call=call)
    exec(_compiled(source), namespace)  # noqa: S102 -- our own template; see the module docstring
    return namespace["invoke"]  # type: ignore[return-value]
