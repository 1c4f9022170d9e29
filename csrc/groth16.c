/*
 * groth16.c - Groth16 verification over BN254 and the built-in SP1 v4 / RISC Zero v3 verifier
 * backends behind the ere-verifier-c ABI. Layouts, kinds and reasons: eip8025_groth16.h.
 *
 * A verifying key is decoded and fully validated once, when the verifier is created; a verify
 * call then costs the proof's point checks (one G2 subgroup check), one multi-scalar
 * multiplication for L and one 4-pair multi-pairing with a single final exponentiation.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "bn254.h"
#include "bn254_constants.h"
#include "eip8025_groth16.h"
#include "sha256.h"

static const fp R_PLAIN = BN254_R_INIT;

struct e8_groth16_vk {
    g1_aff alpha;
    g2_aff beta, gamma, delta;
    size_t n; /* public inputs */
    g1_aff ic[];
};

/* 1 iff the 32-byte big-endian word is < r. */
static int below_r(const uint8_t w[32]) {
    for (int i = 0; i < 32; i++) {
        uint8_t rb = (uint8_t)(R_PLAIN.l[(31 - i) / 8] >> (8 * ((31 - i) % 8)));
        if (w[i] != rb) {
            return w[i] < rb;
        }
    }
    return 0;
}

static int is_zero_bytes(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

const char *e8_groth16_vk_decode(e8_groth16_vk **out, const uint8_t *data, size_t len) {
    *out = NULL;
    if (len < EIP8025_GROTH16_VK_FIXED_LEN + EIP8025_GROTH16_G1_LEN ||
        (len - EIP8025_GROTH16_VK_FIXED_LEN) % EIP8025_GROTH16_G1_LEN != 0) {
        return EIP8025_G16_BAD_VK;
    }
    size_t n_ic = (len - EIP8025_GROTH16_VK_FIXED_LEN) / EIP8025_GROTH16_G1_LEN;
    e8_groth16_vk *vk = malloc(sizeof *vk + n_ic * sizeof(g1_aff));
    if (!vk) {
        return EIP8025_G16_BAD_VK;
    }
    vk->n = n_ic - 1;
    int ok = !g1_decode(&vk->alpha, data) && !vk->alpha.inf && !g2_decode(&vk->beta, data + 64) &&
             !vk->beta.inf && !g2_decode(&vk->gamma, data + 192) && !vk->gamma.inf &&
             !g2_decode(&vk->delta, data + 320) && !vk->delta.inf;
    for (size_t i = 0; ok && i < n_ic; i++) {
        const uint8_t *p = data + EIP8025_GROTH16_VK_FIXED_LEN + EIP8025_GROTH16_G1_LEN * i;
        ok = !g1_decode(&vk->ic[i], p) && !vk->ic[i].inf;
    }
    ok = ok && g2_in_subgroup(&vk->beta) && g2_in_subgroup(&vk->gamma) &&
         g2_in_subgroup(&vk->delta);
    if (!ok) {
        free(vk);
        return EIP8025_G16_BAD_VK;
    }
    *out = vk;
    return NULL;
}

void e8_groth16_vk_free(e8_groth16_vk *vk) { free(vk); }

size_t e8_groth16_vk_inputs(const e8_groth16_vk *vk) { return vk->n; }

const char *e8_groth16_verify(const e8_groth16_vk *vk, const uint8_t proof[256],
                              const uint8_t *inputs, size_t n_inputs) {
    if (n_inputs != vk->n) {
        return EIP8025_G16_INPUT_COUNT;
    }
    /* [decode] every coordinate word < p, never reduced */
    fp w[8];
    for (int i = 0; i < 8; i++) {
        if (!fp_from_bytes(&w[i], proof + 32 * i)) {
            return EIP8025_G16_COORDINATE_GE_P;
        }
    }
    g1_aff a = {w[0], w[1], 0}, c = {w[6], w[7], 0};
    g2_aff b = {{w[3], w[2]}, {w[5], w[4]}, 0}; /* EIP-197 word order: imaginary part first */
    if (is_zero_bytes(proof, 64) || is_zero_bytes(proof + 64, 128) ||
        is_zero_bytes(proof + 192, 64)) {
        return EIP8025_G16_POINT_AT_INFINITY;
    }
    if (!g1_on_curve(&a)) {
        return EIP8025_G16_A_NOT_ON_CURVE;
    }
    if (!g2_on_curve(&b)) {
        return EIP8025_G16_B_NOT_ON_CURVE;
    }
    if (!g1_on_curve(&c)) {
        return EIP8025_G16_C_NOT_ON_CURVE;
    }
    if (!g2_in_subgroup(&b)) {
        return EIP8025_G16_B_NOT_IN_SUBGROUP;
    }
    for (size_t i = 0; i < n_inputs; i++) {
        if (!below_r(inputs + 32 * i)) {
            return EIP8025_G16_INPUT_GE_R;
        }
    }
    /* L = ic[0] + sum x_i ic[i] */
    g1_jac acc, term;
    g1_from_affine(&acc, &vk->ic[0]);
    for (size_t i = 0; i < n_inputs; i++) {
        g1_from_affine(&term, &vk->ic[i + 1]);
        g1_mul(&term, &term, inputs + 32 * i);
        g1_add(&acc, &acc, &term);
    }
    g1_aff l;
    g1_to_affine(&l, &acc);
    /* e(-A, B) e(alpha, beta) e(L, gamma) e(C, delta) == 1 */
    g1_aff ps[4] = {a, vk->alpha, l, c};
    fp_neg(&ps[0].y, &a.y);
    g2_aff qs[4] = {b, vk->beta, vk->gamma, vk->delta};
    return bn254_pairing_product_is_one(ps, qs, 4) ? NULL : EIP8025_G16_PAIRING_FAILS;
}

/* ---- SP1 v4 / RISC Zero v3 bindings behind the ere-verifier-c ABI ---------------------------- */

typedef struct {
    uint32_t kind;
    uint8_t selector[EIP8025_GROTH16_SELECTOR_LEN];
    uint8_t program_vkey[32]; /* SP1 */
    uint8_t image_id[32];     /* RISC Zero */
    uint8_t control_lo[32], control_hi[32], control_id[32];
    /* RISC Zero constants, hashed once at creation: tag("risc0.Output"), tag("risc0.ReceiptClaim")
     * and the digest of the zero SystemState (the post-state of a halted run). */
    uint8_t output_tag[32], claim_tag[32], system_state_zero[32];
    e8_groth16_vk *vk;
} g16_verifier;

static _Thread_local const char *last_reason = NULL;

const char *e8_groth16_last_reason(void) { return last_reason; }

static int32_t fail(int32_t status, const char *reason) {
    last_reason = reason;
    return status;
}

/* 32-byte word of (little-endian half of D) as a big-endian integer < 2^128. */
static void risc0_half(uint8_t out[32], const uint8_t d[32], int high) {
    memset(out, 0, 16);
    for (int i = 0; i < 16; i++) {
        out[16 + i] = d[(high ? 31 : 15) - i];
    }
}

static void tag_digest(uint8_t out[32], const char *tag) { e8_sha256(tag, strlen(tag), out); }

/* RISC Zero's fixed digests (tagged-struct tags and the zero SystemState). */
static void risc0_constants(g16_verifier *v) {
    static const uint8_t zero[32] = {0};
    uint8_t tag[32];
    e8_sha256_ctx ctx;
    tag_digest(v->output_tag, "risc0.Output");
    tag_digest(v->claim_tag, "risc0.ReceiptClaim");
    tag_digest(tag, "risc0.SystemState");
    e8_sha256_init(&ctx);
    e8_sha256_update(&ctx, tag, 32);
    e8_sha256_update(&ctx, zero, 32); /* merkle root (digest field) */
    e8_sha256_update(&ctx, zero, 4);  /* pc */
    e8_sha256_update(&ctx, "\x01\x00", 2);
    e8_sha256_final(&ctx, v->system_state_zero);
}

/* ReceiptClaim digest of a successful halt of the verifier's image id with `journal` (v3). */
static void risc0_claim_digest(uint8_t out[32], const g16_verifier *v, const uint8_t *journal,
                               size_t journal_len) {
    static const uint8_t zero[32] = {0};
    uint8_t journal_digest[32], output_digest[32];
    e8_sha256_ctx ctx;
    e8_sha256(journal, journal_len, journal_digest);
    e8_sha256_init(&ctx);
    e8_sha256_update(&ctx, v->output_tag, 32);
    e8_sha256_update(&ctx, journal_digest, 32);
    e8_sha256_update(&ctx, zero, 32); /* assumptions: none */
    e8_sha256_update(&ctx, "\x02\x00", 2);
    e8_sha256_final(&ctx, output_digest);
    e8_sha256_init(&ctx);
    e8_sha256_update(&ctx, v->claim_tag, 32);
    e8_sha256_update(&ctx, zero, 32); /* input */
    e8_sha256_update(&ctx, v->image_id, 32);
    e8_sha256_update(&ctx, v->system_state_zero, 32);
    e8_sha256_update(&ctx, output_digest, 32);
    e8_sha256_update(&ctx, zero, 4); /* exit code system: Halted */
    e8_sha256_update(&ctx, zero, 4); /* exit code user: 0 */
    e8_sha256_update(&ctx, "\x04\x00", 2);
    e8_sha256_final(&ctx, out);
}

static int32_t g16_new(uint32_t kind, const uint8_t *pvk, uintptr_t len, EreVerifier **output) {
    if (!output || (!pvk && len)) {
        return fail(ERE_ERR_NULL_PTR, NULL);
    }
    *output = NULL;
    size_t head, inputs;
    if (kind == EIP8025_KIND_GROTH16_SP1_V4) {
        head = EIP8025_GROTH16_SELECTOR_LEN + 32;
        inputs = EIP8025_GROTH16_SP1_V4_INPUTS;
    } else if (kind == EIP8025_KIND_GROTH16_RISC0_V3) {
        head = EIP8025_GROTH16_SELECTOR_LEN + 3 * 32;
        inputs = EIP8025_GROTH16_RISC0_V3_INPUTS;
    } else {
        return fail(ERE_ERR_BAD_KIND, NULL);
    }
    if (len != head + EIP8025_GROTH16_VK_FIXED_LEN + EIP8025_GROTH16_G1_LEN * (inputs + 1)) {
        return fail(ERE_ERR_DECODE_PROGRAM_VK, EIP8025_G16_WRONG_LENGTH);
    }
    g16_verifier *v = calloc(1, sizeof *v);
    if (!v) {
        return fail(ERE_ERR_INTERNAL, NULL);
    }
    v->kind = kind;
    memcpy(v->selector, pvk, EIP8025_GROTH16_SELECTOR_LEN);
    const uint8_t *p = pvk + EIP8025_GROTH16_SELECTOR_LEN;
    int ok;
    if (kind == EIP8025_KIND_GROTH16_SP1_V4) {
        memcpy(v->program_vkey, p, 32);
        ok = below_r(v->program_vkey);
    } else {
        memcpy(v->image_id, p, 32);
        risc0_half(v->control_lo, p + 32, 0);
        risc0_half(v->control_hi, p + 32, 1);
        memcpy(v->control_id, p + 64, 32);
        risc0_constants(v);
        ok = below_r(v->control_id);
    }
    if (!ok) {
        free(v);
        return fail(ERE_ERR_DECODE_PROGRAM_VK, EIP8025_G16_INPUT_GE_R);
    }
    const char *err = e8_groth16_vk_decode(&v->vk, pvk + head, len - head);
    if (err) {
        free(v);
        return fail(ERE_ERR_DECODE_PROGRAM_VK, err);
    }
    *output = (EreVerifier *)v;
    return ERE_OK;
}

static int32_t g16_verify(const EreVerifier *handle, const uint8_t *proof, uintptr_t len,
                          uint8_t **pv_out, uintptr_t *pv_len_out) {
    if (pv_out) {
        *pv_out = NULL;
    }
    if (pv_len_out) {
        *pv_len_out = 0;
    }
    if (!handle || !pv_out || !pv_len_out || (!proof && len)) {
        return fail(ERE_ERR_NULL_PTR, NULL);
    }
    const g16_verifier *v = (const g16_verifier *)handle;
    const size_t head = EIP8025_GROTH16_SELECTOR_LEN + EIP8025_GROTH16_PROOF_LEN;
    if (len < head) {
        return fail(ERE_ERR_DECODE_PROOF, EIP8025_G16_WRONG_LENGTH);
    }
    if (memcmp(proof, v->selector, EIP8025_GROTH16_SELECTOR_LEN) != 0) {
        return fail(ERE_ERR_DECODE_PROOF, EIP8025_G16_SELECTOR_MISMATCH);
    }
    const uint8_t *values = proof + head;
    size_t values_len = len - head;
    uint8_t inputs[32 * EIP8025_GROTH16_RISC0_V3_INPUTS];
    size_t n;
    if (v->kind == EIP8025_KIND_GROTH16_SP1_V4) {
        memcpy(inputs, v->program_vkey, 32);
        e8_sha256(values, values_len, inputs + 32);
        inputs[32] &= 0x1f; /* keep 253 bits */
        n = EIP8025_GROTH16_SP1_V4_INPUTS;
    } else {
        uint8_t claim[32];
        risc0_claim_digest(claim, v, values, values_len);
        memcpy(inputs, v->control_lo, 32);
        memcpy(inputs + 32, v->control_hi, 32);
        risc0_half(inputs + 64, claim, 0);
        risc0_half(inputs + 96, claim, 1);
        memcpy(inputs + 128, v->control_id, 32);
        n = EIP8025_GROTH16_RISC0_V3_INPUTS;
    }
    const char *err =
        e8_groth16_verify(v->vk, proof + EIP8025_GROTH16_SELECTOR_LEN, inputs, n);
    if (err) {
        return fail(strcmp(err, EIP8025_G16_PAIRING_FAILS) ? ERE_ERR_DECODE_PROOF : ERE_ERR_VERIFY,
                    err);
    }
    if (values_len) {
        uint8_t *copy = malloc(values_len);
        if (!copy) {
            return fail(ERE_ERR_INTERNAL, NULL);
        }
        memcpy(copy, values, values_len);
        *pv_out = copy;
        *pv_len_out = values_len;
    }
    last_reason = NULL;
    return ERE_OK;
}

static int32_t g16_kind(const EreVerifier *handle, uint32_t *output) {
    if (!handle || !output) {
        return ERE_ERR_NULL_PTR;
    }
    *output = ((const g16_verifier *)handle)->kind;
    return ERE_OK;
}

static void g16_free(EreVerifier *handle) {
    g16_verifier *v = (g16_verifier *)handle;
    if (v) {
        e8_groth16_vk_free(v->vk);
        free(v);
    }
}

static void g16_bytes_free(uint8_t *ptr, uintptr_t len) {
    (void)len;
    free(ptr);
}

const e8_verifier_table e8_groth16_verifier_table = {
    .new_fn = g16_new,
    .verify_fn = g16_verify,
    .zkvm_kind_fn = g16_kind,
    .free_fn = g16_free,
    .bytes_free_fn = g16_bytes_free,
};
