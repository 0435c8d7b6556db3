"""Exact rational matrix arithmetic: a Matrix class with operator overloading,
Gaussian elimination (determinant, inverse, rank) and solving linear systems.

Exercises: fractions.Fraction, operator overloading (__add__, __sub__,
__mul__, __rmul__, __matmul__, __neg__, __pow__, __eq__, __getitem__,
__setitem__, __iter__, __len__, __bool__, __repr__), classmethods,
@property, zip(*rows) transposition, functools.reduce, itertools,
exceptions, copying lists, isinstance with tuples of classes.
"""

from fractions import Fraction
from functools import reduce
from itertools import permutations, starmap
import operator


class MatrixError(ValueError):
    pass


class Matrix:
    def __init__(self, rows):
        self._rows = [[Fraction(v) for v in row] for row in rows]
        widths = {len(r) for r in self._rows}
        if len(widths) > 1:
            raise MatrixError("ragged rows")

    @classmethod
    def identity(cls, n):
        return cls([[1 if i == j else 0 for j in range(n)] for i in range(n)])

    @classmethod
    def zeros(cls, r, c):
        return cls([[0] * c for _ in range(r)])

    @property
    def shape(self):
        return (len(self._rows), len(self._rows[0]) if self._rows else 0)

    @property
    def T(self):
        return Matrix(list(map(list, zip(*self._rows))))

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        return iter([list(r) for r in self._rows])

    def __getitem__(self, idx):
        r, c = idx
        return self._rows[r][c]

    def __setitem__(self, idx, value):
        r, c = idx
        self._rows[r][c] = Fraction(value)

    def __eq__(self, other):
        return isinstance(other, Matrix) and self._rows == other._rows

    def __bool__(self):
        return any(any(row) for row in self._rows)

    def _elementwise(self, other, op):
        if self.shape != other.shape:
            raise MatrixError(f"shape mismatch {self.shape} vs {other.shape}")
        return Matrix([list(starmap(op, zip(a, b))) for a, b in zip(self._rows, other._rows)])

    def __add__(self, other):
        return self._elementwise(other, operator.add)

    def __sub__(self, other):
        return self._elementwise(other, operator.sub)

    def __neg__(self):
        return Matrix([[-v for v in row] for row in self._rows])

    def __mul__(self, scalar):
        if isinstance(scalar, (int, Fraction)):
            return Matrix([[v * scalar for v in row] for row in self._rows])
        return NotImplemented

    __rmul__ = __mul__

    def __matmul__(self, other):
        (_, m), (m2, _) = self.shape, other.shape
        if m != m2:
            raise MatrixError("inner dimensions differ")
        cols = list(zip(*other._rows))
        return Matrix([[sum(map(operator.mul, row, col)) for col in cols] for row in self._rows])

    def __pow__(self, k):
        if k < 0:
            return self.inverse() ** (-k)
        result = Matrix.identity(len(self))
        base = self
        while k:
            if k & 1:
                result = result @ base
            base = base @ base
            k >>= 1
        return result

    def __repr__(self):
        return "Matrix(%r)" % ([[str(v) for v in row] for row in self._rows],)

    def _eliminate(self, augment=None):
        """Gauss-Jordan elimination; returns (reduced rows, swaps, pivots)."""
        n_rows, n_cols = self.shape
        rows = [list(r) + (list(augment[i]) if augment else []) for i, r in enumerate(self._rows)]
        swaps, pivots, lead = 0, [], 0
        for col in range(n_cols):
            pivot = next((r for r in range(lead, n_rows) if rows[r][col] != 0), None)
            if pivot is None:
                continue
            if pivot != lead:
                rows[lead], rows[pivot] = rows[pivot], rows[lead]
                swaps += 1
            pivots.append(rows[lead][col])
            factor = rows[lead][col]
            rows[lead] = [v / factor for v in rows[lead]]
            for r in range(n_rows):
                if r != lead and rows[r][col] != 0:
                    f = rows[r][col]
                    rows[r] = [a - f * b for a, b in zip(rows[r], rows[lead])]
            lead += 1
            if lead == n_rows:
                break
        return rows, swaps, pivots

    def determinant(self):
        n, m = self.shape
        if n != m:
            raise MatrixError("not square")
        _, swaps, pivots = self._eliminate()
        if len(pivots) < n:
            return Fraction(0)
        return reduce(operator.mul, pivots, Fraction(-1) ** swaps)

    def rank(self):
        return len(self._eliminate()[2])

    def inverse(self):
        n = len(self)
        if self.determinant() == 0:
            raise MatrixError("singular matrix")
        rows, _, _ = self._eliminate(list(Matrix.identity(n)))
        return Matrix([row[n:] for row in rows])

    def solve(self, b):
        rows, _, _ = self._eliminate([[v] for v in b])
        return [row[-1] for row in rows]


def leibniz_det(m: Matrix):
    n = len(m)
    total = Fraction(0)
    for perm in permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        term = reduce(operator.mul, (m[i, perm[i]] for i in range(n)), Fraction(1))
        total += -term if inversions % 2 else term
    return total


def fmt(m: Matrix):
    return [[str(v) for v in row] for row in m]


def main() -> object:
    a = Matrix([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    b = Matrix([[1, 2, 3], [0, 1, 4], [5, 6, 0]])
    hilbert = Matrix([[Fraction(1, i + j + 1) for j in range(4)] for i in range(4)])
    fib = Matrix([[1, 1], [1, 0]])

    c = a @ b - 2 * b + a * Fraction(1, 2)
    inv_b = b.inverse()
    checks = {
        "b_inv_roundtrip": b @ inv_b == Matrix.identity(3),
        "transpose_twice": b.T.T == b,
        "det_matches_leibniz": leibniz_det(hilbert) == hilbert.determinant(),
        "zero_is_falsy": not Matrix.zeros(2, 2),
        "neg_add_zero": not (a + -a),
    }
    singular = Matrix([[1, 2], [2, 4]])
    try:
        singular.inverse()
        singular_msg = None
    except MatrixError as exc:
        singular_msg = str(exc)
    try:
        a + Matrix.identity(2)
        mismatch = None
    except MatrixError as exc:
        mismatch = str(exc)

    m = Matrix.identity(2)
    m[0, 1] = Fraction(3, 4)
    m[1, 0] += 5

    return {
        "c": fmt(c),
        "det_a": str(a.determinant()),
        "det_b": str(b.determinant()),
        "inv_b": fmt(inv_b),
        "hilbert_det": str(hilbert.determinant()),
        "hilbert_inv_row0": [str(v) for v in list(hilbert.inverse())[0]],
        "fib_30": str((fib ** 30)[0, 1]),
        "a_pow_neg2": fmt(a ** -2),
        "solve": [str(v) for v in a.solve([1, 0, 1])],
        "ranks": [a.rank(), singular.rank(), Matrix([[1, 2, 3], [2, 4, 6], [1, 0, 1]]).rank()],
        "checks": checks,
        "singular": singular_msg,
        "mismatch": mismatch,
        "edited": fmt(m),
        "repr": repr(fib),
        "shape": list((a @ Matrix([[1], [2], [3]])).shape),
    }
