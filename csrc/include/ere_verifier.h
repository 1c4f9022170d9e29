/*
 * ere_verifier.h - eip8025's own declaration of the C ABI of eth-act/ere's `ere-verifier-c`.
 *
 * WHAT THIS IS
 *   `ere-verifier-c` (crate `bindings/c` of https://github.com/eth-act/ere) wraps ere's Rust
 *   `Verifier` (OpenVM / SP1 / ZisK proof verification) in five `extern "C"` functions. Lighthouse
 *   (sigp/lighthouse PR #10080) and Prysm (OffchainLabs/prysm PR #17490, through ere's Go/cgo
 *   binding) verify EIP-8025 execution proofs in-process through this ABI. eip8025 loads such a
 *   library with dlopen() and calls it through these declarations; our built-in verifiers (the
 *   mocks and the Groth16 kinds) implement the same five functions internally, so one code path
 *   serves both.
 *
 *   This header is written by us from the ABI as documented in ere's source; it is not ere's
 *   cbindgen-generated `ere_verifier.h`. Facts were read at ere commit 8961a4e (tag v0.16.2,
 *   2026-08-21) in:
 *     bindings/c/src/lib.rs     - the five functions, their argument types, ownership, safety;
 *     bindings/c/src/error.rs   - the status codes (i32 constants);
 *     crates/catalog/src/zkvm.rs - `#[repr(u8)] enum zkVMKind { OpenVM, SP1, Zisk }`;
 *     bindings/golang/verifier.go - the cgo binding (confirms kinds 0/1/2 and `uintptr_t` lengths).
 *   cbindgen maps Rust `usize` to `uintptr_t` and `i32`/`u32` to `int32_t`/`uint32_t`, which is what
 *   we declare. On every platform we build for, `uintptr_t` and `size_t` have the same width
 *   (checked below).
 *
 * VERSIONING (important)
 *   ere exports NO version symbol and no ABI-version constant. Compatibility is therefore checked
 *   by symbol set: a library is accepted iff it exports all five functions below. The status codes
 *   are promised stable by ere ("existing codes are never renumbered or repurposed, and new variants
 *   take the next free value"). The zkVM kind ids are NOT stable across ere releases: they are the
 *   declaration order of `zkVMKind`, which changed in ere v0.14.0 (PR #391 dropped Airbender and
 *   Risc0). The ids below hold for ere v0.14.0 .. v0.16.2 (the newest source we could read); a
 *   library built from ere v0.12.x/v0.13.x numbers kinds 0 Airbender, 1 OpenVM, 2 Risc0, 3 SP1,
 *   4 Zisk, and nothing in the ABI lets a caller detect which numbering a library uses. Lighthouse
 *   PR #10080 says it aligns with ere v0.17.1, whose source we could not read; if its kind ids
 *   differ, update the constants below.
 *
 * THREAD SAFETY (from ere's docs)
 *   A handle may be shared across threads for concurrent ere_verifier_verify() and
 *   ere_verifier_zkvm_kind() calls. ere_verifier_free() consumes the handle and must not overlap
 *   with any other call on it.
 */
#ifndef EIP8025_ERE_VERIFIER_H
#define EIP8025_ERE_VERIFIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes (int32_t return values; bindings/c/src/error.rs) ------------------------- */

#define ERE_OK 0                    /* success */
#define ERE_ERR_NULL_PTR 1          /* a required pointer argument was NULL */
#define ERE_ERR_BAD_KIND 2          /* zkvm_kind is not one of the documented values */
#define ERE_ERR_DECODE_PROGRAM_VK 3 /* the program verifying key bytes failed to decode */
#define ERE_ERR_DECODE_PROOF 4      /* the proof bytes failed to decode */
#define ERE_ERR_VERIFY 5            /* the proof is well-formed but failed verification */
#define ERE_ERR_INTERNAL 6          /* unexpected internal condition (a bug, not bad input) */

/* ---- zkVM kinds (`zkVMKind as u8`, ere v0.14.0 .. v0.16.2; see VERSIONING above) -----------
 * ere has no C constants for these (only doc comments on ere_verifier_new); the names are ours. */

#define ERE_ZKVM_KIND_OPENVM 0u
#define ERE_ZKVM_KIND_SP1 1u
#define ERE_ZKVM_KIND_ZISK 2u

/* Opaque verifier handle (Rust `EreVerifier`), bound to one zkVM kind and one program vk. */
typedef struct EreVerifier EreVerifier;

/*
 * Create a verifier for `zkvm_kind` bound to the encoded program verifying key.
 *   - (encoded_program_vk_ptr, encoded_program_vk_len) must be readable; (NULL, 0) is the empty vk.
 *   - `output` must be non-NULL. On success *output receives a handle the caller owns (release it
 *     with ere_verifier_free) and ERE_OK is returned; on error *output is set to NULL.
 * Returns ERE_ERR_NULL_PTR (output NULL, or vk NULL with len > 0), ERE_ERR_BAD_KIND,
 * ERE_ERR_DECODE_PROGRAM_VK or ERE_ERR_INTERNAL.
 */
int32_t ere_verifier_new(uint32_t zkvm_kind, const uint8_t *encoded_program_vk_ptr,
                         uintptr_t encoded_program_vk_len, EreVerifier **output);

/*
 * Verify an encoded proof against the handle's program vk.
 *   - On success returns ERE_OK and stores a library-allocated buffer holding the proven public
 *     values in (*public_values_ptr, *public_values_len). The CALLER OWNS that buffer and must
 *     release it with ere_bytes_free(ptr, len) of the SAME library, passing the exact pair back.
 *     Empty public values are reported as (NULL, 0).
 *   - On error both out-parameters are cleared to (NULL, 0).
 * Returns ERE_ERR_NULL_PTR, ERE_ERR_DECODE_PROOF, ERE_ERR_VERIFY or ERE_ERR_INTERNAL.
 */
int32_t ere_verifier_verify(const EreVerifier *handle, const uint8_t *encoded_proof_ptr,
                            uintptr_t encoded_proof_len, uint8_t **public_values_ptr,
                            uintptr_t *public_values_len);

/* Write the zkVM kind the handle was created for into *output; ERE_OK or ERE_ERR_NULL_PTR. */
int32_t ere_verifier_zkvm_kind(const EreVerifier *handle, uint32_t *output);

/* Release a handle (NULL is a no-op). Must not overlap with other calls on the same handle. */
void ere_verifier_free(EreVerifier *handle);

/* Release a (ptr, len) buffer this library returned. NULL or len == 0 is a no-op. */
void ere_bytes_free(uint8_t *ptr, uintptr_t len);

/* ---- Function-pointer types, for loaders that resolve the ABI with dlsym() ------------------ */

typedef int32_t (*ere_verifier_new_fn)(uint32_t, const uint8_t *, uintptr_t, EreVerifier **);
typedef int32_t (*ere_verifier_verify_fn)(const EreVerifier *, const uint8_t *, uintptr_t,
                                          uint8_t **, uintptr_t *);
typedef int32_t (*ere_verifier_zkvm_kind_fn)(const EreVerifier *, uint32_t *);
typedef void (*ere_verifier_free_fn)(EreVerifier *);
typedef void (*ere_bytes_free_fn)(uint8_t *, uintptr_t);

/* The symbol set that defines compatibility (see VERSIONING). */
#define ERE_VERIFIER_SYMBOL_NEW "ere_verifier_new"
#define ERE_VERIFIER_SYMBOL_VERIFY "ere_verifier_verify"
#define ERE_VERIFIER_SYMBOL_ZKVM_KIND "ere_verifier_zkvm_kind"
#define ERE_VERIFIER_SYMBOL_FREE "ere_verifier_free"
#define ERE_VERIFIER_SYMBOL_BYTES_FREE "ere_bytes_free"

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(uintptr_t) == sizeof(size_t), "ere ABI lengths are uintptr_t == size_t");
#endif

#ifdef __cplusplus
}
#endif

#endif /* EIP8025_ERE_VERIFIER_H */
