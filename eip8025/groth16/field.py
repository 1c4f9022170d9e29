"""BN254 field arithmetic in Python: just what decompressing a gnark verifying key needs.

Fp square roots (p = 3 mod 4), Fp2 = Fp[i]/(i^2 + 1) square roots, gnark's "lexicographically
largest" root choice, and the right-hand sides of the G1 and G2 curve equations, on plain ints
(affine, not constant time: the inputs are public keys).

Why Python: ``csrc/`` has no square root or point decompression (it takes uncompressed points)
and a key is decompressed once, at config load; the tests check it against the fixtures' VK.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "B1",
    "B2",
    "Fp2",
    "P",
    "R",
    "f2_add",
    "f2_inv",
    "f2_largest",
    "f2_mul",
    "f2_sqr",
    "f2_sqrt",
    "fp_largest",
    "fp_sqrt",
    "g2_rhs",
]

P: Final = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
"""Base-field modulus p of BN254."""
R: Final = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
"""Order r of the BN254 groups (the scalar field of the Groth16 circuits)."""

B1: Final = 3
"""G1: y^2 = x^3 + 3 over Fp."""

Fp2 = tuple[int, int]
"""An Fp2 element c0 + c1*i as ``(c0, c1)`` (c0 real, c1 imaginary), each in [0, p)."""


def fp_sqrt(a: int) -> int | None:
    """A square root of ``a`` mod p, or None if ``a`` is a non-residue (p = 3 mod 4)."""
    a %= P
    root = pow(a, (P + 1) // 4, P)
    return root if root * root % P == a else None


def fp_largest(a: int) -> bool:
    """Gnark's ``LexicographicallyLargest`` on Fp: ``a > (p - 1) / 2``."""
    return a > (P - 1) // 2


def f2_add(a: Fp2, b: Fp2) -> Fp2:
    """``a + b`` in Fp2."""
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def f2_mul(a: Fp2, b: Fp2) -> Fp2:
    """``a * b`` in Fp2 (i^2 = -1)."""
    return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)


def f2_sqr(a: Fp2) -> Fp2:
    """``a^2`` in Fp2."""
    return f2_mul(a, a)


def f2_inv(a: Fp2) -> Fp2:
    """``1 / a`` in Fp2 (``a`` must not be zero)."""
    norm_inv = pow((a[0] * a[0] + a[1] * a[1]) % P, -1, P)
    return (a[0] * norm_inv % P, -a[1] * norm_inv % P)


def f2_sqrt(a: Fp2) -> Fp2 | None:
    """A square root of ``a`` in Fp2 = Fp[i]/(i^2 + 1), or None if there is none.

    With a = a0 + a1*i and a root x0 + x1*i: x0^2 - x1^2 = a0 and 2*x0*x1 = a1, so
    x0^2 = (a0 + n) / 2 with n^2 = a0^2 + a1^2 (the norm must be a square in Fp), choosing the
    sign of n that makes (a0 + n) / 2 a square, then x1 = a1 / (2*x0). The result is checked.
    """
    a0, a1 = a[0] % P, a[1] % P
    if a1 == 0:
        root = fp_sqrt(a0)
        if root is not None:
            return (root, 0)
        # a0 is a non-residue and so is -1 (p = 3 mod 4): -a0 is a square, and (i*y)^2 = -y^2.
        root = fp_sqrt(-a0)
        return None if root is None else (0, root)
    norm_root = fp_sqrt(a0 * a0 + a1 * a1)
    if norm_root is None:
        return None
    half = pow(2, -1, P)
    x0 = fp_sqrt((a0 + norm_root) * half)
    if x0 is None:
        x0 = fp_sqrt((a0 - norm_root) * half)
    if x0 is None or x0 == 0:
        return None
    x1 = a1 * pow(2 * x0, -1, P) % P
    candidate = (x0, x1)
    return candidate if f2_sqr(candidate) == (a0, a1) else None


def f2_largest(a: Fp2) -> bool:
    """Gnark's ``E2.LexicographicallyLargest``: compare c1 first, c0 only when c1 is zero."""
    return fp_largest(a[0]) if a[1] == 0 else fp_largest(a[1])


B2: Final[Fp2] = f2_mul((3, 0), f2_inv((9, 1)))
"""G2 (the twist): y^2 = x^3 + 3/(9 + i) over Fp2."""


def g2_rhs(x: Fp2) -> Fp2:
    """The right-hand side ``x^3 + b'`` of the twist's equation."""
    return f2_add(f2_mul(f2_sqr(x), x), B2)
