/*
 * bn254_curve.c - G1 and G2 of BN254: decoding with full validation, group law, scalar
 * multiplication, G2 subgroup check. The group law is written once in bn254_group_impl.h.
 */
#include <string.h>

#include "bn254.h"
#include "bn254_constants.h"

static const fp G1_B = BN254_G1_B_INIT;
static const fp2 G2_B = BN254_G2_B_INIT;
static const fp R_PLAIN = BN254_R_INIT;



/* ---- G1 over Fp ---------------------------------------------------------------------------- */
#define G_(name) g1_##name
#define G_JAC g1_jac
#define G_AFF g1_aff
#define F fp
#define F_ADD fp_add
#define F_SUB fp_sub
#define F_MUL fp_mul
#define F_SQR fp_sqr
#define F_INV fp_inv
#define F_IS_ZERO fp_is_zero
#define F_EQ fp_eq
#define F_ZERO BN_FP_ZERO
#define F_ONE BN_FP_ONE
#define CURVE_B G1_B
#include "bn254_group_impl.h"
#undef G_
#undef G_JAC
#undef G_AFF
#undef F
#undef F_ADD
#undef F_SUB
#undef F_MUL
#undef F_SQR
#undef F_INV
#undef F_IS_ZERO
#undef F_EQ
#undef F_ZERO
#undef F_ONE
#undef CURVE_B

/* ---- G2 over Fp2 --------------------------------------------------------------------------- */
#define G_(name) g2_##name
#define G_JAC g2_jac
#define G_AFF g2_aff
#define F fp2
#define F_ADD fp2_add
#define F_SUB fp2_sub
#define F_MUL fp2_mul
#define F_SQR fp2_sqr
#define F_INV fp2_inv
#define F_IS_ZERO fp2_is_zero
#define F_EQ fp2_eq
#define F_ZERO BN_FP2_ZERO
#define F_ONE BN_FP2_ONE
#define CURVE_B G2_B
#include "bn254_group_impl.h"

static int all_zero(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

const char *g1_decode(g1_aff *r, const uint8_t in[64]) {
    if (!fp_from_bytes(&r->x, in) || !fp_from_bytes(&r->y, in + 32)) {
        return BN254_ERR_COORD;
    }
    r->inf = all_zero(in, 64);
    if (!g1_on_curve(r)) {
        return BN254_ERR_G1_CURVE;
    }
    return NULL;
}

/* EIP-197 order: x.c1 (imaginary) || x.c0 || y.c1 || y.c0. */
const char *g2_decode(g2_aff *r, const uint8_t in[128]) {
    if (!fp_from_bytes(&r->x.c1, in) || !fp_from_bytes(&r->x.c0, in + 32) ||
        !fp_from_bytes(&r->y.c1, in + 64) || !fp_from_bytes(&r->y.c0, in + 96)) {
        return BN254_ERR_COORD;
    }
    r->inf = all_zero(in, 128);
    if (!g2_on_curve(r)) {
        return BN254_ERR_G2_CURVE;
    }
    return NULL;
}

void g1_encode(uint8_t out[64], const g1_aff *a) {
    if (a->inf) {
        memset(out, 0, 64);
        return;
    }
    fp_to_bytes(out, &a->x);
    fp_to_bytes(out + 32, &a->y);
}

void g2_encode(uint8_t out[128], const g2_aff *a) {
    if (a->inf) {
        memset(out, 0, 128);
        return;
    }
    fp_to_bytes(out, &a->x.c1);
    fp_to_bytes(out + 32, &a->x.c0);
    fp_to_bytes(out + 64, &a->y.c1);
    fp_to_bytes(out + 96, &a->y.c0);
}

/* r * Q == O. (The twist has a large cofactor, so an on-curve point need not be in G2.) */
int g2_in_subgroup(const g2_aff *a) {
    if (a->inf) {
        return 1;
    }
    uint8_t r_be[32];
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 8; j++) {
            r_be[(3 - i) * 8 + j] = (uint8_t)(R_PLAIN.l[i] >> (56 - 8 * j));
        }
    }
    g2_jac q, rq;
    g2_from_affine(&q, a);
    g2_mul(&rq, &q, r_be);
    return fp2_is_zero(&rq.z);
}



