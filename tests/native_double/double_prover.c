/*
 * double_prover.c - TEST DOUBLE of an eip8025 prover library. NOT A PROOF SYSTEM.
 *
 * Implements the eip8025 prover C ABI (csrc/include/eip8025_prover.h) honestly, with
 * the same trivial scheme as double_verifier.c, so its proofs verify there:
 *     public_values = input
 *     proof         = public_values || SHA-256(public_values || program)
 * (the "program" plays the program vk). Kinds 0, 1, 2 are accepted. Inputs above 64 KiB are
 * refused with EIP8025_ERR_DECODE_INPUT so tests can exercise that status.
 *
 * Variants (compile-time):
 *   -DWRONG_ABI            eip8025_prover_abi_version() reports a different ABI version
 *   -DDOUBLE_OMIT_PROVE    leave out eip8025_prover_prove (a library missing a symbol)
 *   -DDOUBLE_MISBEHAVE     break the ABI's "on error the outputs are cleared" rule:
 *                            program "misbehave:new..."   eip8025_prover_new returns
 *                                                         DECODE_PROGRAM together with a handle
 *                            input "misbehave:error..."   prove returns DECODE_INPUT together
 *                                                         with both buffers (the honest ones)
 *                            input "misbehave:nullpv..."  prove returns OK with the proof buffer
 *                                                         but public values (NULL, 5)
 *
 * Every variant also exports counters of what it allocated and what was handed back to
 * eip8025_prover_free / eip8025_bytes_free (double_*_allocated / double_*_freed), which the
 * tests read with ctypes to check the extension releases everything the library gives it.
 */
#include <stdlib.h>
#include <string.h>

#include "double_counters.h"
#include "double_sha256.h"
#include "eip8025_prover.h"

#define DOUBLE_MAX_INPUT 65536u

DOUBLE_COUNTERS

#ifdef DOUBLE_MISBEHAVE
static int starts_with(const uint8_t *data, size_t len, const char *prefix) {
    size_t n = strlen(prefix);
    return len >= n && !memcmp(data, prefix, n);
}
#endif

struct Eip8025Prover {
    uint32_t kind;
    size_t vk_len;
    uint8_t vk[];
};

uint32_t eip8025_prover_abi_version(void) {
#ifdef WRONG_ABI
    return EIP8025_PROVER_ABI_VERSION + 41u;
#else
    return EIP8025_PROVER_ABI_VERSION;
#endif
}

int32_t eip8025_prover_new(uint32_t kind, const uint8_t *program, size_t program_len,
                           Eip8025Prover **handle) {
    if (!handle) {
        return EIP8025_ERR_NULL_PTR;
    }
    *handle = NULL;
    if (kind > 2) {
        return EIP8025_ERR_BAD_KIND;
    }
    if (!program && program_len) {
        return EIP8025_ERR_NULL_PTR;
    }
    if (program_len == 0) {
        return EIP8025_ERR_DECODE_PROGRAM;
    }
    Eip8025Prover *p = malloc(sizeof *p + program_len);
    if (!p) {
        return EIP8025_ERR_INTERNAL;
    }
    DOUBLE_COUNT(handles_allocated);
    p->kind = kind;
    p->vk_len = program_len;
    memcpy(p->vk, program, program_len);
    *handle = p;
#ifdef DOUBLE_MISBEHAVE
    if (starts_with(program, program_len, "misbehave:new")) {
        return EIP8025_ERR_DECODE_PROGRAM; /* ... with *handle set */
    }
#endif
    return EIP8025_OK;
}

#ifndef DOUBLE_OMIT_PROVE
int32_t eip8025_prover_prove(const Eip8025Prover *p, const uint8_t *input, size_t input_len,
                             uint8_t **proof, size_t *proof_len, uint8_t **pv, size_t *pv_len) {
    if (!proof || !proof_len || !pv || !pv_len) {
        return EIP8025_ERR_NULL_PTR;
    }
    *proof = *pv = NULL;
    *proof_len = *pv_len = 0;
    if (!p || (!input && input_len)) {
        return EIP8025_ERR_NULL_PTR;
    }
    if (input_len > DOUBLE_MAX_INPUT) {
        return EIP8025_ERR_DECODE_INPUT;
    }
    uint8_t *out = malloc(input_len + 32);
    uint8_t *values = input_len ? malloc(input_len) : NULL;
    if (!out || (input_len && !values)) {
        free(out);
        free(values);
        return EIP8025_ERR_INTERNAL;
    }
    DOUBLE_COUNT(bytes_allocated);
    if (input_len) {
        DOUBLE_COUNT(bytes_allocated);
        memcpy(out, input, input_len);
        memcpy(values, input, input_len);
    }
    double_tag(input, input_len, p->vk, p->vk_len, out + input_len);
    *proof = out;
    *proof_len = input_len + 32;
    *pv = values;
    *pv_len = input_len;
#ifdef DOUBLE_MISBEHAVE
    if (starts_with(input, input_len, "misbehave:error")) {
        return EIP8025_ERR_DECODE_INPUT; /* ... with both buffers set */
    }
    if (starts_with(input, input_len, "misbehave:nullpv")) {
        free(values); /* not handed out after all */
        DOUBLE_UNCOUNT(bytes_allocated);
        *pv = NULL;
        *pv_len = 5;
    }
#endif
    return EIP8025_OK;
}
#endif

void eip8025_prover_free(Eip8025Prover *p) {
    if (p) {
        DOUBLE_COUNT(handles_freed);
        free(p);
    }
}

void eip8025_bytes_free(uint8_t *ptr, size_t len) {
    if (ptr && len) {
        DOUBLE_COUNT(bytes_freed);
        free(ptr);
    }
}
