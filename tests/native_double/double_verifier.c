/*
 * double_verifier.c - TEST DOUBLE of an ere-verifier-c library. NOT A PROOF SYSTEM.
 *
 * Implements the ere-verifier-c C ABI (csrc/include/ere_verifier.h) honestly, over a
 * trivial scheme, so tests/test_native.py can load a real shared library by path:
 *     proof = public_values || SHA-256(public_values || program_vk)
 * Kinds 0, 1, 2 (ere's openvm, sp1, zisk) are accepted and all use that scheme.
 *
 * Variants (compile-time):
 *   -DDOUBLE_OMIT_ZKVM_KIND  leave out ere_verifier_zkvm_kind (a library missing a symbol)
 *   -DDOUBLE_WRONG_KIND      ere_verifier_zkvm_kind reports a different kind than requested
 *   -DDOUBLE_MISBEHAVE       break the ABI's "on error the outputs are cleared" rule: a failed
 *                            verification still hands back a buffer (a copy of the proof), and
 *                            ere_verifier_new with a vk starting "misbehave:new" returns
 *                            DECODE_PROGRAM_VK together with a handle
 *
 * Every variant also exports counters of what it allocated and what was handed back to
 * ere_verifier_free / ere_bytes_free (double_*_allocated / double_*_freed), which the tests read
 * with ctypes to check the extension releases everything the library gives it.
 */
#include <stdlib.h>
#include <string.h>

#include "double_counters.h"
#include "double_sha256.h"
#include "ere_verifier.h"

DOUBLE_COUNTERS

struct EreVerifier {
    uint32_t kind;
    size_t vk_len;
    uint8_t vk[];
};

#ifdef DOUBLE_MISBEHAVE
#define MISBEHAVE_NEW "misbehave:new"

/* The misbehaving error path: a copy of the proof (at least one byte) with the error status. */
static int32_t fail_with_buffer(int32_t status, const uint8_t *proof, uintptr_t len,
                                uint8_t **pv_ptr, uintptr_t *pv_len) {
    uint8_t *out = malloc(len ? len : 1);
    if (out) {
        if (len) {
            memcpy(out, proof, len);
        } else {
            out[0] = 0;
        }
        DOUBLE_COUNT(bytes_allocated);
        *pv_ptr = out;
        *pv_len = len ? len : 1;
    }
    return status;
}
#define FAIL(status) return fail_with_buffer((status), proof, len, pv_ptr, pv_len)
#else
#define FAIL(status) return (status)
#endif

int32_t ere_verifier_new(uint32_t zkvm_kind, const uint8_t *vk, uintptr_t vk_len,
                         EreVerifier **output) {
    if (!output) {
        return ERE_ERR_NULL_PTR;
    }
    *output = NULL;
    if (zkvm_kind > ERE_ZKVM_KIND_ZISK) {
        return ERE_ERR_BAD_KIND;
    }
    if (!vk && vk_len) {
        return ERE_ERR_NULL_PTR;
    }
    if (vk_len == 0) {
        return ERE_ERR_DECODE_PROGRAM_VK;
    }
    EreVerifier *v = malloc(sizeof *v + vk_len);
    if (!v) {
        return ERE_ERR_INTERNAL;
    }
    DOUBLE_COUNT(handles_allocated);
    v->kind = zkvm_kind;
    v->vk_len = vk_len;
    memcpy(v->vk, vk, vk_len);
    *output = v;
#ifdef DOUBLE_MISBEHAVE
    if (vk_len >= strlen(MISBEHAVE_NEW) && !memcmp(vk, MISBEHAVE_NEW, strlen(MISBEHAVE_NEW))) {
        return ERE_ERR_DECODE_PROGRAM_VK; /* ... with *output set */
    }
#endif
    return ERE_OK;
}

int32_t ere_verifier_verify(const EreVerifier *v, const uint8_t *proof, uintptr_t len,
                            uint8_t **pv_ptr, uintptr_t *pv_len) {
    if (!pv_ptr || !pv_len) {
        return ERE_ERR_NULL_PTR;
    }
    *pv_ptr = NULL;
    *pv_len = 0;
    if (!v || (!proof && len)) {
        return ERE_ERR_NULL_PTR;
    }
    if (len < 32) {
        FAIL(ERE_ERR_DECODE_PROOF);
    }
    size_t n = len - 32;
    uint8_t tag[32];
    double_tag(proof, n, v->vk, v->vk_len, tag);
    if (memcmp(tag, proof + n, 32) != 0) {
        FAIL(ERE_ERR_VERIFY);
    }
    if (n) { /* empty public values are reported as (NULL, 0), as ere does */
        uint8_t *out = malloc(n);
        if (!out) {
            return ERE_ERR_INTERNAL;
        }
        DOUBLE_COUNT(bytes_allocated);
        memcpy(out, proof, n);
        *pv_ptr = out;
        *pv_len = n;
    }
    return ERE_OK;
}

#ifndef DOUBLE_OMIT_ZKVM_KIND
int32_t ere_verifier_zkvm_kind(const EreVerifier *v, uint32_t *output) {
    if (!v || !output) {
        return ERE_ERR_NULL_PTR;
    }
#ifdef DOUBLE_WRONG_KIND
    *output = v->kind + 1;
#else
    *output = v->kind;
#endif
    return ERE_OK;
}
#endif

void ere_verifier_free(EreVerifier *v) {
    if (v) {
        DOUBLE_COUNT(handles_freed);
        free(v);
    }
}

void ere_bytes_free(uint8_t *ptr, uintptr_t len) {
    if (ptr && len) {
        DOUBLE_COUNT(bytes_freed);
        free(ptr);
    }
}
