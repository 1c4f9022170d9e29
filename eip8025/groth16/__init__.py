"""Groth16 over BN254: key and proof encodings for the built-in SP1 v4 / RISC Zero v3 verifiers.

The verification itself (pairings, subgroup checks on proofs) is done by the C extension
(kinds :data:`KIND_GROTH16_SP1_V4` and :data:`KIND_GROTH16_RISC0_V3`, see
``csrc/include/eip8025_groth16.h``). This package is the pure-Python side around it, one module
per concern:

* :mod:`.field`: Fp / Fp2 square roots and the curve equations (for point decompression);
* :mod:`.layout`: the header's constants and byte layouts (public inputs, proofs);
* :mod:`.codecs`: BN254 points, proofs and the verifying-key layout the extension takes
  (:class:`G1Point`, :class:`G2Point`, :class:`Groth16Proof`, :class:`Groth16VerifyingKey`),
  parsed from JSON;
* :mod:`.gnark`: gnark-crypto's compressed ``VerifyingKey`` (SP1's ``groth16_vk.bin``);
* :mod:`.sp1` and :mod:`.risc0`: the public inputs each wrapper binds into its proof (SP1: program
  vkey and the SHA-256 of the public values; RISC Zero: control root, receipt-claim digest and
  BN254 control id), so a proof can be checked with the bare Groth16 verifier and the hashing can
  be tested on its own, and the native "program vk" of each kind.

The loader of the shared Groth16 test fixtures is test tooling, in
:mod:`eip8025_spec_tests.groth16_fixtures`.

Byte conventions (those of the header and of EIP-197): 32-byte big-endian words; G1 = x || y;
G2 = x.c1 || x.c0 || y.c1 || y.c0, where an Fp2 element is c0 + c1*i (c0 real, c1 imaginary).
"""

from __future__ import annotations

from eip8025.groth16.codecs import G1Point, G2Point, Groth16Proof, Groth16VerifyingKey
from eip8025.groth16.field import P, R
from eip8025.groth16.gnark import GnarkVerifyingKey, decode_gnark_vk
from eip8025.groth16.layout import (
    G1_LEN,
    G2_LEN,
    G16_PAIRING_FAILS,
    G16_REASONS,
    KIND_GROTH16_RISC0_V3,
    KIND_GROTH16_SP1_V4,
    PROOF_LEN,
    RISC0_V3_INPUTS,
    SELECTOR_LEN,
    SP1_V4_INPUTS,
    VK_FIXED_LEN,
    encode_public_inputs,
    groth16_proof_bytes,
)
from eip8025.groth16.risc0 import (
    RISC0_SYSTEM_STATE_ZERO,
    risc0_journal_digest,
    risc0_output_digest,
    risc0_split_digest,
    risc0_tag,
    risc0_v3_claim_digest,
    risc0_v3_program_vk,
    risc0_v3_public_inputs,
)
from eip8025.groth16.sp1 import sp1_v4_program_vk, sp1_v4_public_inputs, sp1_v4_selector

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
    "Groth16Proof",
    "Groth16VerifyingKey",
    "P",
    "R",
    "decode_gnark_vk",
    "encode_public_inputs",
    "groth16_proof_bytes",
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
