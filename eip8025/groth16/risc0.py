"""RISC Zero v3's Groth16 wrapper: receipt-claim digests, public inputs, the native program vk.

A RISC Zero v3 Groth16 seal proves a receipt claim (image id, journal, successful halt) under a
control root, over five public inputs: the control root and the claim digest, each split into
128-bit halves, and the BN254 control id. The native kind
:data:`~eip8025.groth16.layout.KIND_GROTH16_RISC0_V3` takes a program vk of selector || image id
|| control root || BN254 control id || VK and a proof of seal || journal, derives the inputs
itself and returns the journal. The digests are RISC Zero's tagged-struct hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

from eip8025.groth16.codecs import Groth16VerifyingKey
from eip8025.groth16.layout import RISC0_V3_INPUTS, SELECTOR_LEN, below_r, check_vk, exact

__all__ = [
    "RISC0_SYSTEM_STATE_ZERO",
    "risc0_journal_digest",
    "risc0_output_digest",
    "risc0_split_digest",
    "risc0_tag",
    "risc0_v3_claim_digest",
    "risc0_v3_program_vk",
    "risc0_v3_public_inputs",
]

_MASK_128: Final = (1 << 128) - 1


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
    image = exact(image_id, 32, "image_id")
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
    value = int.from_bytes(exact(digest, 32, "digest")[::-1], "big")
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
    control_id = int.from_bytes(exact(bn254_control_id, 32, "bn254_control_id"), "big")
    return root_lo, root_hi, claim_lo, claim_hi, control_id


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
    sel = exact(selector, SELECTOR_LEN, "selector")
    image = exact(image_id, 32, "image_id")
    root = exact(control_root, 32, "control_root")
    control_id = below_r(exact(bn254_control_id, 32, "bn254_control_id"), "bn254_control_id")
    return sel + image + root + control_id + check_vk(vk, RISC0_V3_INPUTS, "RISC Zero v3")
