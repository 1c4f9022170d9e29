"""Gnark-crypto's compressed BN254 Groth16 ``VerifyingKey`` (SP1's ``groth16_vk.bin``).

Compressed points carry x only, with two flag bits choosing the root of the curve equation, so
decoding takes square roots in Fp (G1) and Fp2 (G2), from :mod:`eip8025.groth16.field`. Every
decoded G2 point is checked to be in the order-r subgroup (natively).
"""

from __future__ import annotations

import dataclasses
from typing import Final

from eip8025.errors import DecodeError
from eip8025.groth16.codecs import G1Point, G2Point, Groth16VerifyingKey
from eip8025.groth16.field import B1, P, f2_largest, f2_sqrt, fp_largest, fp_sqrt, g2_rhs

__all__ = ["GnarkVerifyingKey", "decode_gnark_vk"]

_FLAG_MASK: Final = 0b11 << 6
_FLAG_SMALLEST: Final = 0b10 << 6
_FLAG_LARGEST: Final = 0b11 << 6
_FLAG_INFINITY: Final = 0b01 << 6


def _gnark_flag(first: int, where: str) -> bool:
    """The flag of a compressed point: True for "larger root"; raise on anything else."""
    flag = first & _FLAG_MASK
    if flag == _FLAG_INFINITY:
        raise DecodeError(f"{where}: point at infinity (not allowed in a verifying key)")
    if flag not in (_FLAG_SMALLEST, _FLAG_LARGEST):
        raise DecodeError(f"{where}: flag bits 0b00 (uncompressed) in a compressed key")
    return flag == _FLAG_LARGEST


def _gnark_fp(data: bytes, where: str) -> int:
    value = int.from_bytes(data, "big")
    if value >= P:
        raise DecodeError(f"{where}: x coordinate is not < p")
    return value


def _gnark_g1(data: bytes, where: str) -> G1Point:
    largest = _gnark_flag(data[0], where)
    x = _gnark_fp(bytes([data[0] & 0x3F]) + data[1:32], where)
    y = fp_sqrt(x * x * x + B1)
    if y is None:
        raise DecodeError(f"{where}: x^3 + 3 is not a square (x is not on the curve)")
    if fp_largest(y) != largest:
        y = (P - y) % P
    return G1Point(x, y)


def _gnark_g2(data: bytes, where: str) -> G2Point:
    largest = _gnark_flag(data[0], where)
    x_c1 = _gnark_fp(bytes([data[0] & 0x3F]) + data[1:32], f"{where} (x.c1)")
    x_c0 = _gnark_fp(data[32:64], f"{where} (x.c0)")
    y = f2_sqrt(g2_rhs((x_c0, x_c1)))
    if y is None:
        raise DecodeError(f"{where}: x^3 + b' is not a square in Fp2 (x is not on the twist)")
    if f2_largest(y) != largest:
        y = ((P - y[0]) % P, (P - y[1]) % P)
    point = G2Point(x_c0=x_c0, x_c1=x_c1, y_c0=y[0], y_c1=y[1])
    if not point.in_subgroup():
        raise DecodeError(f"{where}: not in the order-r subgroup")
    return point


@dataclasses.dataclass(frozen=True)
class GnarkVerifyingKey:
    """A decoded gnark VerifyingKey: the verifier's key plus the G1 points gnark also stores."""

    vk: Groth16VerifyingKey
    beta_g1: G1Point
    delta_g1: G1Point


def decode_gnark_vk(data: bytes) -> GnarkVerifyingKey:
    """Decode a gnark-crypto compressed BN254 Groth16 ``VerifyingKey`` (SP1's ``groth16_vk.bin``).

    Layout: alpha G1 (32) || beta G1 (32) || beta G2 (64) || gamma G2 (64) || delta G1 (32) ||
    delta G2 (64) || u32 nK || K[0..nK] G1 (32 each) || u32 len(PublicAndCommitmentCommitted) ||
    u32 number of commitment keys. Compressed G1 = x; compressed G2 = x.c1 || x.c0; the top two
    bits of the first byte flag the root: 10 smaller, 11 larger (G2: compared on y.c1, on y.c0
    only if y.c1 = 0), 01 infinity.

    Raises:
        ValueError: Truncated or trailing bytes, a bad flag, a coordinate >= p, an x with no
            point, a point at infinity or outside the G2 subgroup, or BSB22 commitments.
    """
    data = bytes(data)
    fixed = 32 + 32 + 64 + 64 + 32 + 64
    if len(data) < fixed + 4:
        raise DecodeError(f"gnark verifying key truncated: {len(data)} bytes")
    n_k = int.from_bytes(data[fixed : fixed + 4], "big")
    if n_k < 1:
        raise DecodeError("gnark verifying key: K (ic) is empty")
    expected = fixed + 4 + 32 * n_k + 8
    if len(data) < expected:
        raise DecodeError(
            f"gnark verifying key truncated: {len(data)} bytes, nK = {n_k} needs {expected}"
        )
    tail = data[expected - 8 : expected]
    if int.from_bytes(tail[:4], "big") != 0 or int.from_bytes(tail[4:], "big") != 0:
        raise DecodeError(
            "gnark verifying key has BSB22 commitments (PublicAndCommitmentCommitted or "
            "CommitmentKeys non-empty), which these verifiers do not support"
        )
    if len(data) != expected:
        raise DecodeError(
            f"gnark verifying key: {len(data) - expected} trailing bytes after {expected}"
        )
    k_start = fixed + 4
    return GnarkVerifyingKey(
        vk=Groth16VerifyingKey(
            alpha=_gnark_g1(data[0:32], "alpha (G1)"),
            beta=_gnark_g2(data[64:128], "beta (G2)"),
            gamma=_gnark_g2(data[128:192], "gamma (G2)"),
            delta=_gnark_g2(data[224:288], "delta (G2)"),
            ic=tuple(
                _gnark_g1(data[k_start + 32 * i : k_start + 32 * (i + 1)], f"K[{i}] (G1)")
                for i in range(n_k)
            ),
        ),
        beta_g1=_gnark_g1(data[32:64], "beta (G1)"),
        delta_g1=_gnark_g1(data[192:224], "delta (G1)"),
    )
