"""Groth16 points, proofs and verifying keys in the byte layout of the native verifiers.

BN254 points and the verifying-key layout the C extension takes (:class:`G1Point`,
:class:`G2Point`, :class:`Groth16Proof`, :class:`Groth16VerifyingKey`): encoded, split and parsed
from JSON (with curve and subgroup checks). Gnark's compressed keys are decoded in
:mod:`eip8025.groth16.gnark`; the layout constants are in :mod:`eip8025.groth16.layout`.

Byte conventions (those of the header and of EIP-197): 32-byte big-endian words; G1 = x || y;
G2 = x.c1 || x.c0 || y.c1 || y.c0, where an Fp2 element is c0 + c1*i (c0 real, c1 imaginary).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from eip8025 import native
from eip8025.errors import DecodeError
from eip8025.groth16.field import B1, Fp2, P, f2_sqr, g2_rhs
from eip8025.groth16.layout import G1_LEN, G2_LEN, PROOF_LEN, VK_FIXED_LEN, WORD_LEN
from eip8025.hexbytes import parse_hex_int

__all__ = ["G1Point", "G2Point", "Groth16Proof", "Groth16VerifyingKey"]

# ---- points --------------------------------------------------------------------------------


def _word(value: int) -> bytes:
    return value.to_bytes(WORD_LEN, "big")


def _parse_int(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise DecodeError(f"{where}: expected a 0x-prefixed hex string or an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        number = parse_hex_int(value, what=where)
    else:
        raise DecodeError(f"{where}: expected a 0x-prefixed hex string or an integer")
    if not 0 <= number < P:
        raise DecodeError(f"{where}: coordinate is not < p")
    return number


@dataclasses.dataclass(frozen=True)
class G1Point:
    """An affine BN254 G1 point (x, y integers < p)."""

    x: int
    y: int

    def encode(self) -> bytes:
        """The 64-byte encoding ``x || y`` (big-endian words)."""
        return _word(self.x) + _word(self.y)

    @classmethod
    def decode(cls, data: bytes) -> G1Point:
        """Split a 64-byte ``x || y`` encoding (no validation beyond the length).

        Raises:
            ValueError: If ``data`` is not 64 bytes.
        """
        if len(data) != G1_LEN:
            raise DecodeError(f"a G1 point is {G1_LEN} bytes, got {len(data)}")
        return cls(int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big"))

    def is_on_curve(self) -> bool:
        """True iff both coordinates are < p and ``y^2 = x^3 + 3`` (G1 has cofactor 1)."""
        if not (0 <= self.x < P and 0 <= self.y < P):
            return False
        return (self.y * self.y - self.x * self.x * self.x - B1) % P == 0

    @classmethod
    def from_json(cls, obj: Any, where: str = "g1") -> G1Point:
        """Parse ``{"x": "0x..", "y": "0x.."}`` and check the point is on the curve.

        Raises:
            ValueError: Missing key, bad number, coordinate >= p, or not on the curve.
        """
        if not isinstance(obj, Mapping) or not {"x", "y"} <= set(obj):
            raise DecodeError(f"{where}: expected an object with keys x and y")
        point = cls(_parse_int(obj["x"], f"{where}.x"), _parse_int(obj["y"], f"{where}.y"))
        if not point.is_on_curve():
            raise DecodeError(f"{where}: not on the curve y^2 = x^3 + 3")
        return point


@dataclasses.dataclass(frozen=True)
class G2Point:
    """An affine BN254 G2 point on the twist; each coordinate is c0 + c1*i (c0 real part)."""

    x_c0: int
    x_c1: int
    y_c0: int
    y_c1: int

    def encode(self) -> bytes:
        """The 128-byte EIP-197 encoding ``x.c1 || x.c0 || y.c1 || y.c0``."""
        return _word(self.x_c1) + _word(self.x_c0) + _word(self.y_c1) + _word(self.y_c0)

    @classmethod
    def decode(cls, data: bytes) -> G2Point:
        """Split a 128-byte ``x.c1 || x.c0 || y.c1 || y.c0`` encoding (length check only).

        Raises:
            ValueError: If ``data`` is not 128 bytes.
        """
        if len(data) != G2_LEN:
            raise DecodeError(f"a G2 point is {G2_LEN} bytes, got {len(data)}")
        w = [int.from_bytes(data[i : i + 32], "big") for i in range(0, G2_LEN, 32)]
        return cls(x_c0=w[1], x_c1=w[0], y_c0=w[3], y_c1=w[2])

    def _coords(self) -> tuple[Fp2, Fp2]:
        return (self.x_c0, self.x_c1), (self.y_c0, self.y_c1)

    def is_on_curve(self) -> bool:
        """True iff every coordinate is < p and ``y^2 = x^3 + 3/(9 + i)``."""
        if not all(0 <= c < P for c in (self.x_c0, self.x_c1, self.y_c0, self.y_c1)):
            return False
        x, y = self._coords()
        return f2_sqr(y) == g2_rhs(x)

    def in_subgroup(self) -> bool:
        """True iff the point is on the twist and ``r * Q`` is the point at infinity.

        The twist has a large cofactor, so being on the curve is not enough (unlike G1). The
        scalar multiplication runs in the C extension (:func:`eip8025.native.bn254_g2_in_subgroup`).
        """
        return self.is_on_curve() and native.bn254_g2_in_subgroup(self.encode())

    @classmethod
    def from_json(cls, obj: Any, where: str = "g2") -> G2Point:
        """Parse ``{"x": {"c0", "c1"}, "y": {"c0", "c1"}}``, check curve and subgroup.

        Raises:
            ValueError: Missing key, bad number, coordinate >= p, off the curve or subgroup.
        """
        try:
            x, y = obj["x"], obj["y"]
            raw = (x["c0"], x["c1"], y["c0"], y["c1"])
        except (KeyError, TypeError):
            raise DecodeError(f"{where}: expected {{x: {{c0, c1}}, y: {{c0, c1}}}}") from None
        names = ("x.c0", "x.c1", "y.c0", "y.c1")
        point = cls(*(_parse_int(v, f"{where}.{n}") for v, n in zip(raw, names, strict=True)))
        if not point.is_on_curve():
            raise DecodeError(f"{where}: not on the twist y^2 = x^3 + 3/(9+i)")
        if not point.in_subgroup():
            raise DecodeError(f"{where}: not in the order-r subgroup")
        return point


@dataclasses.dataclass(frozen=True)
class Groth16Proof:
    """A Groth16 proof: A (G1), B (G2), C (G1)."""

    a: G1Point
    b: G2Point
    c: G1Point

    def encode(self) -> bytes:
        """The 256-byte proof ``A || B || C`` (the 8 EVM words after a selector)."""
        return self.a.encode() + self.b.encode() + self.c.encode()

    @classmethod
    def decode(cls, data: bytes) -> Groth16Proof:
        """Split 256 proof bytes into points (no curve checks: that is the verifier's job).

        Raises:
            ValueError: If ``data`` is not 256 bytes.
        """
        if len(data) != PROOF_LEN:
            raise DecodeError(f"a Groth16 proof is {PROOF_LEN} bytes, got {len(data)}")
        return cls(
            G1Point.decode(data[:64]), G2Point.decode(data[64:192]), G1Point.decode(data[192:])
        )


# ---- verifying key ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Groth16VerifyingKey:
    """A Groth16 verifying key in standard (un-negated) form; ``ic`` has n + 1 points."""

    alpha: G1Point
    beta: G2Point
    gamma: G2Point
    delta: G2Point
    ic: tuple[G1Point, ...]

    @property
    def n_public(self) -> int:
        """The number of public inputs, ``len(ic) - 1``."""
        return len(self.ic) - 1

    def encode(self) -> bytes:
        """The header's VK layout: alpha || beta || gamma || delta || ic[0..n]."""
        return b"".join(
            [
                self.alpha.encode(),
                self.beta.encode(),
                self.gamma.encode(),
                self.delta.encode(),
                *(point.encode() for point in self.ic),
            ]
        )

    @classmethod
    def decode(cls, data: bytes) -> Groth16VerifyingKey:
        """Split the header's VK layout (448 + 64 * (n + 1) bytes; no curve checks).

        Raises:
            ValueError: If the length is not of that form.
        """
        rest = len(data) - VK_FIXED_LEN
        if rest < G1_LEN or rest % G1_LEN:
            raise DecodeError(
                f"a verifying key is {VK_FIXED_LEN} + 64 * (n + 1) bytes, got {len(data)}"
            )
        return cls(
            alpha=G1Point.decode(data[:64]),
            beta=G2Point.decode(data[64:192]),
            gamma=G2Point.decode(data[192:320]),
            delta=G2Point.decode(data[320:448]),
            ic=tuple(
                G1Point.decode(data[i : i + G1_LEN]) for i in range(VK_FIXED_LEN, len(data), G1_LEN)
            ),
        )

    @classmethod
    def from_json(cls, obj: Any) -> Groth16VerifyingKey:
        """Parse the fixtures' ``verifying_key`` object (other keys in it are ignored).

        Required keys: ``alpha_g1``, ``beta_g2``, ``gamma_g2``, ``delta_g2`` and ``ic`` (a list of
        at least one G1 point). Every point is checked on its curve (G2 also in the subgroup).

        Raises:
            ValueError: A key is missing or a point is invalid (the message names it).
        """
        if not isinstance(obj, Mapping):
            raise DecodeError("verifying_key: expected an object")
        missing = [k for k in ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "ic") if k not in obj]
        if missing:
            raise DecodeError(f"verifying_key: missing keys {missing}")
        ic = obj["ic"]
        if not isinstance(ic, list) or not ic:
            raise DecodeError("verifying_key.ic: expected a non-empty list of G1 points")
        return cls(
            alpha=G1Point.from_json(obj["alpha_g1"], "verifying_key.alpha_g1"),
            beta=G2Point.from_json(obj["beta_g2"], "verifying_key.beta_g2"),
            gamma=G2Point.from_json(obj["gamma_g2"], "verifying_key.gamma_g2"),
            delta=G2Point.from_json(obj["delta_g2"], "verifying_key.delta_g2"),
            ic=tuple(
                G1Point.from_json(point, f"verifying_key.ic[{i}]") for i, point in enumerate(ic)
            ),
        )

    @classmethod
    def from_gnark(cls, data: bytes) -> Groth16VerifyingKey:
        """Decode a gnark-crypto compressed BN254 ``VerifyingKey`` (see ``decode_gnark_vk``).

        Raises:
            ValueError: See :func:`eip8025.groth16.gnark.decode_gnark_vk`.
        """
        from eip8025.groth16.gnark import decode_gnark_vk  # gnark.py builds on this module

        return decode_gnark_vk(data).vk
