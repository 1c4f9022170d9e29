"""The native Groth16 layouts of ``csrc/include/eip8025_groth16.h``, and checks on them.

The header's constants (kinds, lengths, input counts, the rejection reasons), the public-input
and proof byte layouts, and the length / range checks the program-vk builders of
:mod:`eip8025.groth16.sp1` and :mod:`eip8025.groth16.risc0` share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from eip8025 import native
from eip8025.errors import DecodeError
from eip8025.groth16.field import R

if TYPE_CHECKING:
    from eip8025.groth16.codecs import Groth16VerifyingKey

__all__ = [
    "G1_LEN",
    "G2_LEN",
    "G16_PAIRING_FAILS",
    "G16_REASONS",
    "KIND_GROTH16_RISC0_V3",
    "KIND_GROTH16_SP1_V4",
    "PROOF_LEN",
    "RISC0_V3_INPUTS",
    "SELECTOR_LEN",
    "SP1_V4_INPUTS",
    "VK_FIXED_LEN",
    "WORD_LEN",
    "below_r",
    "check_vk",
    "encode_public_inputs",
    "exact",
    "groth16_proof_bytes",
]

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

WORD_LEN: Final = 32
"""A field element or coordinate: 32 big-endian bytes."""


# ---- proofs and public inputs --------------------------------------------------------------


def encode_public_inputs(inputs: Sequence[int]) -> bytes:
    """Public inputs as the bare verifier takes them: n 32-byte big-endian words.

    Raises:
        ValueError: If an input is negative or does not fit in 32 bytes (values >= r are
            encoded as given: the verifier must reject them).
    """
    if any(not 0 <= x < 1 << 256 for x in inputs):
        raise DecodeError("public inputs must be in [0, 2^256)")
    return b"".join(x.to_bytes(WORD_LEN, "big") for x in inputs)


def groth16_proof_bytes(selector_and_proof: bytes, public_values: bytes) -> bytes:
    """A proof in the backends' layout: 260-byte selector || proof, then public values/journal.

    Raises:
        ValueError: If ``selector_and_proof`` is not 260 bytes.
    """
    head = exact(selector_and_proof, SELECTOR_LEN + PROOF_LEN, "selector || proof")
    return head + bytes(public_values)


# ---- checks shared by the program-vk builders (sp1.py, risc0.py) ------------------------------


def exact(value: bytes, length: int, name: str) -> bytes:
    """``value`` as ``bytes`` if it is exactly ``length`` bytes long.

    Raises:
        ValueError: Otherwise (the message names ``name``).
    """
    value = bytes(value)
    if len(value) != length:
        raise DecodeError(f"{name} must be {length} bytes, got {len(value)}")
    return value


def check_vk(vk: Groth16VerifyingKey, n: int, what: str) -> bytes:
    """The encoded ``vk`` if it has ``n`` public inputs (the native layout of ``what``).

    Raises:
        ValueError: If ``vk`` has another number of public inputs.
    """
    if vk.n_public != n:
        raise DecodeError(
            f"{what} needs a verifying key with {n} public inputs ({n + 1} ic points), "
            f"got {vk.n_public}"
        )
    return vk.encode()


def below_r(value: bytes, name: str) -> bytes:
    """``value`` if, read as a big-endian integer, it is < r (so a proof can bind it).

    Raises:
        ValueError: If it is not.
    """
    if int.from_bytes(value, "big") >= R:
        raise DecodeError(f"{name} is not < r, so no proof can ever bind it")
    return value
