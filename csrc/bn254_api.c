/*
 * bn254_api.c - byte-level entry points: the EIP-196 / EIP-197 precompile operations and the
 * element-level hooks the test suite cross-checks against py_ecc.
 */
#include <string.h>

#include "bn254.h"

const char *bn254_eip196_add(const uint8_t in[128], uint8_t out[64]) {
    g1_aff a, b;
    const char *err = g1_decode(&a, in);
    if (!err) {
        err = g1_decode(&b, in + 64);
    }
    if (err) {
        return err;
    }
    g1_jac ja, jb;
    g1_from_affine(&ja, &a);
    g1_from_affine(&jb, &b);
    g1_add(&ja, &ja, &jb);
    g1_to_affine(&a, &ja);
    g1_encode(out, &a);
    return NULL;
}

const char *bn254_eip196_mul(const uint8_t in[96], uint8_t out[64]) {
    g1_aff a;
    const char *err = g1_decode(&a, in);
    if (err) {
        return err;
    }
    g1_jac ja;
    g1_from_affine(&ja, &a);
    g1_mul(&ja, &ja, in + 64);
    g1_to_affine(&a, &ja);
    g1_encode(out, &a);
    return NULL;
}

/* Fp12 -> 12 big-endian words, tower order, real part first. */
static void fp12_to_bytes(uint8_t out[384], const fp12 *a) {
    const fp6 *h[2] = {&a->c0, &a->c1};
    for (int i = 0; i < 2; i++) {
        const fp2 *c[3] = {&h[i]->c0, &h[i]->c1, &h[i]->c2};
        for (int j = 0; j < 3; j++) {
            fp_to_bytes(out + 192 * i + 64 * j, &c[j]->c0);
            fp_to_bytes(out + 192 * i + 64 * j + 32, &c[j]->c1);
        }
    }
}

static int fp12_from_bytes(fp12 *r, const uint8_t in[384]) {
    fp6 *h[2] = {&r->c0, &r->c1};
    for (int i = 0; i < 2; i++) {
        fp2 *c[3] = {&h[i]->c0, &h[i]->c1, &h[i]->c2};
        for (int j = 0; j < 3; j++) {
            if (!fp_from_bytes(&c[j]->c0, in + 192 * i + 64 * j) ||
                !fp_from_bytes(&c[j]->c1, in + 192 * i + 64 * j + 32)) {
                return 0;
            }
        }
    }
    return 1;
}

const char *bn254_eip197_pairing(const uint8_t *in, size_t len, int *result, uint8_t *fp12_out) {
    if (len % 192 != 0) {
        return BN254_ERR_LENGTH;
    }
    size_t n = len / 192;
    enum { BATCH = 16 };
    fp12 f, acc;
    fp12_one(&acc);
    for (size_t base = 0; base < n; base += BATCH) {
        g1_aff p[BATCH];
        g2_aff q[BATCH];
        size_t m = 0;
        for (size_t k = base; k < n && k < base + BATCH; k++, m++) {
            const uint8_t *pair = in + 192 * k;
            const char *err = g1_decode(&p[m], pair);
            if (!err) {
                err = g2_decode(&q[m], pair + 64);
            }
            if (!err && !g2_in_subgroup(&q[m])) {
                err = BN254_ERR_G2_SUBGROUP;
            }
            if (err) {
                return err;
            }
        }
        bn254_miller_loop(&f, p, q, m);
        fp12_mul(&acc, &acc, &f);
    }
    bn254_final_exponentiation(&f, &acc);
    *result = fp12_is_one(&f);
    if (fp12_out) {
        fp12_to_bytes(fp12_out, &f);
    }
    return NULL;
}

/* ---- element-level test hooks ---------------------------------------------------------------- */

typedef union {
    fp e1;
    fp2 e2;
    fp6 e6;
    fp12 e12;
    fp words[12];
} elem;

static int decode_elem(elem *r, int degree, const uint8_t *in) {
    if (degree == 12) {
        return fp12_from_bytes(&r->e12, in);
    }
    /* degrees 1, 2, 6: the words are laid out in tower order in the struct */
    for (int i = 0; i < degree; i++) {
        if (!fp_from_bytes(&r->words[i], in + 32 * i)) {
            return 0;
        }
    }
    return 1;
}

static void encode_elem(uint8_t *out, int degree, const elem *a) {
    if (degree == 12) {
        fp12_to_bytes(out, &a->e12);
        return;
    }
    for (int i = 0; i < degree; i++) {
        fp_to_bytes(out + 32 * i, &a->words[i]);
    }
}

static int elem_is_zero(int degree, const elem *a) {
    for (int i = 0; i < degree; i++) {
        if (!fp_is_zero(&a->words[i])) {
            return 0;
        }
    }
    return 1;
}

const char *bn254_field_op(int degree, const char *op, const uint8_t *a_in, const uint8_t *b_in,
                           uint8_t *out) {
    if (degree != 1 && degree != 2 && degree != 6 && degree != 12) {
        return BN254_ERR_BAD_OP;
    }
    int binary = !strcmp(op, "add") || !strcmp(op, "sub") || !strcmp(op, "mul");
    if (binary && !b_in) {
        return BN254_ERR_BAD_OP;
    }
    elem a, b, r;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&r, 0, sizeof r);
    if (!decode_elem(&a, degree, a_in) || (binary && !decode_elem(&b, degree, b_in))) {
        return BN254_ERR_COORD;
    }
    if (!strcmp(op, "inv") && elem_is_zero(degree, &a)) {
        return BN254_ERR_DIV_ZERO;
    }
#define BINARY(name, f1, f2, f6, f12)                                                              \
    if (!strcmp(op, name)) {                                                                       \
        switch (degree) {                                                                          \
        case 1: f1(&r.e1, &a.e1, &b.e1); break;                                                    \
        case 2: f2(&r.e2, &a.e2, &b.e2); break;                                                    \
        case 6: f6(&r.e6, &a.e6, &b.e6); break;                                                    \
        default: f12(&r.e12, &a.e12, &b.e12); break;                                               \
        }                                                                                          \
        encode_elem(out, degree, &r);                                                              \
        return NULL;                                                                               \
    }
#define UNARY(name, f1, f2, f6, f12)                                                               \
    if (!strcmp(op, name)) {                                                                       \
        switch (degree) {                                                                          \
        case 1: f1(&r.e1, &a.e1); break;                                                           \
        case 2: f2(&r.e2, &a.e2); break;                                                           \
        case 6: f6(&r.e6, &a.e6); break;                                                           \
        default: f12(&r.e12, &a.e12); break;                                                       \
        }                                                                                          \
        encode_elem(out, degree, &r);                                                              \
        return NULL;                                                                               \
    }
    BINARY("add", fp_add, fp2_add, fp6_add, fp12_add)
    BINARY("sub", fp_sub, fp2_sub, fp6_sub, fp12_sub)
    BINARY("mul", fp_mul, fp2_mul, fp6_mul, fp12_mul)
    UNARY("sqr", fp_sqr, fp2_sqr, fp6_sqr, fp12_sqr)
    UNARY("neg", fp_neg, fp2_neg, fp6_neg, fp12_neg)
    UNARY("inv", fp_inv, fp2_inv, fp6_inv, fp12_inv)
#undef BINARY
#undef UNARY
    if (degree == 12) {
        if (!strcmp(op, "conj")) {
            fp12_conj(&r.e12, &a.e12);
        } else if (!strcmp(op, "cyclo_sqr")) {
            fp12_cyclotomic_sqr(&r.e12, &a.e12);
        } else if (!strncmp(op, "frob", 4) && op[4] >= '1' && op[4] <= '3' && op[5] == 0) {
            fp12_frobenius(&r.e12, &a.e12, op[4] - '0');
        } else {
            return BN254_ERR_BAD_OP;
        }
        encode_elem(out, degree, &r);
        return NULL;
    }
    return BN254_ERR_BAD_OP;
}

const char *bn254_g2_add_bytes(const uint8_t a[128], const uint8_t b[128], uint8_t out[128]) {
    g2_aff pa, pb;
    const char *err = g2_decode(&pa, a);
    if (!err) {
        err = g2_decode(&pb, b);
    }
    if (err) {
        return err;
    }
    g2_jac ja, jb;
    g2_from_affine(&ja, &pa);
    g2_from_affine(&jb, &pb);
    g2_add(&ja, &ja, &jb);
    g2_to_affine(&pa, &ja);
    g2_encode(out, &pa);
    return NULL;
}

const char *bn254_g2_mul_bytes(const uint8_t a[128], const uint8_t k[32], uint8_t out[128]) {
    g2_aff pa;
    const char *err = g2_decode(&pa, a);
    if (err) {
        return err;
    }
    g2_jac ja;
    g2_from_affine(&ja, &pa);
    g2_mul(&ja, &ja, k);
    g2_to_affine(&pa, &ja);
    g2_encode(out, &pa);
    return NULL;
}

const char *bn254_g2_subgroup_bytes(const uint8_t a[128], int *result) {
    g2_aff pa;
    const char *err = g2_decode(&pa, a);
    if (err) {
        return err;
    }
    *result = g2_in_subgroup(&pa);
    return NULL;
}
