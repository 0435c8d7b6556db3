"""
Just enough edwards25519 arithmetic to refuse weak public keys.

Why: OpenSSL, under cryptography, verifies ed25519 signatures against any
32 bytes that decode to a point, including the points of small order.
For those, signatures can be forged without any private key: with the
identity point as key, the signature "identity point, then 32 zero
bytes" verifies for every message.  A publisher key must therefore be
the canonical encoding of a point whose order is not small; this module
checks that, in affine coordinates, slowly but plainly (a handful of
field operations per key, once per parse).
"""

from __future__ import annotations

import functools
from typing import Final


P: Final = 2**255 - 19
# The order of the prime subgroup that real keys live in.
L: Final = 2**252 + 27742317777372353535851937790883648493
_D: Final = (-121665 * pow(121666, P - 2, P)) % P
_SQRT_M1: Final = pow(2, (P - 1) // 4, P)
_IDENTITY: Final = (0, 1)

Point = tuple[int, int]


def decode(raw: bytes) -> Point | None:
    """
    The point that *raw* (32 bytes) encodes canonically, or ``None``.
    """
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    negative = raw[31] >> 7
    if y >= P:
        return None
    # x^2 = (y^2 - 1) / (d y^2 + 1)  (RFC 8032, 5.1.3)
    u = (y * y - 1) % P
    v = (_D * y * y + 1) % P
    x2 = u * pow(v, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * _SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x == 0 and negative:
        return None
    if x % 2 != negative:
        x = P - x
    return (x, y)


def encode(point: Point) -> bytes:
    """
    The canonical 32 bytes of *point*.
    """
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def add(a: Point, b: Point) -> Point:
    """
    The sum of two points (the complete twisted Edwards formula, a = -1).
    """
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, P - 2, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, P - 2, P) % P
    return (x3, y3)


def multiply(n: int, point: Point) -> Point:
    """
    *point* added to itself *n* times.
    """
    result = _IDENTITY
    while n:
        if n & 1:
            result = add(result, point)
        point = add(point, point)
        n >>= 1
    return result


# A registry index names the same few publisher keys again and again.
@functools.lru_cache(maxsize=4096)
def is_strong_key(raw: bytes) -> bool:
    """
    Whether *raw* is the canonical encoding of a point of large order.
    """
    point = decode(raw)
    return point is not None and multiply(8, point) != _IDENTITY
