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
from ._guardnames import GUARD_FLOAT, GUARD_INT, GUARD_RAW_TYPE


# Integers strictly inside these bounds are "small".
_FACTOR_BOUND: Final = 2**4096  # a product of at most 8,192 bits
_BASE_BOUND: Final = 2**64  # with an exponent of at most 64: 4,096 bits
_EXPONENT_BOUND: Final = 64
_SHIFT_BOUND: Final = 4096  # a shifted small factor: at most 8,192 bits
# A one-digit CPython integer: the interpreter compares it inline, where a
# larger bound is compared through a call.  Tested first.
_COMPACT_BOUND: Final = 2**30 - 1

# A test folded at compile time (a constant operand) or one to emit.
Test = bool | ast.expr


class _TypeReads:
    """
    ``type(x)`` of each operand of one test: where temporaries are
    allowed, the first test of a name keeps its type
    (``(k := type(x)) is float``) and later ones read it (``k is int``).
    Every shape below tests an operand first where that test always runs
    before the operand's later ones.

    A right operand's *binding* (``t2 := b``) may be left to its first
    test, ``(k := type(t2 := b)) is float``, which then comes first: one
    identity test less.  ``binding`` is None once it has been placed.
    """

    def __init__(
        self,
        temporaries: Temporaries | None,
        binding: ast.NamedExpr | None = None,
    ) -> None:
        self._temporaries = temporaries
        self._kept: dict[str, str] = {}
        self.binding = binding

    def of(self, operand: ast.expr) -> ast.expr:
        if self._temporaries is None or not isinstance(operand, ast.Name):
            return call(GUARD_RAW_TYPE, operand)
        kept = self._kept.get(operand.id)
        if kept is not None:
            return ast.Name(kept, ast.Load())
        kept = self._kept[operand.id] = self._temporaries.new()
        read: ast.expr = operand
        if self.binding is not None and self.binding.target.id == operand.id:
            read, self.binding = self.binding, None
        return ast.NamedExpr(
            target=ast.Name(kept, ast.Store()),
            value=call(GUARD_RAW_TYPE, read),
        )


_PLAIN_TYPES: Final = _TypeReads(None)


def _type_is(
    operand: ast.expr, kind: type, guard_name: str, types: _TypeReads
) -> Test:
    if isinstance(operand, ast.Constant):
        return type(operand.value) is kind
    return ast.Compare(
        left=types.of(operand),
        ops=[ast.Is()],
        comparators=[ast.Name(guard_name, ast.Load())],
    )


def _is_float(operand: ast.expr, types: _TypeReads = _PLAIN_TYPES) -> Test:
    return _type_is(operand, float, GUARD_FLOAT, types)


def _is_int(operand: ast.expr, types: _TypeReads = _PLAIN_TYPES) -> Test:
    return _type_is(operand, int, GUARD_INT, types)


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


def _bounded(operand: ast.expr, bound: int) -> Test:
    """
    ``-bound < operand < bound``, with the inline compact bound first.
    """
    return _any(
        _within(operand, -_COMPACT_BOUND, _COMPACT_BOUND),
        _within(operand, -bound, bound),
    )


def _small_factor(operand: ast.expr) -> Test:
    return _bounded(operand, _FACTOR_BOUND)


def plain_number(operand: ast.expr, types: _TypeReads = _PLAIN_TYPES) -> Test:
    """
    The test that *operand* is an exact ``int`` or ``float``: added to
    anything, it cannot build a large value.
    """
    return _any(_is_int(operand, types), _is_float(operand, types))


def number_test(operand: ast.expr, temporaries: Temporaries | None) -> Test:
    """
    ``plain_number`` of *operand*, reading its type once where
    *temporaries* allow.
    """
    return plain_number(operand, _TypeReads(temporaries))


def augmented_test(
    op: ast.operator, value: ast.expr, temporaries: Temporaries
) -> tuple[list[ast.NamedExpr], Test] | None:
    """
    For ``target <op>= value``: the bindings and the test under which no
    size check is needed, whatever the target holds; None where there is
    none.

    A number added, or a float multiplied or raised to, makes a number, a
    TypeError, or runs the target's own method (plugin code): ``[0] *=
    1.5`` and ``"x" += 1`` raise.  *value* must be a name (kept in a
    temporary, read before the target) or a constant.
    """
    if isinstance(value, ast.Constant):
        if isinstance(op, (ast.Mult, ast.Pow)) and type(value.value) is float:
            return [], True
        return None
    if not isinstance(value, ast.Name) or not isinstance(
        op, (ast.Add, ast.Mult, ast.Pow)
    ):
        return None
    kept = temporaries.new()
    binding = ast.NamedExpr(target=ast.Name(kept, ast.Store()), value=value)
    read = ast.Name(kept, ast.Load())
    if isinstance(op, ast.Add):
        return [binding], number_test(read, temporaries)
    return [binding], _is_float(read)


def _float_or_bounded_ints(
    left: ast.expr, right: ast.expr, types: _TypeReads, *bounds: Test
) -> Test:
    """
    A float on either side (the result is a float, or an error), or two
    integers within *bounds*; the right side first if its binding waits.
    """
    first, second = (left, right) if types.binding is None else (right, left)
    return _any(
        _is_float(first, types),
        _is_float(second, types),
        _all(_is_int(left, types), _is_int(right, types), *bounds),
    )


def numbers_test(
    op: ast.operator,
    left: ast.expr,
    right: ast.expr,
    types: _TypeReads = _PLAIN_TYPES,
) -> Test:
    """
    The inline test under which ``left <op> right`` needs no guard, for
    operands that may be read more than once; *types* reads each name's
    type once where temporaries are allowed.
    """
    if isinstance(op, ast.Mult):
        return _float_or_bounded_ints(
            left,
            right,
            types,
            _any(_small_factor(left), _small_factor(right)),
        )
    if isinstance(op, ast.Pow):
        return _float_or_bounded_ints(
            left,
            right,
            types,
            _within(right, -_EXPONENT_BOUND - 1, _EXPONENT_BOUND + 1),
            _bounded(left, _BASE_BOUND),
        )
    if isinstance(op, (ast.Add, ast.Mod)):
        # A number on the left: the result is a number no longer than the
        # operands (one bit more for a sum), or the operation is a
        # TypeError, or the right operand's own method (plugin code).  A
        # text on the left of ``%`` is a template, which the guard sizes.
        return plain_number(left, types)
    if isinstance(op, ast.LShift):
        first, second = (
            (left, right) if types.binding is None else (right, left)
        )
        return _all(
            _is_int(first, types),
            _is_int(second, types),
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
    *test*, after the temporaries are filled, in order: ``(t1 := a) is t1
    and (t2 := b) is t2 and test``.  An identity test is always true and
    runs no code; a tuple of the bindings, also always true, cost a third
    of a product's time to build and drop.
    """
    if not bindings:
        return test
    filled: list[ast.expr] = [
        ast.Compare(
            left=binding,
            ops=[ast.Is()],
            comparators=[ast.Name(binding.target.id, ast.Load())],
        )
        for binding in bindings
    ]
    return ast.BoolOp(ast.And(), [*filled, test])


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
    plain = (ast.Name, ast.Constant)
    # An operand that runs code is kept in a temporary, and so is a name
    # on its left: read later, the name could see the right operand's
    # doing (``x + (x := 5)``).  A name on the right is read after the
    # left operand ran wherever it is read, as Python reads it.
    keep = (
        not isinstance(node.left, ast.Constant)
        and not (
            isinstance(node.left, ast.Name) and isinstance(node.right, plain)
        ),
        not isinstance(node.right, plain),
    )
    if any(keep) and temporaries is None:
        return guarded
    reads: list[ast.expr] = []
    bindings: list[ast.NamedExpr] = []
    for operand, kept in zip(operands, keep, strict=True):
        if not kept:
            reads.append(operand)
            continue
        assert temporaries is not None  # noqa: S101 -- checked above
        name = temporaries.new()
        bindings.append(
            ast.NamedExpr(target=ast.Name(name, ast.Store()), value=operand)
        )
        reads.append(ast.Name(name, ast.Load()))
    left, right = reads
    # A product, power or shift of two kept operands tests the right one
    # first, and binds it there (a sum or remainder tests only its left
    # one).  With a constant, tests are decided at compile time and may
    # be dropped: the binding then stays where it was.
    waiting = None
    if len(bindings) == 2 and isinstance(  # noqa: PLR2004 -- both operands
        node.op, (ast.Mult, ast.Pow, ast.LShift)
    ):
        waiting = bindings.pop()
    types = _TypeReads(temporaries, waiting)
    test = numbers_test(node.op, left, right, types)
    if types.binding is not None:
        bindings.append(types.binding)  # never happens: no test was dropped
    if test is False:
        return guarded
    body = ast.BinOp(left=left, op=node.op, right=right)
    guarded = call(guard, left, right)
    if test is True:
        test = ast.Constant(True)
    # Both operands are evaluated, left then right, before the test.
    test = evaluated_first(bindings, test)
    return ast.IfExp(test=test, body=body, orelse=guarded)
