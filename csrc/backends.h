/*
 * backends.h - function tables through which the extension calls a verifier or a prover.
 *
 * A table is filled either from the built-in mock backends (mock.c) or with dlsym() from a
 * shared library implementing ere_verifier.h / eip8025_prover.h; callers never know which.
 */
#ifndef EIP8025_NATIVE_BACKENDS_H
#define EIP8025_NATIVE_BACKENDS_H

#include <stddef.h>
#include <stdint.h>

#include "eip8025_prover.h"
#include "ere_verifier.h"

typedef struct {
    ere_verifier_new_fn new_fn;
    ere_verifier_verify_fn verify_fn;
    ere_verifier_zkvm_kind_fn zkvm_kind_fn;
    ere_verifier_free_fn free_fn;
    ere_bytes_free_fn bytes_free_fn;
} e8_verifier_table;

typedef struct {
    eip8025_prover_abi_version_fn abi_version_fn;
    eip8025_prover_new_fn new_fn;
    eip8025_prover_prove_fn prove_fn;
    eip8025_prover_free_fn free_fn;
    eip8025_bytes_free_fn bytes_free_fn;
} e8_prover_table;

/* The built-in MOCK backends (NOT zero-knowledge; see eip8025_mock.h). */
extern const e8_verifier_table e8_builtin_verifier_table;
extern const e8_prover_table e8_builtin_prover_table;

/* Built-in prover with an explicit total proof size (the ABI-shaped new_fn uses the default). */
int32_t e8_builtin_prover_new_sized(uint32_t kind, const uint8_t *program, size_t program_len,
                                    size_t proof_len, Eip8025Prover **handle);

/* Smallest proof the built-in prover of `kind` can produce, or 0 if `kind` is not built in. */
size_t e8_builtin_min_proof_len(uint32_t kind);

/* ---- Groth16 over BN254 (groth16.c; layouts and reasons in eip8025_groth16.h) ------------ */

/* The built-in Groth16 verifiers (SP1 v4 and RISC Zero v3 kinds): REAL proof verification. */
extern const e8_verifier_table e8_groth16_verifier_table;

/* Reason string of the last failed Groth16 backend call on this thread (NULL if none). */
const char *e8_groth16_last_reason(void);

/* A decoded, fully validated Groth16 verifying key. */
typedef struct e8_groth16_vk e8_groth16_vk;
const char *e8_groth16_vk_decode(e8_groth16_vk **out, const uint8_t *data, size_t len);
void e8_groth16_vk_free(e8_groth16_vk *vk);
size_t e8_groth16_vk_inputs(const e8_groth16_vk *vk);
/* NULL if the 256-byte proof verifies for the n 32-byte big-endian inputs, else the reason. */
const char *e8_groth16_verify(const e8_groth16_vk *vk, const uint8_t proof[256],
                              const uint8_t *inputs, size_t n_inputs);

#endif /* EIP8025_NATIVE_BACKENDS_H */
