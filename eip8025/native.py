"""Typed Python face of the C extension :mod:`eip8025._native`.

What the extension provides:

* :func:`hash_layer`: SHA-256 of every 64-byte message of a buffer, i.e. one SSZ merkle layer,
  with SHA-NI when the CPU has it. :func:`install_merkleizer` (called when :mod:`eip8025` is
  imported) makes :mod:`eip8025.ssz.merkle` use it.
* :class:`Verifier`: a proof verifier speaking the C ABI of eth-act/ere's ``ere-verifier-c``
  (``csrc/include/ere_verifier.h``), either built in or loaded from a shared library.
* :class:`Prover`: a prover speaking eip8025's own prover C ABI
  (``csrc/include/eip8025_prover.h``), built in or loaded from a shared library.
* :class:`NativeError`: raised for every native status other than OK; ``.code`` is the number,
  ``.status`` its name (:class:`Status`), ``.library`` the library path or None, ``.reason`` a
  machine-readable cause (e.g. ``"pairing_check_fails"``) where the backend gives one.
* BN254 (alt_bn128): :func:`bn254_add`, :func:`bn254_mul`, :func:`bn254_pairing_check` with
  EIP-196 / EIP-197 semantics, :func:`bn254_g2_in_subgroup` and :func:`groth16_verify`; the
  built-in Groth16 verifier kinds :attr:`ZkVMKind.GROTH16_SP1_V4` and
  :attr:`ZkVMKind.GROTH16_RISC0_V3` verify REAL SP1 v4 / RISC Zero v3 Groth16 proofs (layouts:
  ``csrc/include/eip8025_groth16.h``).

.. warning::
   The built-in backends, :attr:`ZkVMKind.MOCK` and :attr:`ZkVMKind.ZKBOOST_MOCK`, are **NOT
   zero-knowledge proofs and not proofs of anything**: anyone who knows the program vk can make a
   mock proof for any public values, and anyone at all can make a zkboost-mock proof. They exist
   for tests and devnets. Real zkVM kinds (OpenVM, SP1, ZisK) need an ``ere-verifier-c`` library
   passed as ``library=``; the built-in table refuses them with status ``BAD_KIND``, so a missing
   library can never silently turn into a mock.

There is deliberately no pure-Python fallback: if the extension cannot be imported the install is
broken and importing this module (and so :mod:`eip8025`) raises :class:`ImportError`.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Final

from eip8025.errors import DecodeError

try:
    from eip8025 import _native
except ImportError as exc:
    raise ImportError(
        "eip8025._native, the C extension of eip8025, cannot be imported, so this eip8025 install "
        f"is broken ({exc}). Rebuild it with `pip install -e '.[test]'` (needs a C compiler and "
        "the Python headers); eip8025 has deliberately no pure-Python fallback."
    ) from exc

from eip8025.ssz import merkle

__all__ = [
    "ABI_VERSION",
    "GROTH16_PROOF_SIZE",
    "GROTH16_SELECTOR_SIZE",
    "MOCK_DEFAULT_PROOF_SIZE",
    "SHA256_IMPL",
    "NativeError",
    "Prover",
    "Status",
    "Verifier",
    "ZkVMKind",
    "bn254_add",
    "bn254_g2_in_subgroup",
    "bn254_mul",
    "bn254_pairing_check",
    "get_hash_threads",
    "groth16_verify",
    "hash_layer",
    "install_merkleizer",
    "merkleizer_installed",
    "set_hash_threads",
    "zkboost_mock_public_values",
]

NativeError = _native.NativeError
Verifier = _native.Verifier
Prover = _native.Prover
hash_layer = _native.hash_layer
get_hash_threads = _native.get_hash_threads
set_hash_threads = _native.set_hash_threads
bn254_add = _native.bn254_add
bn254_g2_in_subgroup = _native.bn254_g2_in_subgroup
bn254_mul = _native.bn254_mul
bn254_pairing_check = _native.bn254_pairing_check
groth16_verify = _native.groth16_verify

ABI_VERSION: Final = _native.ABI_VERSION
"""Version of the eip8025 prover C ABI this build speaks (``EIP8025_PROVER_ABI_VERSION``)."""
SHA256_IMPL: Final = _native.SHA256_IMPL
"""``"sha-ni"`` or ``"portable"``: the SHA-256 :func:`hash_layer` uses on this CPU."""
GROTH16_PROOF_SIZE: Final = _native.GROTH16_PROOF_SIZE
"""Size of a Groth16 proof over BN254 without its 4-byte selector (A, B, C: 256 bytes)."""
GROTH16_SELECTOR_SIZE: Final = _native.GROTH16_SELECTOR_SIZE
"""Size of the selector before an SP1 / RISC Zero Groth16 proof (4 bytes)."""
MOCK_DEFAULT_PROOF_SIZE: Final = _native.MOCK_DEFAULT_PROOF_SIZE
"""Default total size of a built-in mock proof (128 KiB, as zkboost's ``mock_proof_size``)."""


class ZkVMKind(enum.IntEnum):
    """zkVM kind ids passed to :class:`Verifier` and :class:`Prover`.

    ``OPENVM``, ``SP1`` and ``ZISK`` are ere's ``zkVMKind`` ids (ere v0.14.0 to v0.16.2; ere
    v0.12/v0.13 numbered them differently and the ABI cannot tell). ``MOCK`` and
    ``ZKBOOST_MOCK`` are eip8025's built-in mock backends, numbered from 0x100 so they can never
    be mistaken for a real kind. NOT zero-knowledge. ``GROTH16_SP1_V4`` (0x110) and
    ``GROTH16_RISC0_V3`` (0x111) are built-in, verify-only backends for REAL Groth16-wrapped SP1
    v4 / RISC Zero v3 proofs.
    """

    OPENVM = _native.KIND_OPENVM
    SP1 = _native.KIND_SP1
    ZISK = _native.KIND_ZISK
    MOCK = _native.KIND_MOCK
    ZKBOOST_MOCK = _native.KIND_ZKBOOST_MOCK
    GROTH16_SP1_V4 = _native.KIND_GROTH16_SP1_V4
    GROTH16_RISC0_V3 = _native.KIND_GROTH16_RISC0_V3


class Status(enum.IntEnum):
    """Native status codes carried by :attr:`NativeError.code`.

    0 to 6 are ere-verifier-c's codes (the prover ABI reuses them), 7 is the prover ABI's
    ``DECODE_INPUT``; 100 and up are loader failures raised by the extension itself.
    """

    OK = _native.OK
    NULL_PTR = _native.ERR_NULL_PTR
    BAD_KIND = _native.ERR_BAD_KIND
    DECODE_PROGRAM_VK = _native.ERR_DECODE_PROGRAM_VK
    DECODE_PROOF = _native.ERR_DECODE_PROOF
    VERIFY = _native.ERR_VERIFY
    INTERNAL = _native.ERR_INTERNAL
    DECODE_INPUT = _native.ERR_DECODE_INPUT
    LIBRARY_LOAD = _native.ERR_LIBRARY_LOAD
    MISSING_SYMBOL = _native.ERR_MISSING_SYMBOL
    ABI_MISMATCH = _native.ERR_ABI_MISMATCH


def install_merkleizer() -> None:
    """Make :mod:`eip8025.ssz.merkle` hash its layers with the native :func:`hash_layer`."""
    merkle.set_layer_hasher(_native.hash_layer)


def merkleizer_installed() -> bool:
    """Return True if :mod:`eip8025.ssz.merkle` currently uses the native layer hasher."""
    return merkle.get_layer_hasher() is _native.hash_layer


def zkboost_mock_public_values(
    new_payload_request_root: bytes, successful_validation: bool = True
) -> bytes:
    """Public values a zkboost v0.7 mock proof carries for a payload root.

    ``SHA-256(new_payload_request_root || successful_validation)``: the SHA-256 of the 33-byte
    ``StatelessValidatorOutput`` of ere-guests v0.10. zkboost's verifier accepts a mock proof
    iff its first 32 bytes equal this value with ``successful_validation=True``.
    NOT a zero-knowledge proof of anything.

    Raises:
        ValueError: If the root is not 32 bytes.
    """
    root = bytes(new_payload_request_root)
    if len(root) != 32:
        raise DecodeError(f"new_payload_request_root must be 32 bytes, got {len(root)}")
    flag = b"\x01" if successful_validation else b"\x00"
    return hashlib.sha256(root + flag).digest()
