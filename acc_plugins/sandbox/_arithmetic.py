"""
Whole arithmetic expressions decided inline: ``dt * (dx*dx + dy*dy) **
-1.5`` on plain numbers tests each operand once, not each operator.

The per-operator tests of ``_inlinechecks`` look at both operands of every
``+``, ``*`` and ``**``, and keep each intermediate result in a temporary
to test it again.  When every operand of an expression is an exact
``float`` or an ``int`` of at most 30 bits, and its operators and constant
exponents are ones whose results this module can bound at compile time,
the whole expression is a number of a few thousand bits at most, or a
float, or an error: it then runs as written, with no other test.  Any
other operand (a sequence, a large integer, a bool, a subclass, a plugin
object) takes the per-operator version, which is the fallback.

Operands that run code (a call, an attribute) are accepted only where
Python evaluates them before any operator, so that the order of effects is
unchanged: each is read once into a temporary the plugin cannot name, as
is every operand before the first operator then, in order; the test, the
fast expression and the fallback read the temporaries.  Names are
otherwise read where they stand, as the per-operator tests read them:
between the test and the expression nothing runs that could rebind them
(only stores of types into temporaries, and a type is never freed by
losing a reference: its method resolution order refers to it).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Final

from ._astutil import call
from ._guardnames import GUARD_FLOAT, GUARD_INT, GUARD_RAW_TYPE
from ._inlinechecks import evaluated_first


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._inlinechecks import Temporaries


# The largest integer operand taken: a one-digit CPython integer, which
# the interpreter compares inline (a larger bound would be a call).
LEAF_BOUND: Final = 2**30 - 1
_LEAF_BITS: Final = 30

# The largest integer an accepted expression may build, as the operators
# do one by one (``_inlinechecks``): a product of two 4,096-bit factors.
MAX_BITS: Final = 8192

# The largest constant exponent taken (as ``_inlinechecks``).
_EXPONENT_BOUND: Final = 64

# A mark on the temporaries this module puts into the fallback: their
# names are the sandbox's, which the policy would otherwise refuse.
HOISTED: Final = "acc_hoisted"

_SHIFTS: Final = (ast.RShift,)
_KEEP_BITS: Final = (ast.FloorDiv, ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor)
_UNARY: Final = (ast.UAdd, ast.USub, ast.Invert)
_INTEGER_OPS: Final = (ast.FloorDiv, ast.Mod, *_KEEP_BITS[2:], ast.RShift)


def _constant_bits(value: object) -> int | None:
    if type(value) is int:
        return max(1, abs(value).bit_length())
    if type(value) in (float, complex):
        return 0
    return None


def _power_bits(base: int, exponent: ast.expr) -> int | None:
    # Only a constant exponent bounds a power: a negative or a float one
    # makes a float (or a complex), a small one multiplies the bits.
    negated = False
    if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
        negated = True
        exponent = exponent.operand
    if not isinstance(exponent, ast.Constant):
        return None
    value = exponent.value
    if negated and type(value) is int:
        value = -value
    if type(value) in (float, complex):
        return 0
    if type(value) is not int or value > _EXPONENT_BOUND:
        return None
    return 0 if value < 0 else max(1, base * value)


def result_bits(node: ast.expr) -> int | None:
    """
    The most bits of an integer *node* can build from operands within
    ``LEAF_BOUND`` (0 for a float), or None if it is not an expression
    this module bounds.
    """
    if isinstance(node, ast.Constant):
        return _constant_bits(node.value)
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            return None
        inner = result_bits(node.operand)
        return None if inner is None else inner + 1
    if not isinstance(node, ast.BinOp):
        return _LEAF_BITS  # an operand, tested at run time
    left = result_bits(node.left)
    if left is None:
        return None
    op = node.op
    if isinstance(op, ast.Pow):
        return _power_bits(left, node.right)
    right = result_bits(node.right)
    if right is None:
        return None
    if isinstance(op, (ast.Add, ast.Sub)):
        return max(left, right) + 1
    if isinstance(op, ast.Mult):
        return left + right
    if isinstance(op, ast.Div):
        return 0
    if isinstance(op, _KEEP_BITS):
        return max(left, right)
    if isinstance(op, _SHIFTS):
        return left
    return None  # ``<<``, ``@``


def _checked_operators(node: ast.expr) -> int:
    """
    How many operators of *node* the per-operator rules would test.
    """
    if isinstance(node, ast.UnaryOp):
        return _checked_operators(node.operand)
    if not isinstance(node, ast.BinOp):
        return 0
    inner = _checked_operators(node.left) + _checked_operators(node.right)
    constant = isinstance(node.left, ast.Constant) or isinstance(
        node.right, ast.Constant
    )
    if isinstance(node.op, ast.Pow) or (
        isinstance(node.op, (ast.Add, ast.Mult, ast.Mod)) and not constant
    ):
        inner += 1
    return inner


def _walk(node: ast.expr) -> Iterator[tuple[ast.AST, str, ast.expr] | None]:
    """
    The operands of *node* in the order Python evaluates them, each with
    its parent and field; None where an operator runs.
    """
    if isinstance(node, ast.BinOp):
        for field in ("left", "right"):
            child = getattr(node, field)
            if isinstance(child, (ast.BinOp, ast.UnaryOp)):
                yield from _walk(child)
            else:
                yield node, field, child
        yield None
    else:
        assert isinstance(node, ast.UnaryOp)  # noqa: S101 -- result_bits allowed only these
        if isinstance(node.operand, (ast.BinOp, ast.UnaryOp)):
            yield from _walk(node.operand)
        else:
            yield node, "operand", node.operand
        yield None


def _is(kind: ast.expr, guard_name: str) -> ast.Compare:
    return ast.Compare(
        left=kind,
        ops=[ast.Is()],
        comparators=[ast.Name(guard_name, ast.Load())],
    )


def _leaf_test(
    read: str, temporaries: Temporaries, *, ints_first: bool
) -> ast.expr:
    """
    ``(k := type(t)) is float or k is int and -B < t < B``, or the integer
    test first.
    """
    kind = temporaries.new()
    first: ast.expr = ast.NamedExpr(
        target=ast.Name(kind, ast.Store()),
        value=call(GUARD_RAW_TYPE, ast.Name(read, ast.Load())),
    )
    later = ast.Name(kind, ast.Load())
    bounded = ast.Compare(
        left=ast.Constant(-LEAF_BOUND),
        ops=[ast.Lt(), ast.Lt()],
        comparators=[ast.Name(read, ast.Load()), ast.Constant(LEAF_BOUND)],
    )
    if ints_first:
        is_int = ast.BoolOp(ast.And(), [_is(first, GUARD_INT), bounded])
        return ast.BoolOp(ast.Or(), [is_int, _is(later, GUARD_FLOAT)])
    is_int = ast.BoolOp(ast.And(), [_is(later, GUARD_INT), bounded])
    return ast.BoolOp(ast.Or(), [_is(first, GUARD_FLOAT), is_int])


def _integer_idioms(node: ast.expr) -> bool:
    """
    Whether *node* floor-divides, takes a remainder or works on bits: its
    operands are likely integers, tested first.
    """
    return any(
        isinstance(child, ast.BinOp) and isinstance(child.op, _INTEGER_OPS)
        for child in ast.walk(node)
    )


def _rebuilt(node: ast.expr) -> ast.expr:
    """
    A copy of *node*, whose operands are names and constants by now.
    """
    if isinstance(node, ast.BinOp):
        return ast.BinOp(
            left=_rebuilt(node.left), op=node.op, right=_rebuilt(node.right)
        )
    if isinstance(node, ast.UnaryOp):
        return ast.UnaryOp(op=node.op, operand=_rebuilt(node.operand))
    if isinstance(node, ast.Constant):
        return ast.Constant(node.value)
    assert isinstance(node, ast.Name)  # noqa: S101 -- every other operand was kept
    return ast.Name(node.id, ast.Load())


def _hoisted(name: str) -> ast.Name:
    read = ast.Name(name, ast.Load())
    setattr(read, HOISTED, True)
    return read


def inline_expression(
    node: ast.BinOp,
    temporaries: Temporaries,
    visit: Callable[[ast.expr], ast.expr],
    fallback: Callable[[ast.BinOp], ast.expr],
) -> ast.expr | None:
    """
    *node* as ``<fast> if <operands are plain numbers> else <fallback>``,
    or None where the whole expression cannot be decided at once.

    Args:
        node: An expression not yet visited.

        temporaries: Where operands are kept.

        visit: The policy's visit, for operands read here.

        fallback: The per-operator policy, applied to *node* with some
            operands replaced by marked temporaries.
    """
    bits = result_bits(node)
    if bits is None or bits > MAX_BITS:
        return None
    steps = list(_walk(node))
    first_operator = steps.index(None)
    operands = [step for step in steps if step is not None]
    distinct = {
        operand.id if isinstance(operand, ast.Name) else id(operand)
        for _, _, operand in operands
        if not isinstance(operand, ast.Constant)
    }
    checked = _checked_operators(node)
    if not distinct or not checked or len(distinct) > checked:
        return None  # the operators' own tests are as cheap
    running = [
        step
        for step in steps[first_operator:]
        if step is not None
        and not isinstance(step[2], (ast.Constant, ast.Name))
    ]
    if running:
        return None  # code that runs after an operator: order would change
    prefix = operands[:first_operator]
    # Operands that run code are kept in temporaries, with every operand
    # before the first operator, each where it is read; names are read
    # where they are otherwise: nothing between the test and the
    # expression runs code that could rebind them.
    hoist = any(
        not isinstance(o, (ast.Constant, ast.Name)) for _, _, o in prefix
    )
    bindings: list[ast.NamedExpr] = []
    tests: list[ast.expr] = []
    tested: set[str] = set()
    ints_first = _integer_idioms(node)
    for index, (parent, field, operand) in enumerate(operands):
        if isinstance(operand, ast.Constant):
            continue
        if hoist and index < first_operator:
            read = temporaries.new()
            bindings.append(
                ast.NamedExpr(
                    target=ast.Name(read, ast.Store()), value=visit(operand)
                )
            )
            hoisted = _hoisted(read)
            setattr(parent, field, ast.copy_location(hoisted, operand))
        else:
            # Not hoisted: every such operand is a name (checked above).
            assert isinstance(operand, ast.Name)  # noqa: S101
            read = operand.id
        if read not in tested:
            tested.add(read)
            tests.append(_leaf_test(read, temporaries, ints_first=ints_first))
    fast = _rebuilt(node)
    test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)
    return ast.IfExp(
        test=evaluated_first(bindings, test), body=fast, orelse=fallback(node)
    )
