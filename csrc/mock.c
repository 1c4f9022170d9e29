/*
 * mock.c - the built-in MOCK verifier and prover.
 *
 *   THESE ARE NOT ZERO-KNOWLEDGE PROOFS. A mock proof is forgeable by anyone who knows the
 *   program vk (and a zkboost-mock proof by anyone at all). See eip8025_mock.h for the formats
 *   and what each check means. For tests and devnets only.
 *
 * Both backends implement the same C ABI as real libraries (ere_verifier.h / eip8025_prover.h)
 * and are reached through the same function tables, so the Python layer has one code path.
 * Handles are immutable after creation, so concurrent verify/prove calls on one handle are safe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "eip8025_mock.h"
#include "sha256.h"

#if defined(__linux__)
#include <sys/random.h>
#else
#include <stdio.h>
#endif

struct EreVerifier {
    uint32_t kind;
    uint8_t vk_digest[32];
};

struct Eip8025Prover {
    uint32_t kind;
    size_t proof_len;
    uint8_t vk_digest[32];
};

static int is_builtin_kind(uint32_t kind) {
    return kind == EIP8025_KIND_MOCK || kind == EIP8025_KIND_ZKBOOST_MOCK;
}

static void put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t get_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int all_zero(const uint8_t *p, size_t n) {
    uint64_t acc = 0;
    while (n >= 32) {
        uint64_t w[4];
        memcpy(w, p, sizeof w);
        acc |= w[0] | w[1] | w[2] | w[3];
        p += 32;
        n -= 32;
    }
    while (n--) {
        acc |= *p++;
    }
    return acc == 0;
}

/* Binding tag of a mock proof: SHA-256(domain || header[16..32] || SHA-256(vk) || pv). */
static void mock_tag(const uint8_t header[EIP8025_MOCK_HEADER_LEN], const uint8_t vk_digest[32],
                     const uint8_t *pv, size_t pv_len, uint8_t out[32]) {
    e8_sha256_ctx ctx;
    e8_sha256_init(&ctx);
    e8_sha256_update(&ctx, EIP8025_MOCK_DOMAIN_TAG, sizeof(EIP8025_MOCK_DOMAIN_TAG) - 1);
    e8_sha256_update(&ctx, header + EIP8025_MOCK_MAGIC_LEN,
                     EIP8025_MOCK_HEADER_LEN - EIP8025_MOCK_MAGIC_LEN);
    e8_sha256_update(&ctx, vk_digest, 32);
    e8_sha256_update(&ctx, pv, pv_len);
    e8_sha256_final(&ctx, out);
}

static int fill_random(uint8_t *p, size_t n) {
#if defined(__linux__)
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
#else
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f) {
        return -1;
    }
    size_t got = fread(p, 1, n, f);
    fclose(f);
    return got == n ? 0 : -1;
#endif
}

/* ---- Verifier (ere_verifier.h shape) --------------------------------------------------- */

static int32_t mock_verifier_new(uint32_t kind, const uint8_t *vk, uintptr_t vk_len,
                                 EreVerifier **output) {
    if (!output) {
        return ERE_ERR_NULL_PTR;
    }
    *output = NULL;
    if (!is_builtin_kind(kind)) {
        return ERE_ERR_BAD_KIND;
    }
    if (!vk && vk_len) {
        return ERE_ERR_NULL_PTR;
    }
    if (kind == EIP8025_KIND_MOCK && vk_len == 0) {
        return ERE_ERR_DECODE_PROGRAM_VK; /* the mock binds proofs to a vk: it needs one */
    }
    EreVerifier *v = calloc(1, sizeof *v);
    if (!v) {
        return ERE_ERR_INTERNAL;
    }
    v->kind = kind;
    e8_sha256(vk_len ? vk : (const uint8_t *)"", vk_len, v->vk_digest);
    *output = v;
    return ERE_OK;
}

static int32_t copy_out(const uint8_t *src, size_t len, uint8_t **ptr, uintptr_t *out_len) {
    uint8_t *buf = malloc(len);
    if (!buf) {
        return ERE_ERR_INTERNAL;
    }
    memcpy(buf, src, len);
    *ptr = buf;
    *out_len = len;
    return ERE_OK;
}

static int32_t mock_verifier_verify(const EreVerifier *v, const uint8_t *proof, uintptr_t len,
                                    uint8_t **pv_ptr, uintptr_t *pv_len) {
    if (!pv_ptr || !pv_len) {
        return ERE_ERR_NULL_PTR;
    }
    *pv_ptr = NULL;
    *pv_len = 0;
    if (!v || (!proof && len)) {
        return ERE_ERR_NULL_PTR;
    }
    if (v->kind == EIP8025_KIND_ZKBOOST_MOCK) {
        /* zkboost v0.7 MockzkVM::verify: any proof of >= 32 bytes; its first 32 are the pv. */
        if (len < EIP8025_ZKBOOST_MOCK_MIN_PROOF_LEN) {
            return ERE_ERR_DECODE_PROOF;
        }
        return copy_out(proof, EIP8025_ZKBOOST_MOCK_PUBLIC_VALUES_LEN, pv_ptr, pv_len);
    }
    if (len < EIP8025_MOCK_MIN_PROOF_LEN ||
        memcmp(proof, EIP8025_MOCK_MAGIC, EIP8025_MOCK_MAGIC_LEN) != 0 ||
        get_le16(proof + 16) != EIP8025_MOCK_FORMAT_VERSION || get_le16(proof + 18) != 0 ||
        get_le32(proof + 24) != EIP8025_MOCK_PUBLIC_VALUES_LEN || get_le32(proof + 28) != len) {
        return ERE_ERR_DECODE_PROOF;
    }
    if (get_le32(proof + 20) != v->kind) {
        return ERE_ERR_VERIFY;
    }
    const uint8_t *pv = proof + EIP8025_MOCK_HEADER_LEN;
    const uint8_t *tag = pv + EIP8025_MOCK_PUBLIC_VALUES_LEN;
    uint8_t expected[32];
    mock_tag(proof, v->vk_digest, pv, EIP8025_MOCK_PUBLIC_VALUES_LEN, expected);
    uint8_t diff = 0;
    for (int i = 0; i < 32; i++) {
        diff |= (uint8_t)(expected[i] ^ tag[i]);
    }
    if (diff || !all_zero(proof + EIP8025_MOCK_MIN_PROOF_LEN, len - EIP8025_MOCK_MIN_PROOF_LEN)) {
        return ERE_ERR_VERIFY;
    }
    return copy_out(pv, EIP8025_MOCK_PUBLIC_VALUES_LEN, pv_ptr, pv_len);
}

static int32_t mock_verifier_zkvm_kind(const EreVerifier *v, uint32_t *output) {
    if (!v || !output) {
        return ERE_ERR_NULL_PTR;
    }
    *output = v->kind;
    return ERE_OK;
}

static void mock_verifier_free(EreVerifier *v) { free(v); }

static void mock_bytes_free(uint8_t *ptr, uintptr_t len) {
    (void)len;
    free(ptr);
}

const e8_verifier_table e8_builtin_verifier_table = {
    mock_verifier_new, mock_verifier_verify, mock_verifier_zkvm_kind, mock_verifier_free,
    mock_bytes_free,
};

/* ---- Prover (eip8025_prover.h shape) --------------------------------------------------- */

static uint32_t mock_prover_abi_version(void) { return EIP8025_PROVER_ABI_VERSION; }

size_t e8_builtin_min_proof_len(uint32_t kind) {
    if (kind == EIP8025_KIND_MOCK) {
        return EIP8025_MOCK_MIN_PROOF_LEN;
    }
    if (kind == EIP8025_KIND_ZKBOOST_MOCK) {
        return EIP8025_ZKBOOST_MOCK_MIN_PROOF_LEN;
    }
    return 0;
}

int32_t e8_builtin_prover_new_sized(uint32_t kind, const uint8_t *program, size_t program_len,
                                    size_t proof_len, Eip8025Prover **handle) {
    if (!handle) {
        return EIP8025_ERR_NULL_PTR;
    }
    *handle = NULL;
    if (!is_builtin_kind(kind)) {
        return EIP8025_ERR_BAD_KIND;
    }
    if (!program && program_len) {
        return EIP8025_ERR_NULL_PTR;
    }
    if (kind == EIP8025_KIND_MOCK && program_len == 0) {
        return EIP8025_ERR_DECODE_PROGRAM;
    }
    if (proof_len < e8_builtin_min_proof_len(kind) || proof_len > EIP8025_MOCK_MAX_PROOF_LEN) {
        return EIP8025_ERR_INTERNAL; /* callers validate sizes first */
    }
    Eip8025Prover *p = calloc(1, sizeof *p);
    if (!p) {
        return EIP8025_ERR_INTERNAL;
    }
    p->kind = kind;
    p->proof_len = proof_len;
    e8_sha256(program_len ? program : (const uint8_t *)"", program_len, p->vk_digest);
    *handle = p;
    return EIP8025_OK;
}

static int32_t mock_prover_new(uint32_t kind, const uint8_t *program, size_t program_len,
                               Eip8025Prover **handle) {
    size_t size = kind == EIP8025_KIND_ZKBOOST_MOCK ? EIP8025_ZKBOOST_MOCK_DEFAULT_PROOF_LEN
                                                    : EIP8025_MOCK_DEFAULT_PROOF_LEN;
    return e8_builtin_prover_new_sized(kind, program, program_len, size, handle);
}

static int32_t mock_prover_prove(const Eip8025Prover *p, const uint8_t *input, size_t input_len,
                                 uint8_t **proof, size_t *proof_len, uint8_t **pv,
                                 size_t *pv_len) {
    if (!proof || !proof_len || !pv || !pv_len) {
        return EIP8025_ERR_NULL_PTR;
    }
    *proof = *pv = NULL;
    *proof_len = *pv_len = 0;
    if (!p || (!input && input_len)) {
        return EIP8025_ERR_NULL_PTR;
    }
    /* Input: the 43-byte SSZ PublicInput; its boolean must be 0 or 1. */
    if (input_len != EIP8025_MOCK_PUBLIC_VALUES_LEN || input[32] > 1) {
        return EIP8025_ERR_DECODE_INPUT;
    }
    uint8_t public_values[EIP8025_MOCK_PUBLIC_VALUES_LEN];
    size_t public_len;
    uint8_t *out;
    if (p->kind == EIP8025_KIND_ZKBOOST_MOCK) {
        /* zkboost v0.7: pv = SHA-256(root || successful_validation); proof = pv || random. */
        public_len = EIP8025_ZKBOOST_MOCK_PUBLIC_VALUES_LEN;
        e8_sha256(input, 33, public_values);
        out = malloc(p->proof_len);
        if (!out) {
            return EIP8025_ERR_INTERNAL;
        }
        memcpy(out, public_values, public_len);
        if (fill_random(out + public_len, p->proof_len - public_len) != 0) {
            free(out);
            return EIP8025_ERR_INTERNAL;
        }
    } else {
        public_len = EIP8025_MOCK_PUBLIC_VALUES_LEN;
        memcpy(public_values, input, public_len);
        out = calloc(1, p->proof_len); /* the zero padding comes from calloc */
        if (!out) {
            return EIP8025_ERR_INTERNAL;
        }
        memcpy(out, EIP8025_MOCK_MAGIC, EIP8025_MOCK_MAGIC_LEN);
        put_le16(out + 16, EIP8025_MOCK_FORMAT_VERSION);
        put_le16(out + 18, 0);
        put_le32(out + 20, p->kind);
        put_le32(out + 24, EIP8025_MOCK_PUBLIC_VALUES_LEN);
        put_le32(out + 28, (uint32_t)p->proof_len);
        memcpy(out + EIP8025_MOCK_HEADER_LEN, public_values, public_len);
        mock_tag(out, p->vk_digest, public_values, public_len,
                 out + EIP8025_MOCK_HEADER_LEN + EIP8025_MOCK_PUBLIC_VALUES_LEN);
    }
    uint8_t *pv_buf = malloc(public_len);
    if (!pv_buf) {
        free(out);
        return EIP8025_ERR_INTERNAL;
    }
    memcpy(pv_buf, public_values, public_len);
    *proof = out;
    *proof_len = p->proof_len;
    *pv = pv_buf;
    *pv_len = public_len;
    return EIP8025_OK;
}

static void mock_prover_free(Eip8025Prover *p) { free(p); }

static void mock_prover_bytes_free(uint8_t *ptr, size_t len) {
    (void)len;
    free(ptr);
}

const e8_prover_table e8_builtin_prover_table = {
    mock_prover_abi_version, mock_prover_new, mock_prover_prove, mock_prover_free,
    mock_prover_bytes_free,
};
