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
 */
#include <stdlib.h>
#include <string.h>

#include "double_sha256.h"
#include "ere_verifier.h"

struct EreVerifier {
    uint32_t kind;
    size_t vk_len;
    uint8_t vk[];
};

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
    v->kind = zkvm_kind;
    v->vk_len = vk_len;
    memcpy(v->vk, vk, vk_len);
    *output = v;
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
        return ERE_ERR_DECODE_PROOF;
    }
    size_t n = len - 32;
    uint8_t tag[32];
    double_tag(proof, n, v->vk, v->vk_len, tag);
    if (memcmp(tag, proof + n, 32) != 0) {
        return ERE_ERR_VERIFY;
    }
    if (n) { /* empty public values are reported as (NULL, 0), as ere does */
        uint8_t *out = malloc(n);
        if (!out) {
            return ERE_ERR_INTERNAL;
        }
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

void ere_verifier_free(EreVerifier *v) { free(v); }

void ere_bytes_free(uint8_t *ptr, uintptr_t len) {
    if (ptr && len) {
        free(ptr);
    }
}
