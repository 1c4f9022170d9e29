"""Groth16 over BN254: key and proof encodings for the built-in SP1 v4 / RISC Zero v3 verifiers.

The verification itself (pairings, subgroup checks on proofs) is done by the C extension
(kinds :data:`KIND_GROTH16_SP1_V4` and :data:`KIND_GROTH16_RISC0_V3`, see
``csrc/include/eip8025_groth16.h``). This module is the pure-Python side around it:

* BN254 points and the verifying-key byte layout the extension takes (:class:`G1Point`,
  :class:`G2Point`, :class:`Groth16VerifyingKey`), decoded from JSON or from gnark-crypto's
  compressed ``VerifyingKey`` (SP1's ``groth16_vk.bin``);
* the public inputs each wrapper binds into its proof (SP1: program vkey and the SHA-256 of the
  public values; RISC Zero: control root, receipt-claim digest and BN254 control id), so a proof
  can be checked with the bare Groth16 verifier and the hashing can be tested on its own;
* the native "program vk" of each kind (:func:`sp1_v4_program_vk`, :func:`risc0_v3_program_vk`);
* a loader of the shared Groth16 test fixtures (:func:`load_groth16_fixture`).

Byte conventions (those of the header and of EIP-197): 32-byte big-endian words; G1 = x || y;
G2 = x.c1 || x.c0 || y.c1 || y.c0, where an Fp2 element is c0 + c1*i (c0 real, c1 imaginary).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from eip8025 import native

__all__ = [
    "G1_LEN",
    "G2_LEN",
    "G16_PAIRING_FAILS",
    "G16_REASONS",
    "KIND_GROTH16_RISC0_V3",
    "KIND_GROTH16_SP1_V4",
    "PROOF_LEN",
    "RISC0_SYSTEM_STATE_ZERO",
    "RISC0_V3_INPUTS",
    "SELECTOR_LEN",
    "SP1_V4_INPUTS",
    "VK_FIXED_LEN",
    "G1Point",
    "G2Point",
    "GnarkVerifyingKey",
    "Groth16Case",
    "Groth16Fixture",
    "Groth16Proof",
    "Groth16VerifyingKey",
    "P",
    "R",
    "decode_gnark_vk",
    "encode_public_inputs",
    "groth16_proof_bytes",
    "load_groth16_fixture",
    "risc0_journal_digest",
    "risc0_output_digest",
    "risc0_split_digest",
    "risc0_tag",
    "risc0_v3_claim_digest",
    "risc0_v3_program_vk",
    "risc0_v3_public_inputs",
    "sp1_v4_program_vk",
    "sp1_v4_public_inputs",
    "sp1_v4_selector",
]

# ---- curve facts (BN254 / alt_bn128, EIP-196/197) ---------------------------------------------

P: Final = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
"""Base-field modulus p of BN254."""
R: Final = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
"""Order r of the BN254 groups (the scalar field of the Groth16 circuits)."""

_B1: Final = 3
"""G1: y^2 = x^3 + 3 over Fp."""

# ---- the header's constants (csrc/include/eip8025_groth16.h) ----------------------------------

KIND_GROTH16_SP1_V4: Final = int(native.ZkVMKind.GROTH16_SP1_V4)
"""Native kind of the SP1 v4 Groth16 verifier (``EIP8025_KIND_GROTH16_SP1_V4``)."""
KIND_GROTH16_RISC0_V3: Final = int(native.ZkVMKind.GROTH16_RISC0_V3)
"""Native kind of the RISC Zero v3 Groth16 verifier (``EIP8025_KIND_GROTH16_RISC0_V3``)."""
SELECTOR_LEN: Final = native.GROTH16_SELECTOR_SIZE
PROOF_LEN: Final = native.GROTH16_PROOF_SIZE
"""A Groth16 proof without selector: A (G1) || B (G2) || C (G1)."""
VK_FIXED_LEN: Final = 448
"""alpha (G1) + beta, gamma, delta (G2) of a verifying key."""
G1_LEN: Final = 64
G2_LEN: Final = 128
SP1_V4_INPUTS: Final = 2
RISC0_V3_INPUTS: Final = 5

G16_PAIRING_FAILS: Final = "pairing_check_fails"
G16_REASONS: Final = frozenset(
    {
        "ok",
        "wrong_length",
        "selector_mismatch",
        "coordinate_not_less_than_p",
        "a_not_on_curve",
        "b_not_on_curve",
        "c_not_on_curve",
        "b_not_in_subgroup",
        "point_at_infinity",
        "public_input_not_less_than_r",
        "wrong_public_input_count",
        "bad_verifying_key",
        G16_PAIRING_FAILS,
    }
)
"""The reason strings the native verifier reports (``NativeError.reason``)."""

_WORD = 32
_MASK_253 = (1 << 253) - 1
_MASK_128 = (1 << 128) - 1

# ---- Fp and Fp2 arithmetic (affine, Python ints) ----------------------------------------------

_Fp2 = tuple[int, int]


def _fp_sqrt(a: int) -> int | None:
    """A square root of ``a`` mod p, or None if ``a`` is a non-residue (p = 3 mod 4)."""
    a %= P
    root = pow(a, (P + 1) // 4, P)
    return root if root * root % P == a else None


def _fp_largest(a: int) -> bool:
    """Gnark's ``LexicographicallyLargest`` on Fp: ``a > (p - 1) / 2``."""
    return a > (P - 1) // 2


def _f2_add(a: _Fp2, b: _Fp2) -> _Fp2:
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def _f2_sub(a: _Fp2, b: _Fp2) -> _Fp2:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def _f2_mul(a: _Fp2, b: _Fp2) -> _Fp2:
    return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)


def _f2_sqr(a: _Fp2) -> _Fp2:
    return _f2_mul(a, a)


def _f2_inv(a: _Fp2) -> _Fp2:
    norm_inv = pow((a[0] * a[0] + a[1] * a[1]) % P, -1, P)
    return (a[0] * norm_inv % P, -a[1] * norm_inv % P)


def _f2_sqrt(a: _Fp2) -> _Fp2 | None:
    """A square root of ``a`` in Fp2 = Fp[i]/(i^2 + 1), or None if there is none.

    With a = a0 + a1*i and a root x0 + x1*i: x0^2 - x1^2 = a0 and 2*x0*x1 = a1, so
    x0^2 = (a0 + n) / 2 with n^2 = a0^2 + a1^2 (the norm must be a square in Fp), choosing the
    sign of n that makes (a0 + n) / 2 a square, then x1 = a1 / (2*x0). The result is checked.
    """
    a0, a1 = a[0] % P, a[1] % P
    if a1 == 0:
        root = _fp_sqrt(a0)
        if root is not None:
            return (root, 0)
        # a0 is a non-residue and so is -1 (p = 3 mod 4): -a0 is a square, and (i*y)^2 = -y^2.
        root = _fp_sqrt(-a0)
        return None if root is None else (0, root)
    norm_root = _fp_sqrt(a0 * a0 + a1 * a1)
    if norm_root is None:
        return None
    half = pow(2, -1, P)
    x0 = _fp_sqrt((a0 + norm_root) * half)
    if x0 is None:
        x0 = _fp_sqrt((a0 - norm_root) * half)
    if x0 is None or x0 == 0:
        return None
    x1 = a1 * pow(2 * x0, -1, P) % P
    candidate = (x0, x1)
    return candidate if _f2_sqr(candidate) == (a0, a1) else None


def _f2_largest(a: _Fp2) -> bool:
    """Gnark's ``E2.LexicographicallyLargest``: compare c1 first, c0 only when c1 is zero."""
    return _fp_largest(a[0]) if a[1] == 0 else _fp_largest(a[1])


_B2: Final[_Fp2] = _f2_mul((3, 0), _f2_inv((9, 1)))
"""G2 (the twist): y^2 = x^3 + 3/(9 + i) over Fp2."""


def _g2_rhs(x: _Fp2) -> _Fp2:
    return _f2_add(_f2_mul(_f2_sqr(x), x), _B2)


# ---- points --------------------------------------------------------------------------------


def _word(value: int) -> bytes:
    return value.to_bytes(_WORD, "big")


def _parse_int(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a 0x-prefixed hex string or an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.startswith(("0x", "0X")):
        try:
            number = int(value[2:], 16)
        except ValueError:
            raise ValueError(f"{where}: invalid hex {value!r}") from None
    else:
        raise ValueError(f"{where}: expected a 0x-prefixed hex string or an integer")
    if not 0 <= number < P:
        raise ValueError(f"{where}: coordinate is not < p")
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
            raise ValueError(f"a G1 point is {G1_LEN} bytes, got {len(data)}")
        return cls(int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big"))

    def is_on_curve(self) -> bool:
        """True iff both coordinates are < p and ``y^2 = x^3 + 3`` (G1 has cofactor 1)."""
        if not (0 <= self.x < P and 0 <= self.y < P):
            return False
        return (self.y * self.y - self.x * self.x * self.x - _B1) % P == 0

    @classmethod
    def from_json(cls, obj: Any, where: str = "g1") -> G1Point:
        """Parse ``{"x": "0x..", "y": "0x.."}`` and check the point is on the curve.

        Raises:
            ValueError: Missing key, bad number, coordinate >= p, or not on the curve.
        """
        if not isinstance(obj, Mapping) or not {"x", "y"} <= set(obj):
            raise ValueError(f"{where}: expected an object with keys x and y")
        point = cls(_parse_int(obj["x"], f"{where}.x"), _parse_int(obj["y"], f"{where}.y"))
        if not point.is_on_curve():
            raise ValueError(f"{where}: not on the curve y^2 = x^3 + 3")
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
            raise ValueError(f"a G2 point is {G2_LEN} bytes, got {len(data)}")
        w = [int.from_bytes(data[i : i + 32], "big") for i in range(0, G2_LEN, 32)]
        return cls(x_c0=w[1], x_c1=w[0], y_c0=w[3], y_c1=w[2])

    def _coords(self) -> tuple[_Fp2, _Fp2]:
        return (self.x_c0, self.x_c1), (self.y_c0, self.y_c1)

    def is_on_curve(self) -> bool:
        """True iff every coordinate is < p and ``y^2 = x^3 + 3/(9 + i)``."""
        if not all(0 <= c < P for c in (self.x_c0, self.x_c1, self.y_c0, self.y_c1)):
            return False
        x, y = self._coords()
        return _f2_sqr(y) == _g2_rhs(x)

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
            raise ValueError(f"{where}: expected {{x: {{c0, c1}}, y: {{c0, c1}}}}") from None
        names = ("x.c0", "x.c1", "y.c0", "y.c1")
        point = cls(*(_parse_int(v, f"{where}.{n}") for v, n in zip(raw, names, strict=True)))
        if not point.is_on_curve():
            raise ValueError(f"{where}: not on the twist y^2 = x^3 + 3/(9+i)")
        if not point.in_subgroup():
            raise ValueError(f"{where}: not in the order-r subgroup")
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
            raise ValueError(f"a Groth16 proof is {PROOF_LEN} bytes, got {len(data)}")
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
            raise ValueError(
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
            raise ValueError("verifying_key: expected an object")
        missing = [k for k in ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "ic") if k not in obj]
        if missing:
            raise ValueError(f"verifying_key: missing keys {missing}")
        ic = obj["ic"]
        if not isinstance(ic, list) or not ic:
            raise ValueError("verifying_key.ic: expected a non-empty list of G1 points")
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
        """Decode a gnark-crypto compressed BN254 ``VerifyingKey`` (see :func:`decode_gnark_vk`).

        Raises:
            ValueError: See :func:`decode_gnark_vk`.
        """
        return decode_gnark_vk(data).vk


# ---- gnark-crypto compressed encoding -----------------------------------------------------------

_FLAG_MASK: Final = 0b11 << 6
_FLAG_SMALLEST: Final = 0b10 << 6
_FLAG_LARGEST: Final = 0b11 << 6
_FLAG_INFINITY: Final = 0b01 << 6


def _gnark_flag(first: int, where: str) -> bool:
    """The flag of a compressed point: True for "larger root"; raise on anything else."""
    flag = first & _FLAG_MASK
    if flag == _FLAG_INFINITY:
        raise ValueError(f"{where}: point at infinity (not allowed in a verifying key)")
    if flag not in (_FLAG_SMALLEST, _FLAG_LARGEST):
        raise ValueError(f"{where}: flag bits 0b00 (uncompressed) in a compressed key")
    return flag == _FLAG_LARGEST


def _gnark_fp(data: bytes, where: str) -> int:
    value = int.from_bytes(data, "big")
    if value >= P:
        raise ValueError(f"{where}: x coordinate is not < p")
    return value


def _gnark_g1(data: bytes, where: str) -> G1Point:
    largest = _gnark_flag(data[0], where)
    x = _gnark_fp(bytes([data[0] & 0x3F]) + data[1:32], where)
    y = _fp_sqrt(x * x * x + _B1)
    if y is None:
        raise ValueError(f"{where}: x^3 + 3 is not a square (x is not on the curve)")
    if _fp_largest(y) != largest:
        y = (P - y) % P
    return G1Point(x, y)


def _gnark_g2(data: bytes, where: str) -> G2Point:
    largest = _gnark_flag(data[0], where)
    x_c1 = _gnark_fp(bytes([data[0] & 0x3F]) + data[1:32], f"{where} (x.c1)")
    x_c0 = _gnark_fp(data[32:64], f"{where} (x.c0)")
    y = _f2_sqrt(_g2_rhs((x_c0, x_c1)))
    if y is None:
        raise ValueError(f"{where}: x^3 + b' is not a square in Fp2 (x is not on the twist)")
    if _f2_largest(y) != largest:
        y = ((P - y[0]) % P, (P - y[1]) % P)
    point = G2Point(x_c0=x_c0, x_c1=x_c1, y_c0=y[0], y_c1=y[1])
    if not point.in_subgroup():
        raise ValueError(f"{where}: not in the order-r subgroup")
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
        raise ValueError(f"gnark verifying key truncated: {len(data)} bytes")
    n_k = int.from_bytes(data[fixed : fixed + 4], "big")
    if n_k < 1:
        raise ValueError("gnark verifying key: K (ic) is empty")
    expected = fixed + 4 + 32 * n_k + 8
    if len(data) < expected:
        raise ValueError(
            f"gnark verifying key truncated: {len(data)} bytes, nK = {n_k} needs {expected}"
        )
    tail = data[expected - 8 : expected]
    if int.from_bytes(tail[:4], "big") != 0 or int.from_bytes(tail[4:], "big") != 0:
        raise ValueError(
            "gnark verifying key has BSB22 commitments (PublicAndCommitmentCommitted or "
            "CommitmentKeys non-empty), which these verifiers do not support"
        )
    if len(data) != expected:
        raise ValueError(
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


# ---- public inputs ---------------------------------------------------------------------------


def _exact(value: bytes, length: int, name: str) -> bytes:
    value = bytes(value)
    if len(value) != length:
        raise ValueError(f"{name} must be {length} bytes, got {len(value)}")
    return value


def encode_public_inputs(inputs: Sequence[int]) -> bytes:
    """Public inputs as the bare verifier takes them: n 32-byte big-endian words.

    Raises:
        ValueError: If an input is negative or does not fit in 32 bytes (values >= r are
            encoded as given: the verifier must reject them).
    """
    if any(not 0 <= x < 1 << 256 for x in inputs):
        raise ValueError("public inputs must be in [0, 2^256)")
    return b"".join(_word(x) for x in inputs)


def sp1_v4_selector(gnark_vk_bytes: bytes) -> bytes:
    """SP1's Groth16 selector: the first 4 bytes of SHA-256 of its gnark ``groth16_vk.bin``."""
    return hashlib.sha256(bytes(gnark_vk_bytes)).digest()[:SELECTOR_LEN]


def sp1_v4_public_inputs(program_vkey: bytes, public_values: bytes) -> tuple[int, int]:
    """SP1 v4's two public inputs: ``int(vkey)`` and ``int(sha256(public values)) & (2^253-1)``.

    Raises:
        ValueError: If ``program_vkey`` is not 32 bytes.
    """
    vkey = _exact(program_vkey, 32, "program_vkey")
    digest = hashlib.sha256(bytes(public_values)).digest()
    return int.from_bytes(vkey, "big"), int.from_bytes(digest, "big") & _MASK_253


def risc0_tag(name: str) -> bytes:
    """RISC Zero's tag of a tagged struct: ``sha256(ascii name)``."""
    return hashlib.sha256(name.encode("ascii")).digest()


def _risc0_tagged(name: str, digests: Sequence[bytes], data: bytes = b"") -> bytes:
    """``sha256(tag || digests || data || u16_le(len(digests)))`` (RISC Zero ``tagged_struct``)."""
    body = b"".join(digests)
    return hashlib.sha256(
        risc0_tag(name) + body + data + len(digests).to_bytes(2, "little")
    ).digest()


RISC0_SYSTEM_STATE_ZERO: Final = _risc0_tagged("risc0.SystemState", [b"\x00" * 32], b"\x00" * 4)
"""Digest of the zero ``SystemState`` (the post-state of a successful halt)."""


def risc0_journal_digest(journal: bytes) -> bytes:
    """``sha256(journal)``."""
    return hashlib.sha256(bytes(journal)).digest()


def risc0_output_digest(journal: bytes) -> bytes:
    """Digest of ``Output {journal, assumptions: []}`` (tag ``risc0.Output``, two digests)."""
    return _risc0_tagged("risc0.Output", [risc0_journal_digest(journal), b"\x00" * 32])


def risc0_v3_claim_digest(image_id: bytes, journal: bytes) -> bytes:
    """The ``ReceiptClaim`` digest of a successful halt of ``image_id`` with ``journal``.

    ``sha256(tag("risc0.ReceiptClaim") || 0^32 (input) || image_id || SYSTEM_STATE_ZERO ||
    output_digest || u32 0 (Halted) || u32 0 (user exit code) || 04 00)``.

    Raises:
        ValueError: If ``image_id`` is not 32 bytes.
    """
    image = _exact(image_id, 32, "image_id")
    return _risc0_tagged(
        "risc0.ReceiptClaim",
        [b"\x00" * 32, image, RISC0_SYSTEM_STATE_ZERO, risc0_output_digest(journal)],
        b"\x00" * 8,
    )


def risc0_split_digest(digest: bytes) -> tuple[int, int]:
    """Split a digest into two 128-bit field elements, ``(lo, hi)``, as RISC Zero does.

    ``v = int.from_bytes(reversed(digest), "big")``, ``lo = v mod 2^128``, ``hi = v >> 128``.

    Raises:
        ValueError: If ``digest`` is not 32 bytes.
    """
    value = int.from_bytes(_exact(digest, 32, "digest")[::-1], "big")
    return value & _MASK_128, value >> 128


def risc0_v3_public_inputs(
    control_root: bytes, bn254_control_id: bytes, claim_digest: bytes
) -> tuple[int, int, int, int, int]:
    """RISC Zero v3's five public inputs.

    ``[lo(control_root), hi(control_root), lo(claim), hi(claim), int(bn254_control_id)]``, the
    control id read big-endian as written in risc0-ethereum's ``ControlID.sol``.

    Raises:
        ValueError: If an argument is not 32 bytes.
    """
    root_lo, root_hi = risc0_split_digest(control_root)
    claim_lo, claim_hi = risc0_split_digest(claim_digest)
    control_id = int.from_bytes(_exact(bn254_control_id, 32, "bn254_control_id"), "big")
    return root_lo, root_hi, claim_lo, claim_hi, control_id


# ---- native program vks and proofs ----------------------------------------------------------


def _check_vk(vk: Groth16VerifyingKey, n: int, what: str) -> bytes:
    if vk.n_public != n:
        raise ValueError(
            f"{what} needs a verifying key with {n} public inputs ({n + 1} ic points), "
            f"got {vk.n_public}"
        )
    return vk.encode()


def _below_r(value: bytes, name: str) -> bytes:
    if int.from_bytes(value, "big") >= R:
        raise ValueError(f"{name} is not < r, so no proof can ever bind it")
    return value


def sp1_v4_program_vk(vk: Groth16VerifyingKey, program_vkey: bytes, selector: bytes) -> bytes:
    """Native program vk of :data:`KIND_GROTH16_SP1_V4`: selector || program vkey || VK (n = 2).

    Raises:
        ValueError: Wrong lengths, a program vkey >= r, or a VK with n != 2.
    """
    sel = _exact(selector, SELECTOR_LEN, "selector")
    vkey = _below_r(_exact(program_vkey, 32, "program_vkey"), "program_vkey")
    return sel + vkey + _check_vk(vk, SP1_V4_INPUTS, "SP1 v4")


def risc0_v3_program_vk(
    vk: Groth16VerifyingKey,
    selector: bytes,
    image_id: bytes,
    control_root: bytes,
    bn254_control_id: bytes,
) -> bytes:
    """Native program vk of :data:`KIND_GROTH16_RISC0_V3`.

    selector || image id || control root || BN254 control id || VK (n = 5).

    Raises:
        ValueError: Wrong lengths, a BN254 control id >= r, or a VK with n != 5.
    """
    sel = _exact(selector, SELECTOR_LEN, "selector")
    image = _exact(image_id, 32, "image_id")
    root = _exact(control_root, 32, "control_root")
    control_id = _below_r(_exact(bn254_control_id, 32, "bn254_control_id"), "bn254_control_id")
    return sel + image + root + control_id + _check_vk(vk, RISC0_V3_INPUTS, "RISC Zero v3")


def groth16_proof_bytes(selector_and_proof: bytes, public_values: bytes) -> bytes:
    """A proof in the backends' layout: 260-byte selector || proof, then public values/journal.

    Raises:
        ValueError: If ``selector_and_proof`` is not 260 bytes.
    """
    head = _exact(selector_and_proof, SELECTOR_LEN + PROOF_LEN, "selector || proof")
    return head + bytes(public_values)


# ---- fixtures --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Groth16Case:
    """One fixture case, ready for the native verifier of ``kind``.

    Attributes:
        name: ``"valid"`` for the positive case, else the fixture's negative-case name.
        kind: :data:`KIND_GROTH16_SP1_V4` or :data:`KIND_GROTH16_RISC0_V3`.
        program_vk: The native program vk, built from this case's own vkey / image id.
        proof: 260-byte selector || proof, then the public values (SP1) / journal (RISC Zero).
        expected: True iff the verifier must accept.
        failure_reason: The reason a rejection must carry (None for the positive case).
        public_values: What the verifier returns on acceptance (public values / journal).
        program_id: The SP1 program vkey or the RISC Zero image id of this case.
        public_inputs: The fixture's stored public inputs (None where it stores none).
        claim_digest: RISC Zero: the fixture's stored claim digest (None for SP1).
        description: The fixture's description of the case.
    """

    name: str
    kind: int
    program_vk: bytes
    proof: bytes
    expected: bool
    failure_reason: str | None
    public_values: bytes
    program_id: bytes
    public_inputs: tuple[int, ...] | None = None
    claim_digest: bytes | None = None
    description: str = ""

    @property
    def selector(self) -> bytes:
        """The proof's 4-byte selector."""
        return self.proof[:SELECTOR_LEN]

    @property
    def groth16_proof(self) -> bytes:
        """The 256 proof bytes after the selector (what the bare verifier takes)."""
        return self.proof[SELECTOR_LEN : SELECTOR_LEN + PROOF_LEN]

    @property
    def expected_status(self) -> str | None:
        """The native status a rejection must have (None for a case that must verify).

        ``VERIFY`` for a failed pairing check, ``DECODE_PROOF`` for every other reason.
        """
        if self.expected:
            return None
        return "VERIFY" if self.failure_reason == G16_PAIRING_FAILS else "DECODE_PROOF"


@dataclasses.dataclass(frozen=True)
class Groth16Fixture:
    """A loaded Groth16 fixture file (SP1 v4 or RISC Zero v3)."""

    name: str
    kind: int
    vk: Groth16VerifyingKey
    selector: bytes
    cases: tuple[Groth16Case, ...]
    control_root: bytes | None = None
    bn254_control_id: bytes | None = None

    @property
    def valid_case(self) -> Groth16Case:
        """The positive case."""
        return next(case for case in self.cases if case.expected)


def _hex_field(obj: Mapping[str, Any], key: str, where: str, length: int | None = None) -> bytes:
    if key not in obj:
        raise ValueError(f"{where}: missing key {key!r}")
    value = obj[key]
    if not isinstance(value, str) or not value.startswith("0x"):
        raise ValueError(f"{where}.{key}: expected a 0x-prefixed hex string")
    try:
        data = bytes.fromhex(value[2:])
    except ValueError:
        raise ValueError(f"{where}.{key}: invalid hex") from None
    if length is not None and len(data) != length:
        raise ValueError(f"{where}.{key}: expected {length} bytes, got {len(data)}")
    return data


def _object(obj: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = obj.get(key)
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: missing object {key!r}")
    return value


def _stored_inputs(obj: Mapping[str, Any], where: str) -> tuple[int, ...] | None:
    raw = obj.get("public_inputs")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ValueError(f"{where}.public_inputs: expected a list")
    inputs = []
    for i, value in enumerate(raw):
        if not isinstance(value, str) or not value.startswith("0x"):
            raise ValueError(f"{where}.public_inputs[{i}]: expected a 0x-prefixed hex string")
        inputs.append(int(value, 16))
    return tuple(inputs)


def _negative_fields(raw: Any, where: str) -> tuple[str, str, str]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected an object")
    name, reason = raw.get("name"), raw.get("failure_reason")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}.name: expected a string")
    if raw.get("expected") is not False:
        raise ValueError(f"{where} ({name}): a negative case must have expected: false")
    if not isinstance(reason, str):
        raise ValueError(f"{where} ({name}): failure_reason must be a string")
    return name, reason, str(raw.get("description", ""))


def _load_sp1(data: Mapping[str, Any]) -> Groth16Fixture:
    vk = Groth16VerifyingKey.from_json(data["verifying_key"])
    selector = _hex_field(data["verifying_key"], "selector", "verifying_key", SELECTOR_LEN)
    fixture = _object(data, "fixture", "sp1 fixture")

    def case(
        raw: Mapping[str, Any], where: str, name: str, reason: str | None, text: str
    ) -> Groth16Case:
        vkey = _hex_field(raw, "vkey", where, 32)
        public_values = _hex_field(raw, "publicValues", where)
        proof = _hex_field(raw, "proof", where, SELECTOR_LEN + PROOF_LEN)
        return Groth16Case(
            name=name,
            kind=KIND_GROTH16_SP1_V4,
            program_vk=sp1_v4_program_vk(vk, vkey, selector),
            proof=groth16_proof_bytes(proof, public_values),
            expected=reason is None,
            failure_reason=reason,
            public_values=public_values,
            program_id=vkey,
            public_inputs=_stored_inputs(raw, where),
            description=text,
        )

    cases = [
        case(
            {**fixture, "public_inputs": data.get("public_inputs")},
            "fixture",
            "valid",
            None,
            str(data.get("description", "")),
        )
    ]
    for i, raw in enumerate(data.get("negative_cases", [])):
        where = f"negative_cases[{i}]"
        name, reason, text = _negative_fields(raw, where)
        cases.append(case(raw, where, name, reason, text))
    return Groth16Fixture(
        name=str(data.get("name", "sp1_v4_groth16")),
        kind=KIND_GROTH16_SP1_V4,
        vk=vk,
        selector=selector,
        cases=tuple(cases),
    )


def _load_risc0(data: Mapping[str, Any]) -> Groth16Fixture:
    vk = Groth16VerifyingKey.from_json(data["verifying_key"])
    params = _object(data, "parameters", "risc0 fixture")
    selector = _hex_field(params, "selector", "parameters", SELECTOR_LEN)
    control_root = _hex_field(params, "control_root", "parameters", 32)
    control_id = _hex_field(params, "bn254_control_id", "parameters", 32)
    receipt = _object(data, "receipt", "risc0 fixture")

    def case(
        raw: Mapping[str, Any], where: str, name: str, reason: str | None, text: str
    ) -> Groth16Case:
        image_id = _hex_field(raw, "image_id", where, 32)
        journal = _hex_field(raw, "journal_hex", where)
        seal = _hex_field(raw, "seal", where, SELECTOR_LEN + PROOF_LEN)
        claim = raw.get("claim_digest")
        return Groth16Case(
            name=name,
            kind=KIND_GROTH16_RISC0_V3,
            program_vk=risc0_v3_program_vk(vk, selector, image_id, control_root, control_id),
            proof=groth16_proof_bytes(seal, journal),
            expected=reason is None,
            failure_reason=reason,
            public_values=journal,
            program_id=image_id,
            public_inputs=_stored_inputs(raw, where),
            claim_digest=None if claim is None else _hex_field(raw, "claim_digest", where, 32),
            description=text,
        )

    digests = data.get("intermediate_digests", {})
    positive = {
        **receipt,
        "public_inputs": data.get("public_inputs"),
        "claim_digest": digests.get("claim_digest") if isinstance(digests, Mapping) else None,
    }
    cases = [case(positive, "receipt", "valid", None, str(data.get("description", "")))]
    for i, raw in enumerate(data.get("negative_cases", [])):
        where = f"negative_cases[{i}]"
        name, reason, text = _negative_fields(raw, where)
        cases.append(case(raw, where, name, reason, text))
    return Groth16Fixture(
        name=str(data.get("name", "risc0_v3_groth16")),
        kind=KIND_GROTH16_RISC0_V3,
        vk=vk,
        selector=selector,
        cases=tuple(cases),
        control_root=control_root,
        bn254_control_id=control_id,
    )


def load_groth16_fixture(path: str | Path) -> Groth16Fixture:
    """Load an SP1 v4 or RISC Zero v3 Groth16 fixture file (``shared/fixtures/groth16``).

    The kind is recognised from the file's structure (SP1: ``fixture`` + ``verifying_key``;
    RISC Zero: ``receipt`` + ``parameters`` + ``verifying_key``). The VK comes from the JSON; each
    case's program vk is built from its own vkey / image id, and its proof is the 260-byte
    selector || proof followed by its public values / journal. Case ``"valid"`` comes first.

    Raises:
        OSError: The file cannot be read.
        ValueError: Not JSON, not a recognised fixture, or a malformed field (message names it).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    try:
        if isinstance(data, Mapping) and "verifying_key" in data:
            if "fixture" in data:
                return _load_sp1(data)
            if "receipt" in data and "parameters" in data:
                return _load_risc0(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    raise ValueError(
        f"{path}: not a Groth16 fixture (expected SP1 'fixture' or RISC Zero 'receipt' + "
        "'parameters', and 'verifying_key')"
    )
