"""
The compile-time rule for slice assignments: ``x[len(x):] = x`` doubles
a list in one call into C, like ``x.extend(x)``, so a slice store is
sized by a guard first, the value evaluated first as Python does, unless
an inline test shows the value is a short sequence of a built-in type.

One rule of the size rules (``_sizedrules``), apart because it rewrites
a statement rather than an expression.
"""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Final

from ._astutil import call
from ._guardnames import (
    GUARD_RAW_LEN,
    GUARD_RAW_TYPE,
    GUARD_SET_SLICE,
    GUARD_SLICE_TYPES,
)


if TYPE_CHECKING:
    from ._inlinechecks import Temporaries


# A value of these exact types, this long at most, grows a slice's target
# by a few kilobytes: stored directly (its length is its own, C's).
_SMALL_SLICE: Final = 4096


def sized_slice_store(
    node: ast.Assign, temporaries: Temporaries | None
) -> ast.stmt:
    """
    ``x[a:b:c] = v`` as the guard's call, ``__acc_setslice__(v)(x, a, b,
    c)`` (*v* first, as Python evaluates it); where ``:=`` is allowed, a
    short value of a built-in sequence type is stored directly after an
    inline test.
    """
    target = node.targets[0]
    assert isinstance(target, ast.Subscript)  # noqa: S101 -- the caller's test
    bounds = target.slice
    assert isinstance(bounds, ast.Slice)  # noqa: S101 -- the caller's test
    parts = [
        part or ast.Constant(None)
        for part in (bounds.lower, bounds.upper, bounds.step)
    ]
    if temporaries is None:
        store = ast.Call(
            func=call(GUARD_SET_SLICE, node.value),
            args=[target.value, *parts],
            keywords=[],
        )
        return ast.Expr(store)
    name = temporaries.new()
    kept = ast.NamedExpr(target=ast.Name(name, ast.Store()), value=node.value)
    test = ast.BoolOp(
        op=ast.And(),
        values=[
            ast.Compare(
                left=call(GUARD_RAW_TYPE, kept),
                ops=[ast.In()],
                comparators=[ast.Name(GUARD_SLICE_TYPES, ast.Load())],
            ),
            ast.Compare(
                left=call(GUARD_RAW_LEN, ast.Name(name, ast.Load())),
                ops=[ast.LtE()],
                comparators=[ast.Constant(_SMALL_SLICE)],
            ),
        ],
    )
    direct = ast.Assign(
        targets=[copy.deepcopy(target)], value=ast.Name(name, ast.Load())
    )
    guarded = ast.Expr(
        ast.Call(
            func=call(GUARD_SET_SLICE, ast.Name(name, ast.Load())),
            args=[target.value, *parts],
            keywords=[],
        )
    )
    return ast.If(test=test, body=[direct], orelse=[guarded])
