"""
Size checks decided inline: ``a + b``, ``a * b``, ``a ** b``, ``a % b``
and ``a << b`` on plain numbers need no guard call.

A number on the left of ``+`` makes a number, a float on either side of
``*`` or ``**`` makes a float (or an error), and integers below a bound
make a result of a few thousand bits at most.  The compiled test reads the operands' exact types with the real
``type`` (a C call CPython specialises) and compares them with constants;
only when it fails (a sequence, a large integer, a Decimal, a plugin
object) does the guard run.

Operands are evaluated once, in order, as Python does: names are read
twice (which cannot run code), anything else is kept in a temporary the
plugin cannot name, through ``:=``.  Where ``:=`` is not allowed (class
bodies, comprehension iterables, annotations, module level) such operands
take the guard, as before.
"""

from __future__ import annotations

import ast
from typing import Final

from ._astutil import call
from ._policy import GUARD_FLOAT, GUARD_INT, GUARD_RAW_TYPE


# Integers strictly inside these bounds are "small".
_FACTOR_BOUND: Final = 2**4096  # a product of at most 8,192 bits
_BASE_BOUND: Final = 2**64  # with an exponent of at most 64: 4,096 bits
_EXPONENT_BOUND: Final = 64
_SHIFT_BOUND: Final = 4096  # a shifted small factor: at most 8,192 bits

# A test folded at compile time (a constant operand) or one to emit.
Test = bool | ast.expr


def _type_is(operand: ast.expr, kind: type, guard_name: str) -> Test:
    if isinstance(operand, ast.Constant):
        return type(operand.value) is kind
    return ast.Compare(
        left=call(GUARD_RAW_TYPE, operand),
        ops=[ast.Is()],
        comparators=[ast.Name(guard_name, ast.Load())],
    )


def _is_float(operand: ast.expr) -> Test:
    return _type_is(operand, float, GUARD_FLOAT)


def _is_int(operand: ast.expr) -> Test:
    return _type_is(operand, int, GUARD_INT)


def _within(operand: ast.expr, low: int, high: int) -> Test:
    """
    ``low < operand < high`` (only ever asked of an integer).
    """
    if isinstance(operand, ast.Constant):
        value = operand.value
        return isinstance(value, int) and low < value < high
    return ast.Compare(
        left=ast.Constant(low),
        ops=[ast.Lt(), ast.Lt()],
        comparators=[operand, ast.Constant(high)],
    )


def _fold(tests: tuple[Test, ...], *, conjunction: bool) -> Test:
    """
    ``and`` (or ``or``) of *tests*, with the ones known at compile time
    folded away.
    """
    absorbing = not conjunction  # False ends an "and", True an "or"
    kept: list[ast.expr] = []
    for test in tests:
        if test is absorbing:
            return absorbing
        if not isinstance(test, bool):
            kept.append(test)
    if not kept:
        return conjunction
    if len(kept) == 1:
        return kept[0]
    return ast.BoolOp(ast.And() if conjunction else ast.Or(), kept)


def _all(*tests: Test) -> Test:
    return _fold(tests, conjunction=True)


def _any(*tests: Test) -> Test:
    return _fold(tests, conjunction=False)


def _small_factor(operand: ast.expr) -> Test:
    return _within(operand, -_FACTOR_BOUND, _FACTOR_BOUND)


def plain_number(operand: ast.expr) -> Test:
    """
    The test that *operand* is an exact ``int`` or ``float``: added to
    anything, it cannot build a large value.
    """
    return _any(_is_int(operand), _is_float(operand))


def _float_or_bounded_ints(
    left: ast.expr, right: ast.expr, *bounds: Test
) -> Test:
    """
    A float on either side (the result is a float, or an error), or two
    integers within *bounds*.
    """
    return _any(
        _is_float(left),
        _is_float(right),
        _all(_is_int(left), _is_int(right), *bounds),
    )


def numbers_test(op: ast.operator, left: ast.expr, right: ast.expr) -> Test:
    """
    The inline test under which ``left <op> right`` needs no guard, for
    operands that may be read more than once.
    """
    if isinstance(op, ast.Mult):
        return _float_or_bounded_ints(
            left, right, _any(_small_factor(left), _small_factor(right))
        )
    if isinstance(op, ast.Pow):
        return _float_or_bounded_ints(
            left,
            right,
            _within(right, -_EXPONENT_BOUND - 1, _EXPONENT_BOUND + 1),
            _within(left, -_BASE_BOUND, _BASE_BOUND),
        )
    if isinstance(op, (ast.Add, ast.Mod)):
        # A number on the left: the result is a number no longer than the
        # operands (one bit more for a sum), or the operation is a
        # TypeError, or the right operand's own method (plugin code).  A
        # text on the left of ``%`` is a template, which the guard sizes.
        return plain_number(left)
    if isinstance(op, ast.LShift):
        return _all(
            _is_int(left),
            _is_int(right),
            _within(right, -(2**63), _SHIFT_BOUND + 1),
            _small_factor(left),
        )
    return False


class Temporaries:
    """
    Names for operands kept in temporaries, unique within one module.
    """

    def __init__(self) -> None:
        self._count = 0

    def new(self) -> str:
        self._count += 1
        return f"__acc_t{self._count}__"


def operand_read(
    operand: ast.expr, temporaries: Temporaries | None
) -> tuple[ast.expr, ast.NamedExpr | None] | None:
    """
    How to read *operand* more than once: itself (a name or constant), or
    a temporary with the ``:=`` that fills it; None where neither works.
    """
    if isinstance(operand, (ast.Name, ast.Constant)):
        return operand, None
    if temporaries is None:
        return None
    name = temporaries.new()
    binding = ast.NamedExpr(target=ast.Name(name, ast.Store()), value=operand)
    return ast.Name(name, ast.Load()), binding


def evaluated_first(bindings: list[ast.NamedExpr], test: ast.expr) -> ast.expr:
    """
    *test*, after the temporaries are filled, in order (a tuple display is
    always true).
    """
    if not bindings:
        return test
    return ast.BoolOp(ast.And(), [ast.Tuple(list(bindings), ast.Load()), test])


def inline_sized(
    node: ast.BinOp, guard: str, temporaries: Temporaries | None
) -> ast.expr:
    """
    ``node`` where its numbers test passes, else a call of *guard*; the
    guard alone where the operands cannot be read twice and no temporaries
    may be used.
    """
    guarded = call(guard, node.left, node.right)
    operands = (node.left, node.right)
    # A name read after the other operand ran could see that operand's
    # doing (``x + (x := 5)``): once one operand needs a temporary, every
    # operand but a constant gets one, bound in order.
    keep_all = not all(
        isinstance(o, (ast.Name, ast.Constant)) for o in operands
    )
    if keep_all and temporaries is None:
        return guarded
    reads: list[ast.expr] = []
    bindings: list[ast.NamedExpr] = []
    for operand in operands:
        if isinstance(operand, ast.Constant) or not keep_all:
            reads.append(operand)
            continue
        assert temporaries is not None  # noqa: S101 -- checked above
        name = temporaries.new()
        bindings.append(
            ast.NamedExpr(target=ast.Name(name, ast.Store()), value=operand)
        )
        reads.append(ast.Name(name, ast.Load()))
    left, right = reads
    test = numbers_test(node.op, left, right)
    if test is False:
        return guarded
    body = ast.BinOp(left=left, op=node.op, right=right)
    guarded = call(guard, left, right)
    if test is True:
        test = ast.Constant(True)
    # Both operands are evaluated, left then right, before the test.
    test = evaluated_first(bindings, test)
    return ast.IfExp(test=test, body=body, orelse=guarded)
