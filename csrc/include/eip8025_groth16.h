/*
 * eip8025_groth16.h - the built-in Groth16 (BN254 / alt_bn128) verifier backends.
 *
 * Unlike the mock kinds these verify REAL proofs: the Groth16 wrappers SP1 v4 and RISC Zero v3
 * put around their STARK proofs (260 bytes, constant-time verification). They are built-in
 * backends behind the same ere-verifier-c ABI (ere_verifier.h) as external libraries, selected by
 * the kinds below (numbered from 0x110, far from ere's u8 kinds and from the mock kinds 0x10x).
 * There is no prover: Groth16 wrapping needs the zkVM's own (GPU) prover.
 *
 * All 32-byte field words are big-endian. G1 = x || y (64 bytes). G2 = x.c1 || x.c0 || y.c1 ||
 * y.c0 (128 bytes; EIP-197 order: imaginary part first). Every coordinate must be < p and is
 * never reduced; every point must be on its curve, G2 points in the order-r subgroup, and no
 * point of a VK or proof may be the point at infinity.
 *
 * ---- Groth16 verifying key ("VK", 448 + 64 * (n + 1) bytes) ------------------------------------
 *     alpha G1 (64) || beta G2 (128) || gamma G2 (128) || delta G2 (128) || ic[0..n] G1 (64 each)
 * The STANDARD, un-negated form. n (the number of public inputs) follows from the length.
 *
 * ---- Groth16 proof (256 bytes; the 8 EVM words after the 4-byte selector) ------------------------
 *     A G1 (64) || B G2 (128) || C G1 (64)
 * Accepted iff e(A, B) == e(alpha, beta) * e(L, gamma) * e(C, delta), L = ic[0] + sum x_i ic[i],
 * checked as one multi-pairing with a single final exponentiation. Public inputs x_i >= r are
 * rejected, never reduced.
 *
 * ---- EIP8025_KIND_GROTH16_SP1_V4 ------------------------------------------------------------------
 * Program vk:  selector (4) || program vkey hash (32) || VK with n = 2.
 *              selector = sha256(SP1's gnark groth16_vk.bin)[:4] (v4: 0x11b6a09d).
 * Proof:       selector (4) || Groth16 proof (256) || public values (any length, may be empty).
 * Public inputs: [int(program vkey), int(sha256(public values)) & (2^253 - 1)].
 * Returns the public values.
 *
 * ---- EIP8025_KIND_GROTH16_RISC0_V3 ---------------------------------------------------------------
 * Program vk:  selector (4) || image id (32) || control root (32) || BN254 control id (32)
 *              || VK with n = 5. selector = verifier parameters digest[:4] (v3.0: 0x73c457ba);
 *              the BN254 control id as written in risc0-ethereum's ControlID.sol.
 * Proof:       selector (4) || Groth16 proof (256) || journal (any length, may be empty).
 * Public inputs: [lo(control root), hi(control root), lo(claim), hi(claim), int(control id)],
 *   claim = ReceiptClaim digest of (image id, journal) for a successful halt, and for a 32-byte
 *   digest D: v = int.from_bytes(reversed(D), "big"), lo = v mod 2^128, hi = v >> 128.
 * Returns the journal.
 *
 * ---- Status codes and reasons ----------------------------------------------------------------------
 * ere_verifier_new: ERE_ERR_DECODE_PROGRAM_VK for a malformed program vk (length, n, any point).
 * ere_verifier_verify: ERE_ERR_DECODE_PROOF if the proof is malformed (too short, selector,
 *   coordinate >= p, not on curve, not in subgroup, infinity); ERE_ERR_VERIFY if the pairing check
 *   fails. The machine-readable reason of the last failure on the calling thread is
 *   e8_groth16_last_reason() (backends.h); the strings are those below.
 */
#ifndef EIP8025_GROTH16_H
#define EIP8025_GROTH16_H

#define EIP8025_KIND_GROTH16_SP1_V4 0x110u
#define EIP8025_KIND_GROTH16_RISC0_V3 0x111u

#define EIP8025_GROTH16_SELECTOR_LEN 4u
#define EIP8025_GROTH16_PROOF_LEN 256u
#define EIP8025_GROTH16_VK_FIXED_LEN 448u /* alpha + beta + gamma + delta */
#define EIP8025_GROTH16_G1_LEN 64u
#define EIP8025_GROTH16_G2_LEN 128u
#define EIP8025_GROTH16_SP1_V4_INPUTS 2u
#define EIP8025_GROTH16_RISC0_V3_INPUTS 5u

/* Failure reasons (the fixture README's vocabulary, extended). */
#define EIP8025_G16_OK "ok"
#define EIP8025_G16_WRONG_LENGTH "wrong_length"
#define EIP8025_G16_SELECTOR_MISMATCH "selector_mismatch"
#define EIP8025_G16_COORDINATE_GE_P "coordinate_not_less_than_p"
#define EIP8025_G16_A_NOT_ON_CURVE "a_not_on_curve"
#define EIP8025_G16_B_NOT_ON_CURVE "b_not_on_curve"
#define EIP8025_G16_C_NOT_ON_CURVE "c_not_on_curve"
#define EIP8025_G16_B_NOT_IN_SUBGROUP "b_not_in_subgroup"
#define EIP8025_G16_POINT_AT_INFINITY "point_at_infinity"
#define EIP8025_G16_INPUT_GE_R "public_input_not_less_than_r"
#define EIP8025_G16_INPUT_COUNT "wrong_public_input_count"
#define EIP8025_G16_BAD_VK "bad_verifying_key"
#define EIP8025_G16_PAIRING_FAILS "pairing_check_fails"

#endif /* EIP8025_GROTH16_H */
