"""SP1 v4's Groth16 wrapper: selector, public inputs and the native program vk.

SP1 v4 proves a program run with a Groth16 proof over two public inputs: the program vkey and the
SHA-256 of the public values, masked to 253 bits. The native kind
:data:`~eip8025.groth16.layout.KIND_GROTH16_SP1_V4` takes a program vk of selector || program
vkey || VK and a proof of selector || A B C || public values, derives the inputs itself and
returns the public values.
"""

from __future__ import annotations

import hashlib
from typing import Final

from eip8025.groth16.codecs import Groth16VerifyingKey
from eip8025.groth16.layout import SELECTOR_LEN, SP1_V4_INPUTS, below_r, check_vk, exact

__all__ = ["sp1_v4_program_vk", "sp1_v4_public_inputs", "sp1_v4_selector"]

_MASK_253: Final = (1 << 253) - 1


def sp1_v4_selector(gnark_vk_bytes: bytes) -> bytes:
    """SP1's Groth16 selector: the first 4 bytes of SHA-256 of its gnark ``groth16_vk.bin``."""
    return hashlib.sha256(bytes(gnark_vk_bytes)).digest()[:SELECTOR_LEN]


def sp1_v4_public_inputs(program_vkey: bytes, public_values: bytes) -> tuple[int, int]:
    """SP1 v4's two public inputs: ``int(vkey)`` and ``int(sha256(public values)) & (2^253-1)``.

    Raises:
        ValueError: If ``program_vkey`` is not 32 bytes.
    """
    vkey = exact(program_vkey, 32, "program_vkey")
    digest = hashlib.sha256(bytes(public_values)).digest()
    return int.from_bytes(vkey, "big"), int.from_bytes(digest, "big") & _MASK_253


def sp1_v4_program_vk(vk: Groth16VerifyingKey, program_vkey: bytes, selector: bytes) -> bytes:
    """Native program vk of :data:`KIND_GROTH16_SP1_V4`: selector || program vkey || VK (n = 2).

    Raises:
        ValueError: Wrong lengths, a program vkey >= r, or a VK with n != 2.
    """
    sel = exact(selector, SELECTOR_LEN, "selector")
    vkey = below_r(exact(program_vkey, 32, "program_vkey"), "program_vkey")
    return sel + vkey + check_vk(vk, SP1_V4_INPUTS, "SP1 v4")
