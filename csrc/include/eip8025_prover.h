/*
 * eip8025_prover.h - the eip8025 PROVER ABI (ours; ere has no C prover ABI).
 *
 * A prover library is a shared object exporting the five functions below. eip8025 loads it with
 * dlopen(), resolves all five with dlsym() and refuses the library unless
 * eip8025_prover_abi_version() returns EIP8025_PROVER_ABI_VERSION. The built-in mock provers
 * implement the same functions internally.
 *
 * The ABI mirrors ere-verifier-c (see ere_verifier.h) so one mental model covers both:
 *   - every fallible function returns an int32_t status; codes 0..6 mean exactly what the ERE_*
 *     codes mean, code 7 (EIP8025_ERR_DECODE_INPUT) is ours;
 *   - a handle is created by _new, released by _free, and bound to one zkVM kind and one program;
 *   - output buffers are allocated by the library, OWNED BY THE CALLER, and released with the
 *     library's own eip8025_bytes_free(ptr, len), passing back the exact (ptr, len) pair.
 *
 * THREAD SAFETY: a handle must support concurrent eip8025_prover_prove() calls from several
 * threads (eip8025 releases the Python GIL around proving and shares handles across threads).
 * eip8025_prover_free() must not overlap with any other call on the same handle.
 *
 * VERSIONING: EIP8025_PROVER_ABI_VERSION changes whenever a signature, a status code or an
 * ownership rule below changes. New optional functions may be added without a version change;
 * callers must then look them up with dlsym() and tolerate their absence.
 */
#ifndef EIP8025_PROVER_H
#define EIP8025_PROVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EIP8025_PROVER_ABI_VERSION 1u

/* Status codes. 0..6 are numerically identical to ERE_OK .. ERE_ERR_INTERNAL. */
#define EIP8025_OK 0
#define EIP8025_ERR_NULL_PTR 1       /* a required pointer was NULL (or NULL data with len > 0) */
#define EIP8025_ERR_BAD_KIND 2       /* the zkVM kind is not supported by this library */
#define EIP8025_ERR_DECODE_PROGRAM 3 /* the program bytes failed to decode (ERE: DECODE_PROGRAM_VK) */
#define EIP8025_ERR_DECODE_PROOF 4   /* (verifier side only) the proof failed to decode */
#define EIP8025_ERR_VERIFY 5         /* (verifier side only) verification failed */
#define EIP8025_ERR_INTERNAL 6       /* unexpected internal condition, out of memory, I/O error */
#define EIP8025_ERR_DECODE_INPUT 7   /* the prover input failed to decode */

/* Opaque prover handle. */
typedef struct Eip8025Prover Eip8025Prover;

/* Return EIP8025_PROVER_ABI_VERSION as compiled into the library. Never fails. */
uint32_t eip8025_prover_abi_version(void);

/*
 * Create a prover for `zkvm_kind` and the given program (an ELF, a program id, or - for the mock
 * backends - the program verifying key the proofs will be bound to; its meaning is the library's).
 *   - (program, program_len) must be readable; (NULL, 0) is the empty program.
 *   - `handle` must be non-NULL. On success *handle receives a handle the caller owns (release it
 *     with eip8025_prover_free); on error *handle is set to NULL.
 */
int32_t eip8025_prover_new(uint32_t zkvm_kind, const uint8_t *program, size_t program_len,
                           Eip8025Prover **handle);

/*
 * Prove `input` (for EIP-8025 guests: the input the guest reads; for the mock backends: the 43-byte
 * SSZ PublicInput). On success returns EIP8025_OK and stores two library-allocated buffers:
 *   (*proof, *proof_len)                 - the encoded proof, as an ere verifier expects it;
 *   (*public_values, *public_values_len) - the public values the proof commits to.
 * The caller owns both and releases each with eip8025_bytes_free(ptr, len). An empty buffer is
 * reported as (NULL, 0). On error all four out-parameters are cleared to (NULL, 0).
 */
int32_t eip8025_prover_prove(const Eip8025Prover *handle, const uint8_t *input, size_t input_len,
                             uint8_t **proof, size_t *proof_len, uint8_t **public_values,
                             size_t *public_values_len);

/* Release a handle (NULL is a no-op). */
void eip8025_prover_free(Eip8025Prover *handle);

/* Release a (ptr, len) buffer this library returned (NULL or len == 0 is a no-op). */
void eip8025_bytes_free(uint8_t *ptr, size_t len);

typedef uint32_t (*eip8025_prover_abi_version_fn)(void);
typedef int32_t (*eip8025_prover_new_fn)(uint32_t, const uint8_t *, size_t, Eip8025Prover **);
typedef int32_t (*eip8025_prover_prove_fn)(const Eip8025Prover *, const uint8_t *, size_t,
                                           uint8_t **, size_t *, uint8_t **, size_t *);
typedef void (*eip8025_prover_free_fn)(Eip8025Prover *);
typedef void (*eip8025_bytes_free_fn)(uint8_t *, size_t);

#define EIP8025_PROVER_SYMBOL_ABI_VERSION "eip8025_prover_abi_version"
#define EIP8025_PROVER_SYMBOL_NEW "eip8025_prover_new"
#define EIP8025_PROVER_SYMBOL_PROVE "eip8025_prover_prove"
#define EIP8025_PROVER_SYMBOL_FREE "eip8025_prover_free"
#define EIP8025_PROVER_SYMBOL_BYTES_FREE "eip8025_bytes_free"

#ifdef __cplusplus
}
#endif

#endif /* EIP8025_PROVER_H */
